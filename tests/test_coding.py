"""Coding a new file for review: chunked predictions, unfamiliar rows, the review sidecar, export, training rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml import coding
from nexusml.commands import predict
from nexusml.readers.loader import load_data
from nexusml.store.load import load_model
from tests.conftest import call_main


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, asset_register: tuple[Path, Path]) -> tuple[Path, Path]:
    """A model trained on the asset register (two targets) and a new file of 300 rows to code."""
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training
    from scripts.synthetic import generate_asset_register

    data, config = asset_register
    folder = tmp_path_factory.mktemp("coding")
    args = arguments_from_values({"data_path": data, "feature_config": config, "output_dir": folder / "models"})
    result = run_training(args)
    new = folder / "new.csv"
    generate_asset_register(300, seed=11).drop(columns=["System", "Trade Group"]).to_csv(new, index=False)
    return result.model_path, new


def test_chunks_give_what_one_pass_gives(trained: tuple[Path, Path]) -> None:
    model_path, new = trained
    model = load_model(model_path)
    frame = load_data(new)
    whole = coding.code_frame(model, frame, chunk_rows=len(frame))
    progress: list[tuple[int, int]] = []
    chunked = coding.code_frame(model, frame, chunk_rows=64, on_progress=lambda d, t: progress.append((d, t)))
    assert progress[-1] == (300, 300) and len(progress) == 5
    for target in model.targets:
        assert list(chunked.predicted[target]) == list(whole.predicted[target])
        np.testing.assert_allclose(chunked.confidence[target], whole.confidence[target], rtol=1e-6)
        assert (chunked.top_labels[target] == whole.top_labels[target]).all()
        assert chunked.top_labels[target].shape == (300, 3)
        # the first of the top classes is the prediction, and they come most confident first
        assert list(chunked.top_labels[target][:, 0]) == list(chunked.predicted[target])
        assert (np.diff(np.nan_to_num(chunked.top_confidences[target], nan=-1), axis=1) <= 1e-9).all()
    assert (chunked.unfamiliar == whole.unfamiliar).all()
    plain = model.predict(frame)
    for target in model.targets:
        assert list(plain[f"predicted_{target}"]) == list(whole.predicted[target])


def test_coding_threads_take_turns_in_the_feature_transformers(
    trained: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chunks in scikit-learn's transformers at once empty each other's warning filters (a false alarm on the
    terminal, filters lost): the coding threads transform one chunk at a time and overlap in the rest."""
    import threading
    import time

    from nexusml.coding import predictions

    model_path, new = trained
    model = load_model(model_path)
    frame = load_data(new)
    monkeypatch.setattr(predictions, "CODING_THREADS", 2)
    transform = model.features_of
    inside, most, threads, lock = [0], [0], set(), threading.Lock()

    def watched(features):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            threads.add(threading.current_thread().name)
        time.sleep(0.05)  # a second thread, were it let in, would be inside now
        try:
            return transform(features)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(model, "features_of", watched)
    chunked = coding.code_frame(model, frame, chunk_rows=40)
    assert len(threads) == 2 and most[0] == 1
    assert all(len(chunked.predicted[target]) == len(frame) == 300 for target in model.targets)


def test_cancel_stops_between_chunks(trained: tuple[Path, Path]) -> None:
    from nexusml.errors import Cancelled

    model_path, new = trained
    model = load_model(model_path)
    calls: list[int] = []
    with pytest.raises(Cancelled):
        coding.code_frame(
            model, load_data(new), chunk_rows=50, on_progress=lambda d, t: calls.append(d), should_stop=lambda: True
        )
    assert calls == [50]


def test_gibberish_is_unfamiliar(trained: tuple[Path, Path]) -> None:
    model_path, new = trained
    model = load_model(model_path)
    frame = load_data(new).head(6).copy()
    frame.loc[frame.index[1], ["Asset Label", "Make", "Notes"]] = ["qqzx", "vvkjw", "zzxq jjwp qxqz"]
    frame.loc[frame.index[3], ["Asset Label", "Make", "Notes"]] = ["", "", ""]
    coded = coding.code_frame(model, frame)
    assert list(coded.unfamiliar) == [False, True, False, True, False, False]
    for target in model.targets:  # an unfamiliar row always needs review
        assert coded.needs_review(target)[1] and coded.needs_review(target)[3]


