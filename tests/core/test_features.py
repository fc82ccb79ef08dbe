"""Whitespace in the combined text is collapsed exactly as Python's str.split() would."""

from __future__ import annotations

import random
import sys

import pandas as pd

from nexusml.features.engineering import collapse_whitespace


def test_collapse_whitespace_matches_python_for_every_space_character():
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    # Characters that look like spaces but are not whitespace to Python must survive.
    others = list("aZ9-_/.\"'#éü中") + ["\u180e", "\u200b", "\ufeff", "\x00", "\x7f"]
    rng = random.Random(7)
    values = ["".join(rng.choice(spaces + others) for _ in range(rng.randint(0, 25))) for _ in range(5000)]
    collapsed = collapse_whitespace(pd.Series(values, dtype=object))
    assert collapsed.tolist() == [" ".join(v.split()) for v in values]


def test_equipment_text_is_tidied():
    text = pd.Series(["  Chiller\u00a0\u00a0500-ton\tR-134a \n", "Pump\u2003D3050", ""])
    assert collapse_whitespace(text).tolist() == ["Chiller 500-ton R-134a", "Pump D3050", ""]


def test_hierarchies_feed_inputs_and_targets_in_training_and_prediction():
    from nexusml.config import feature_config_from_dict
    from nexusml.features.engineering import engineer_features

    config = feature_config_from_dict(
        {
            "text_combinations": [{"name": "combined_text", "columns": ["description", "family"]}],
            "hierarchies": [
                {"new_col": "system", "parents": ["group", "kind"], "separator": "/"},
                {"new_col": "family", "parents": ["system", "size"], "separator": " "},  # built from the one above
                {"new_col": "label", "parents": ["kind", "size"], "separator": "-"},
            ],
            "targets": ["label"],
        }
    )
    frame = pd.DataFrame(
        {
            "description": ["Chiller", "Pump "],
            "group": ["HVAC", "Plumbing"],
            "kind": ["CH", "PU"],
            "size": [500.0, 3.0],
        }
    )
    trained = engineer_features(frame, config)
    assert trained.X["combined_text"].tolist() == ["Chiller HVAC/CH 500", "Pump Plumbing/PU 3"]
    assert trained.Y["label"].tolist() == ["CH-500", "PU-3"]
    predicted = engineer_features(frame.drop(columns=["group"]), config, with_targets=False)
    assert predicted.X["combined_text"].tolist() == ["Chiller", "Pump"]  # a missing parent leaves it empty
