"""The up-front estimate of a run's training time: the rule on small synthetic inputs, and the line a run logs."""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
import pytest

from nexusml.model import estimate
from nexusml.model.estimate import duration, estimate_for, estimate_training


def linear(**given):
    options = dict(rows=1000, train_rows=700, classes={"t": 10}, model_type="linear")
    return estimate_training(**{**options, **given})


def classifier_seconds(run, rows: int = 1000, train_rows: int = 700) -> float:
    """The run's estimate less its feature transforms (two fits and the held-out rows)."""
    return run.seconds - (train_rows + rows + rows - train_rows) * estimate.COSTS["linear"][1]


def test_the_estimate_grows_with_rows_times_classes_and_a_small_run_says_nothing():
    per_class = estimate.COSTS["linear"][0]
    small = linear()
    assert small.seconds < 10 and small.warning() is None
    assert classifier_seconds(small) == pytest.approx((700 + 1000) * 10 * per_class)
    assert classifier_seconds(linear(classes={"t": 40})) == pytest.approx(4 * classifier_seconds(small))
    assert classifier_seconds(linear(rows=4000, train_rows=2800), 4000, 2800) == pytest.approx(
        4 * classifier_seconds(small)
    )
    assert classifier_seconds(linear(classes={"t": 2})) == pytest.approx(1700 * per_class)  # one binary classifier
    assert classifier_seconds(linear(classes={"t": 1})) == pytest.approx(0)  # a single class: nothing to fit


def test_an_id_column_as_target_is_a_long_run_named_by_its_column():
    run = linear(rows=9600, train_rows=6720, classes={"Serial No": 4800, "System": 12})
    line = run.warning()
    assert run.seconds > estimate.LONG_RUN_SECONDS and line is not None
    assert re.fullmatch(
        r"training will take ~\d+ min: 'Serial No' has 4,800 classes over 9,600 rows \(4,812 classes in 2 targets\)",
        line,
    ), line
    fewer_in_training = linear(
        rows=9600, train_rows=6720, classes={"Serial No": 4800}, train_classes={"Serial No": 3000}
    )
    assert fewer_in_training.seconds < linear(rows=9600, train_rows=6720, classes={"Serial No": 4800}).seconds
    assert run.warning(limit=run.seconds + 1) is None


def test_model_type_search_text_length_and_the_large_data_model_change_the_estimate():
    sized = dict(rows=20000, train_rows=14000, classes={"t": 300})
    base = linear(**sized)
    assert linear(**sized, model_type="random_forest").seconds > base.seconds
    searched = linear(**sized, optimize=True, cv_folds=3)
    assert searched.seconds > 5 * base.seconds and searched.factor.endswith("--optimize fits each target 18 more times")
    long_text = linear(**sized, mean_text_chars=3000)
    # longer text costs more, but less than in proportion: words and n-grams repeat
    assert 5 * base.seconds < long_text.seconds < 50 * base.seconds
    assert "the text averages 3,000 characters a row" in long_text.factor
    big = linear(rows=300_000, train_rows=210_000, classes={"t": 30})  # above LARGE_DATA_ROWS: no refit
    expected = (210_000 + 90_000) * estimate.COSTS["linear"][1] + 210_000 * 30 * estimate.LARGE_DATA_COST
    assert big.seconds == pytest.approx(expected)
    assert linear(classes={"t": 2}).factor == "1,000 rows"


def test_targets_that_group_the_rows_alike_are_counted_once():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 50, 2000)
    Y = pd.DataFrame({"a": codes.astype(str), "b": [f"x{c}" for c in codes], "c": (codes % 5).astype(str)})
    X = pd.DataFrame({"text": ["pump 10 hp"] * 2000})
    train = np.arange(1400)
    both = estimate_for(X, Y, "text", train)
    alone = estimate_for(X, Y[["a", "c"]], "text", train)
    assert both.seconds == pytest.approx(alone.seconds)
    assert both.factor == "'a' has 50 classes over 2,000 rows (55 classes in 2 targets)"


def test_durations_read_as_a_person_says_them():
    assert [duration(s) for s in (5, 89, 130, 14 * 60, 5400, 3 * 3600)] == [
        "5 s",
        "89 s",
        "2 min",
        "14 min",
        "1.5 h",
        "3.0 h",
    ]


def test_a_run_with_an_id_like_target_says_how_long_before_it_trains(tmp_path, caplog):
    from nexusml.options.precedence import resolve_arguments
    from nexusml.pipeline import CancelToken, StageStarted, TrainingCancelled, run_training

    rows = 9600
    frame = pd.DataFrame(
        {
            "Description": [f"pump {i % 37} hp unit {i % 11}" for i in range(rows)],
            "Serial No": [f"SN-{i // 2:05d}" for i in range(rows)],  # 4,800 serial numbers, two rows each
        }
    )
    path = tmp_path / "assets.csv"
    frame.to_csv(path, index=False)
    given = {"data_path": str(path), "output_dir": str(tmp_path / "out"), "targets": ["Serial No"],
             "text_columns": "Description", "max_classes": 10_000, "log_level": "INFO"}  # fmt: skip
    token = CancelToken()

    def stop_before_training(event) -> None:
        if isinstance(event, StageStarted) and event.stage == "build":
            token.cancel("stopped by the test")

    with caplog.at_level(logging.WARNING, logger="nexusml.run"), pytest.raises(TrainingCancelled):
        run_training(resolve_arguments(given), stop_before_training, token)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("training will take")]
    assert len(lines) == 1, caplog.text
    assert re.fullmatch(r"training will take ~\d+ min: 'Serial No' has 4,800 classes over 9,600 rows", lines[0])


@pytest.mark.parametrize(
    ("rows", "train_rows", "classes", "chars", "measured"),
    [
        (40, 28, 4, 1_000_000, 104.0),  # 40 rows of 1 MB cells: 450 s estimated before, 4.3x too long
        (300_000, 210_000, 20, 465, 97.0),  # 300,000 rows of word text: 740 s before, 7.6x too long
    ],
)
def test_pathological_text_is_estimated_within_3x_of_the_measured_time(rows, train_rows, classes, chars, measured):
    """Measured on this 2-core machine (train, evaluate and refit stages of a whole run, --n-jobs -1)."""
    found = linear(rows=rows, train_rows=train_rows, classes={"t": classes}, mean_text_chars=chars, n_jobs=-1)
    assert measured / 3 <= found.seconds <= measured * 3


def test_the_text_factors_are_one_at_the_reference_length_and_grow_with_it():
    assert estimate.text_transform_factor(estimate.REFERENCE_TEXT_CHARS) == pytest.approx(1.0)
    assert estimate.text_fit_factor(estimate.REFERENCE_TEXT_CHARS) == pytest.approx(1.0)
    lengths = [20, 60, 200, 465, 3000, 1_000_000]
    for factor in (estimate.text_transform_factor, estimate.text_fit_factor):
        values = [factor(n) for n in lengths]
        assert values == sorted(values)
