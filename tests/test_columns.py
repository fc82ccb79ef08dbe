"""A real export trains from flags alone; column mistakes get a helpful line; the original NexusML config works."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nexusml.train_model_pipeline_v2 import main
from tests.conftest import call_main


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """An asset export as they come: BOM, blank lines, empty Unnamed columns, spaces and a comma in names."""
    from scripts.synthetic import generate_asset_register

    frame = generate_asset_register(420, seed=21)
    frame = pd.DataFrame(
        {
            "Asset Name": frame["Asset Label"],
            "Manufacturer": frame["Make"],
            "Model, Number": frame["Notes"],
            "System Category": frame["System"],
            "Trade": frame["Trade Group"],
            "Unnamed: 5": None,
            "Unnamed: 6": None,
        }
    )
    lines = frame.to_csv(index=False).splitlines()
    lines.insert(10, ",,,,,,")
    lines.insert(30, "")
    path = tmp_path_factory.mktemp("export") / "assets.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    return path


def train(export: Path, out: Path, *flags: str):
    return call_main(main, "--headless", "--data-path", str(export), "--output-dir", str(out), *flags)


def test_flags_train_a_plain_export_without_a_yaml_file(export, tmp_path):
    done = train(
        export, tmp_path, "--target", "System Category", "--target", "Trade",
        "--text-columns", 'Asset Name,Manufacturer,"Model, Number"',
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    meta = json.loads((tmp_path / "equipment_classifier_latest_metadata.json").read_text(encoding="utf-8"))
    assert meta["targets"] == ["System Category", "Trade"]
    assert meta["feature_config"]["text_combinations"][0]["columns"] == ["Asset Name", "Manufacturer", "Model, Number"]
    assert meta["arguments"]["targets"] == ["System Category", "Trade"]
    assert meta["metrics"]["System Category"]["accuracy"] > 0.5


def _only_line(done) -> str:
    """A bad column is a bad argument: exit 2 with one line, before any loading line."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nexusml-train: error: "), done.stderr
    return lines[0]


def test_a_typo_in_a_text_column_is_an_error_that_names_the_column(export, tmp_path):
    done = train(export, tmp_path, "--target", "Trade", "--text-columns", "Asset Nme,Manufacturer")
    last = _only_line(done)
    assert "--text-columns: 'Asset Nme' is not a column of assets.csv; did you mean 'Asset Name'?" in last
    assert "Traceback" not in done.stderr and not list(tmp_path.glob("*.skops"))


def test_a_column_name_with_a_comma_given_unquoted_says_how_to_quote_it(export, tmp_path):
    done = train(export, tmp_path, "--target", "Trade", "--text-columns", "Model, Number")
    last = _only_line(done)
    assert 'the column "Model, Number" has a comma in its name' in last
    assert "quote it: --text-columns '\"Model, Number\"'" in last
    assert "Traceback" not in done.stderr and not list(tmp_path.glob("*.skops"))


def test_a_missing_target_suggests_the_closest_column_and_lists_a_few(export, tmp_path):
    done = train(export, tmp_path, "--target", "System Categry", "--text-columns", "Asset Name")
    last = _only_line(done)
    assert "--targets: 'System Categry' is not a column of assets.csv; did you mean 'System Category'?" in last
    assert "Unnamed" not in last and len(last) < 300


def test_a_target_alone_on_a_file_the_bundled_config_does_not_fit_asks_for_text_columns(export, tmp_path):
    done = train(export, tmp_path, "--target", "Trade")
    last = _only_line(done)
    assert "--text-columns: not given, and the bundled feature config reads" in last
    assert "Asset Name" in last.split("for example --text-columns ")[1]  # the file's own descriptive columns
    done = train(export, tmp_path, "--target", "Trade", "--text-columns", "Trade")
    assert "--text-columns: 'Trade' is also a --target" in _only_line(done)


def test_a_missing_column_with_no_close_match_is_created_empty_and_repeated_at_the_end(export, tmp_path):
    done = train(export, tmp_path, "--target", "Trade", "--text-columns", "Asset Name,Commissioning Notes")
    assert done.returncode == 0, done.stderr
    tail = done.stdout.split("warning(s):", 1)[1]
    assert "Commissioning Notes" in tail


ORIGINAL_CONFIG = """\
text_combinations:
  - name: combined_text
    columns: [equipment_tag, manufacturer, model, category_name, mcaa_system_category, building_name]
    separator: " "
  - name: size_feature
    columns: [equipment_size, unit]
    separator: " "
numeric_columns:
  - {name: initial_cost, new_name: initial_cost, fill_value: 0, dtype: float}
  - {name: condition_score, new_name: condition_score, fill_value: 3, dtype: float}
hierarchies:
  - {new_col: Equipment_Type, parents: [mcaa_system_category, category_name], separator: "-"}
  - {new_col: System_Subtype, parents: [mcaa_system_category, category_name], separator: "-"}
column_mappings:
  - {source: category_name, target: Equipment_Category}
  - {source: uniformat_code, target: Uniformat_Class}
  - {source: mcaa_system_category, target: System_Type}
classification_systems:
  - {name: OmniClass, source_column: omniclass_code, target_column: OmniClass_ID}
eav_integration:
  enabled: false
"""


@pytest.mark.parametrize("legacy", [False, True], ids=["orchestrator", "legacy"])
def test_the_original_nexusml_config_and_columns_train_on_both_paths(legacy, inventory_csv, tmp_path):
    frame = pd.read_csv(inventory_csv)
    original = pd.DataFrame(
        {
            "equipment_tag": frame["equipment_tag"],
            "manufacturer": frame["manufacturer"],
            "model": frame["model"],
            "category_name": frame["category_name"],
            "omniclass_code": "23-33 00 00",
            "uniformat_code": frame["uniformat_code"],
            "masterformat_code": "23 00 00",
            "mcaa_system_category": frame["mcaa_system_category"],
            "building_name": "Main Building",
            "initial_cost": 1000.0,
            "condition_score": 4.0,
            "equipment_size": 10,
            "unit": "tons",
        }
    )
    data = tmp_path / "equipment_data.csv"
    original.to_csv(data, index=False)
    config = tmp_path / "feature_config.yml"
    config.write_text(ORIGINAL_CONFIG, encoding="utf-8")
    flags = ["--feature-config", str(config), "--log-level", "CRITICAL"] + (["--legacy"] if legacy else [])
    done = train(data, tmp_path / "out", *flags)
    assert done.returncode == 0, done.stderr
    meta = json.loads((tmp_path / "out" / "equipment_classifier_latest_metadata.json").read_text(encoding="utf-8"))
    reads = meta["feature_config"]["text_combinations"][0]["columns"]
    assert reads == ["equipment_tag", "manufacturer", "model", "building_name"]
    leaks = [w for w in meta["warnings"] if "also listed as inputs" in w]
    assert len(leaks) == 1 and "category_name, mcaa_system_category" in leaks[0]
    assert done.stderr == ""  # CRITICAL: nothing below it is printed