def test_review_state_is_saved_and_refuses_another_model_or_file(trained: tuple[Path, Path], tmp_path: Path) -> None:
    model_path, new = trained
    data = tmp_path / "inventory.csv"
    data.write_bytes(new.read_bytes())
    state = coding.ReviewState.open(data, model_path)
    assert state.path == data.with_name(f"inventory.csv.{model_path.stem}.review.json")
    state.set_class(5, "System", "Lighting", predicted="Normal Power")
    state.accept(7, {"System": "Lighting", "Trade Group": "Electrical"})
    saved = json.loads(state.path.read_text(encoding="utf-8"))
    assert saved["rows"]["5"]["System"] == {"status": "corrected", "value": "Lighting"}
    again = coding.ReviewState.open(data, model_path)
    assert again.marks == {5: {"System": ("corrected", "Lighting")}, 7: state.marks[7]}
    assert again.mark(7, "Trade Group") == ("accepted", "Electrical")

    other_model = tmp_path / model_path.name
    other_model.write_bytes(model_path.read_bytes() + b"x")
    state.path.rename(coding.sidecar_path(data, other_model))
    with pytest.raises(coding.ReviewMismatch, match="another model"):
        coding.ReviewState.open(data, other_model)
    coding.sidecar_path(data, other_model).rename(state.path)
    data.write_text(data.read_text(encoding="utf-8") + "X-1,,,,,,\n", encoding="utf-8")
    with pytest.raises(coding.ReviewMismatch, match="another input"):
        coding.ReviewState.open(data, model_path)
    fresh = coding.ReviewState.open(data, model_path, start_over=True)
    assert fresh.marks == {} and state.path.with_name(state.path.name + ".old").exists()


def test_export_and_training_rows(trained: tuple[Path, Path], tmp_path: Path) -> None:
    import openpyxl

    model_path, new = trained
    model = load_model(model_path)
    frame = load_data(new)
    coded = coding.code_frame(model, frame)
    state = coding.ReviewState(tmp_path / "r.json", "m", "i")
    review = coded.any_needs_review()
    first, second = (int(coded.rows[i]) for i in np.flatnonzero(review)[:2])
    confident = int(coded.rows[np.flatnonzero(~review)[0]]) if (~review).any() else None
    state.set_class(first, "System", "Lighting", predicted=coded.predicted["System"][first - 2])
    state.accept(first, {t: coded.predicted[t][first - 2] for t in model.targets})
    state.set_class(second, "System", coded.predicted["System"][second - 2], coded.predicted["System"][second - 2])

    out = coding.export_coded(coded, state, tmp_path / "coded.xlsx")
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    expected = [*frame.columns]
    for target in model.targets:
        expected += [f"predicted_{target}", f"confidence_{target}"]
    assert header == [*expected, "review_status", "out_of_range", "review_group"]
    table = pd.read_excel(out)
    assert len(table) == len(frame)
    by_row = dict(zip(coded.rows, table["review_status"], strict=True))
    assert by_row[first] == ("accepted" if coded.predicted["System"][first - 2] == "Lighting" else "corrected")
    assert table["predicted_System"][first - 2] == "Lighting"
    # the second row had one target settled; a target that still needs review leaves it pending
    second_pending = any(coded.needs_review(t)[second - 2] for t in model.targets if t != "System")
    assert by_row[second] == ("pending" if second_pending else "accepted")
    if confident is not None:
        assert by_row[confident] == "auto"
    assert set(table["review_status"]) <= set(coding.STATUSES)

    rows = coding.training_rows(coded, state, model)
    assert list(rows.columns) == ["Asset Label", "Make", "Notes", "Capacity", "System", "Trade Group"]
    assert rows["System"].iloc[0] == "Lighting" and len(rows) == (1 if second_pending else 2)

    csv_out = coding.export_coded(coded, state, tmp_path / "coded.csv")
    assert list(pd.read_csv(csv_out).columns) == header


