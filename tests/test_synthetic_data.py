"""Tests for the synthetic data generators and the bundled sample data."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scripts.synthetic import (
    ASSET_REGISTER_COLUMNS,
    ASSET_TYPES,
    CATEGORIES,
    INVENTORY_COLUMNS,
    generate_asset_register,
    generate_inventory,
    reference_tables,
    write_reference_files,
)

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "nexusml" / "data"
BUNDLED_CSV = DATA_DIR / "equipment_inventory.csv"
REFERENCE_DIR = DATA_DIR / "reference"
REFERENCE_FILES = ("omniclass.csv", "uniformat.csv", "masterformat.csv", "service_life.csv")
CODE_COLUMNS = {
    "omniclass_code": "omniclass.csv",
    "uniformat_code": "uniformat.csv",
    "masterformat_code": "masterformat.csv",
}


def _load_script():
    path = REPO / "scripts" / "generate_sample_data.py"
    spec = importlib.util.spec_from_file_location("generate_sample_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    text_columns = {c: str for c in INVENTORY_COLUMNS if c != "service_life"}
    return pd.read_csv(BUNDLED_CSV, dtype=text_columns)


@pytest.fixture(scope="module")
def inventory() -> pd.DataFrame:
    return generate_inventory(20_000, seed=11)


# --------------------------------------------------------------- inventory


def test_inventory_has_what_the_default_feature_config_reads():
    from nexusml.config import load_feature_config
    from nexusml.features.engineering import engineer_features

    frame = generate_inventory(50)
    assert list(frame.columns) == list(INVENTORY_COLUMNS)
    config = load_feature_config()
    assert set(config.input_columns) <= set(frame.columns)
    features = engineer_features(frame, config)
    assert list(features.Y.columns) == list(config.targets)
    assert features.Y.notna().all().all()
    assert frame["service_life"].dtype == np.float64


def test_inventory_same_seed_is_identical():
    first = generate_inventory(3000, seed=5)
    pd.testing.assert_frame_equal(first, generate_inventory(3000, seed=5))


def test_inventory_different_seed_differs():
    a = generate_inventory(500, seed=1)
    b = generate_inventory(500, seed=2)
    assert not a["description"].equals(b["description"])


@pytest.mark.parametrize("n", [0, 1, 7])
def test_inventory_tiny_sizes(n):
    frame = generate_inventory(n)
    assert frame.shape == (n, len(INVENTORY_COLUMNS))


def test_inventory_rejects_negative_rows():
    with pytest.raises(ValueError, match="n_rows"):
        generate_inventory(-1)


def test_inventory_codes_follow_their_category(inventory):
    by_name = {c.name: c for c in CATEGORIES}
    for name, group in inventory.groupby("category_name"):
        category = by_name[name]
        assert set(group["omniclass_code"]) == {category.omniclass_code}
        assert set(group["uniformat_code"]) == {category.uniformat_code}
        assert set(group["masterformat_code"]) == {category.masterformat_code}
        assert set(group["mcaa_system_category"]) == {category.mcaa_system_category}
        life = group["service_life"].dropna().unique()
        assert list(life) == [category.service_life]


def test_inventory_targets_have_different_cardinalities(inventory):
    counts = {
        c: inventory[c].nunique()
        for c in ("category_name", "omniclass_code", "masterformat_code", "uniformat_code", "mcaa_system_category")
    }
    assert counts["category_name"] >= 30
    assert counts["uniformat_code"] < counts["category_name"]
    assert counts["masterformat_code"] < counts["category_name"]
    assert 5 <= counts["mcaa_system_category"] <= 8


def test_inventory_is_noisy_and_imbalanced(inventory):
    freq = inventory["category_name"].value_counts()
    assert freq.max() >= 5 * freq.min()
    assert 0.02 <= inventory["manufacturer"].isna().mean() <= 0.15
    assert 0.02 <= inventory["model"].isna().mean() <= 0.15
    assert 0.01 <= inventory["service_life"].isna().mean() <= 0.06
    desc = inventory["description"].dropna()
    assert desc.str.isupper().mean() > 0.03
    assert desc.str.contains("per schedule|see drawings", case=False).mean() > 0.02
    # Equal descriptions under different categories make the task non-trivial.
    described = inventory.dropna(subset=["description"])
    shared = described.groupby("description")["category_name"].nunique()
    assert (shared > 1).sum() > 10


def test_tags_look_like_equipment_tags(inventory):
    assert inventory["equipment_tag"].str.match(r"^[A-Z]+[- ]?\d").mean() > 0.95


def test_inventory_generation_is_vectorized():
    # About 0.8 s of CPU here for 100k rows; a per-row Python loop would take ten times that.
    started = time.process_time()
    frame = generate_inventory(100_000, seed=3)
    elapsed = time.process_time() - started
    assert len(frame) == 100_000
    assert elapsed < 4, f"100k rows took {elapsed:.1f} s of CPU"


# ---------------------------------------------------------- bundled files


def test_bundled_csv_size(bundled):
    assert list(bundled.columns) == list(INVENTORY_COLUMNS)
    assert len(bundled) >= 2000
    assert bundled["category_name"].nunique() >= 25


def test_bundled_csv_matches_generator():
    script = _load_script()
    expected = generate_inventory(script.DEFAULT_ROWS, seed=script.DEFAULT_SEED)
    text = BUNDLED_CSV.read_text(encoding="utf-8")
    assert text == expected.to_csv(index=False), (
        "nexusml/data/equipment_inventory.csv is out of date: run scripts/generate_sample_data.py"
    )


def test_script_reproduces_bundled_files(tmp_path):
    script = _load_script()
    output = tmp_path / "inventory.csv"
    reference_dir = tmp_path / "reference"
    assert script.main(["--output", str(output), "--reference-dir", str(reference_dir)]) == 0
    assert output.read_bytes() == BUNDLED_CSV.read_bytes()
    for name in REFERENCE_FILES:
        assert (reference_dir / name).read_bytes() == (REFERENCE_DIR / name).read_bytes(), name


def test_script_options(tmp_path):
    script = _load_script()
    output = tmp_path / "small.csv"
    assert (
        script.main(["--rows", "30", "--seed", "9", "--output", str(output), "--reference-dir", str(tmp_path / "ref")])
        == 0
    )
    frame = pd.read_csv(output)
    assert len(frame) == 30
    assert sorted(p.name for p in (tmp_path / "ref").iterdir()) == sorted(REFERENCE_FILES)


@pytest.mark.parametrize("column", sorted(CODE_COLUMNS))
def test_reference_files_cover_bundled_codes(bundled, column):
    reference = pd.read_csv(REFERENCE_DIR / CODE_COLUMNS[column], dtype=str)
    assert list(reference.columns) == ["code", "title"]
    assert reference["code"].is_unique
    assert reference["title"].notna().all()
    used = set(bundled[column])
    known = set(reference["code"])
    assert used <= known, sorted(used - known)
    assert len(known) > len(used), "reference lists should include a few unused codes"


def test_service_life_reference_matches_bundled_data(bundled):
    reference = pd.read_csv(REFERENCE_DIR / "service_life.csv")
    assert list(reference.columns) == ["category_name", "service_life_years"]
    life = dict(zip(reference["category_name"], reference["service_life_years"], strict=True))
    assert set(bundled["category_name"]) <= set(life)
    rows = bundled.dropna(subset=["service_life"])
    assert (rows["service_life"] == rows["category_name"].map(life)).all()


def test_write_reference_files(tmp_path):
    written = write_reference_files(tmp_path / "nested" / "ref")
    assert sorted(p.name for p in written) == sorted(REFERENCE_FILES)
    tables = reference_tables()
    for path in written:
        pd.testing.assert_frame_equal(pd.read_csv(path, dtype=str), tables[path.name].astype(str), check_dtype=False)


# ----------------------------------------------------------- asset register


def test_asset_register_shape_and_columns():
    frame = generate_asset_register(4000)
    assert frame.shape == (4000, len(ASSET_REGISTER_COLUMNS))
    assert list(frame.columns) == list(ASSET_REGISTER_COLUMNS)
    assert pd.api.types.is_float_dtype(frame["Capacity"])
    assert frame["Capacity"].isna().any()
    assert frame["Capacity"].notna().mean() > 0.5
    assert 8 <= frame["System"].nunique() <= 12
    assert frame["Trade Group"].nunique() == 5
    assert len(ASSET_TYPES) >= 60
    assert frame["Asset Type"].nunique() >= 60
    assert frame[["System", "Trade Group", "Asset Type"]].notna().all().all()


def test_asset_register_is_deterministic_and_distinct_from_inventory():
    a = generate_asset_register(1500, seed=3)
    pd.testing.assert_frame_equal(a, generate_asset_register(1500, seed=3))
    assert not a["Notes"].equals(generate_asset_register(1500, seed=4)["Notes"])
    assert not set(a.columns) & set(INVENTORY_COLUMNS)


def test_asset_register_text_is_messy():
    frame = generate_asset_register(5000)
    notes = frame["Notes"].dropna()
    assert notes.str.contains("chaudi", case=False).any()
    assert notes.str.isupper().mean() > 0.05
    assert notes.str.islower().mean() > 0.05
    assert frame["Make"].isna().mean() > 0.03
    assert frame["Install Year"].dropna().between(1970, 2030).all()
