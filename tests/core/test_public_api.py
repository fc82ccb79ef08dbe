"""The names ``nexusml`` lists as its public API import, are what they say, and work together."""

from __future__ import annotations

import subprocess
import sys

import pytest

import nexusml


@pytest.mark.parametrize("name", nexusml.__all__)
def test_each_listed_name_imports(name):
    namespace: dict[str, object] = {}
    exec(f"from nexusml import {name}", namespace)
    assert namespace[name] is getattr(nexusml, name)
    assert name in dir(nexusml)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'train'"):
        nexusml.train  # noqa: B018


def test_importing_nexusml_loads_no_library():
    code = "import sys, nexusml; print(any(m in sys.modules for m in ('pandas', 'sklearn', 'numpy')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_parse_args_gives_validated_arguments_and_exits_2_on_a_bad_value(capsys):
    args = nexusml.parse_args(["--headless", "--test-size", "0.25", "--target", "Kind", "--target", "Code"])
    assert isinstance(args, nexusml.TrainingArguments)
    assert args.test_size == 0.25 and args.targets == ("Kind", "Code") and args.headless
    with pytest.raises(SystemExit) as stop:
        nexusml.parse_args(["--test-size", "1.5"])
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("nexusml-train: error:") and "--test-size" in error and len(error.splitlines()) == 1


def test_the_public_api_trains_loads_and_predicts(tmp_path):
    import pandas as pd

    rows = pd.DataFrame(
        {
            "Description": [f"{kind} unit {i}" for i in range(60) for kind in ("pump", "fan")],
            "Kind": [kind for _ in range(60) for kind in ("pump", "fan")],
        }
    )
    rows.to_csv(tmp_path / "rows.csv", index=False)
    args = nexusml.parse_args(
        ["--data-path", str(tmp_path / "rows.csv"), "--target", "Kind", "--text-columns", "Description"]
        + ["--output-dir", str(tmp_path / "out"), "--log-level", "ERROR"]
    )
    result = nexusml.run_training(args, cancel=nexusml.CancelToken())
    model = nexusml.load_model(result.model_path)
    assert isinstance(model, nexusml.TrainedModel)
    predicted = model.predict(pd.DataFrame({"Description": ["fan unit 999", "pump unit 998"]}))
    assert predicted["predicted_Kind"].tolist() == ["fan", "pump"]