def test_add_training_rows_keeps_the_format(asset_register: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = asset_register
    original = load_data(data)
    rows = original.head(3)[["Asset Label", "Make", "Notes", "Capacity", "System", "Trade Group"]]
    copy = coding.new_training_path(data.parent / "x.csv")
    assert copy.name == "x.reviewed.csv"
    written = coding.add_training_rows(rows, data, tmp_path / "more.csv")
    assert len(load_data(written)) == len(original) + 3
    workbook = tmp_path / "train.xlsx"
    original.head(10).to_excel(workbook, index=False)
    coding.add_training_rows(rows, workbook)
    assert len(load_data(workbook)) == 13
    with pytest.raises(coding.CodingError, match="same format"):
        coding.add_training_rows(rows, workbook, tmp_path / "a.csv")


# -- nexusml-predict -------------------------------------------------------------------------------


def test_predict_cli_workbook_top_k_unfamiliar_and_review_status(trained: tuple[Path, Path], tmp_path: Path) -> None:
    import openpyxl

    model_path, new = trained
    csv_out, xlsx_out = tmp_path / "coded.csv", tmp_path / "coded.xlsx"
    common = ("--model", str(model_path), "--input", str(new), "--top-k", "3", "--min-confidence", "auto")
    for output in (csv_out, xlsx_out):
        done = call_main(predict.main, *common, "--output", str(output))
        assert done.returncode == 0, done.stderr
    table = pd.read_csv(csv_out, keep_default_na=False)
    header = [c.value for c in next(openpyxl.load_workbook(xlsx_out).active.iter_rows(max_row=1))]
    assert header == list(table.columns)
    assert len(pd.read_excel(xlsx_out)) == len(table) == 300
    for target in ("System", "Trade Group"):
        for k in (1, 2, 3):
            assert {f"top{k}_{target}", f"top{k}_confidence_{target}"} <= set(table.columns)
        coded = table[f"needs_review_{target}"].astype(str) == "False"
        assert (table.loc[coded, f"top1_{target}"] == table.loc[coded, f"predicted_{target}"]).all()
    assert {"unfamiliar", "review_status", "out_of_range"} <= set(table.columns)
    assert table.columns[-1] == "review_group" and set(table["review_group"]) <= set(range(1, 301))
    pending = table[[c for c in table.columns if c.startswith("needs_review_")]].astype(str).eq("True").any(axis=1)
    pending |= table["unfamiliar"].astype(str) == "True"
    pending |= table["out_of_range"] != ""  # a number outside the training range is never auto-coded
    assert list(table["review_status"]) == ["pending" if p else "auto" for p in pending]

    plain = call_main(predict.main, "--model", str(model_path), "--input", str(new), "--output", str(csv_out))
    assert plain.returncode == 0, plain.stderr
    columns = list(pd.read_csv(csv_out).columns)
    assert "unfamiliar" in columns and "review_status" not in columns and not any(c.startswith("top") for c in columns)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--top-k", "0"), "--top-k: must be between 1 and 20"),
        (("--top-k", "many"), "--top-k: 'many' is not a whole number"),
        (("--output-as", "x"), "unrecognized arguments"),
        (("--review-file", "nowhere.review.json"), "--review-file: nowhere.review.json not found"),
    ],
)
def test_predict_cli_refuses_bad_values(
    trained: tuple[Path, Path], tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    model_path, new = trained
    output = tmp_path / "out.csv"
    done = call_main(predict.main, "--model", str(model_path), "--input", str(new), "--output", str(output), *extra)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()[-1]) > 0 and not output.exists()
    bad = call_main(predict.main, "--model", str(model_path), "--input", str(new), "--output", str(tmp_path / "o.xls"))
    assert bad.returncode == 2 and "use .xlsx" in bad.stderr


def test_predict_cli_writes_the_review_file_as_training_rows(trained: tuple[Path, Path], tmp_path: Path) -> None:
    model_path, new = trained
    data = tmp_path / "site.csv"
    data.write_bytes(new.read_bytes())
    model = load_model(model_path)
    coded = coding.code_frame(model, load_data(data))
    state = coding.ReviewState.open(data, model_path)
    state.set_class(2, "System", "Lighting", coded.predicted["System"][0])
    state.accept(2, {t: coded.predicted[t][0] for t in model.targets})
    state.accept(9, {t: coded.predicted[t][7] for t in model.targets})
    output = tmp_path / "more_training.xlsx"
    done = call_main(
        predict.main,
        "--model", str(model_path), "--input", str(data), "--review-file", str(state.path), "--output", str(output),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = pd.read_excel(output)
    assert list(rows.columns) == ["Asset Label", "Make", "Notes", "Capacity", "System", "Trade Group", "out_of_range"]
    assert len(rows) == 2 and rows["System"].iloc[0] == "Lighting"
    other = tmp_path / "other.csv"
    other.write_text(data.read_text(encoding="utf-8") + "Z,,,,,,\n", encoding="utf-8")
    refused = call_main(
        predict.main,
        "--model", str(model_path), "--input", str(other), "--review-file", str(state.path), "--output", str(output),
    )  # fmt: skip
    assert refused.returncode == 2 and "another input file" in refused.stderr
