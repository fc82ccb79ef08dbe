"""Hostile and broken input through the real entry point: one clear line and exit 1 or 2, or a trained model."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nexusml.train_model_pipeline_v2 import main
from tests.test_robustness import small_frame


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(["--headless", "--log-level", "ERROR", *argv])
    except SystemExit as exc:  # argparse errors
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.err, captured.out


def good_csv(tmp_path: Path, rows: int = 60) -> Path:
    path = tmp_path / "good.csv"
    small_frame(rows).to_csv(path, index=False)
    return path


def run_config(tmp_path: Path, text: str, output_dir: bool = True) -> list[str]:
    path = tmp_path / "run.yml"
    path.write_text(text, encoding="utf-8")
    flags = ["--config", str(path), "--data-path", str(good_csv(tmp_path))]
    return flags + (["--output-dir", str(tmp_path / "out")] if output_dir else [])


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)


def case(tmp_path: Path, name: str) -> list[str]:
    if name == "billion_laughs":
        return run_config(tmp_path, LAUGHS.replace("i: &i", "test_size: &i"))
    if name == "deep_nesting":
        return run_config(tmp_path, "model_name: " + "[" * 5000 + "]" * 5000 + "\n")
    if name == "deep_but_parseable":
        return run_config(tmp_path, "model_name: " + "[" * 60 + "]" * 60 + "\n")
    if name == "five_thousand_digits":
        return run_config(tmp_path, f"random_state: {'9' * 5000}\n")
    if name == "thirty_digits":
        return run_config(tmp_path, f"cv_folds: {'9' * 30}\n")
    if name == "mapping_as_output_dir":
        return run_config(tmp_path, "output_dir: {a: 1}\n", output_dir=False)
    if name == "date_as_model_name":
        return run_config(tmp_path, "model_name: 2024-01-01\n")
    if name == "huge_fill_value":
        config = tmp_path / "features.yml"
        config.write_text(
            "text_combinations: [{name: combined_text, columns: [description]}]\n"
            f"numeric_columns: [{{name: service_life, fill_value: {'9' * 400}}}]\n"
            "targets: [category_name]\n",
            encoding="utf-8",
        )
        return ["--data-path", str(good_csv(tmp_path)), "--feature-config", str(config)]
    if name == "fifo_as_data":
        fifo = tmp_path / "pipe.xlsx"
        os.mkfifo(fifo)
        return ["--data-path", str(fifo), "--output-dir", str(tmp_path / "out")]
    if name in ("parquet_nested", "parquet_duplicate_names"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = tmp_path / "data.parquet"
        if name == "parquet_nested":
            table = pa.table({"description": ["pump", "fan"], "category_name": [["a"], ["b"]]})
        else:
            table = pa.Table.from_arrays([pa.array(["pump", "fan"]), pa.array(["a", "b"])], names=["x", "x"])
        pq.write_table(table, path)
        return ["--data-path", str(path), "--output-dir", str(tmp_path / "out")]
    if name == "no_text_column_in_file":
        return [
            "--data-path", str(good_csv(tmp_path)), "--output-dir", str(tmp_path / "out"),
            "--target", "category_name", "--text-columns", "Asset Notes,Long Text",
        ]  # fmt: skip
    if name == "id_column_as_target":
        return [
            "--data-path", str(good_csv(tmp_path, 120)), "--output-dir", str(tmp_path / "out"),
            "--target", "equipment_tag", "--text-columns", "description", "--max-classes", "50",
        ]  # fmt: skip
    raise AssertionError(name)


FAILURES = [
    ("billion_laughs", 2, "expands to more than 100,000 values"),
    ("deep_nesting", 2, "nested too deeply"),
    ("deep_but_parseable", 2, "nested deeper than 20 levels"),
    ("five_thousand_digits", 2, "a value cannot be read"),
    ("thirty_digits", 2, "far too large a number"),
    ("mapping_as_output_dir", 2, "--output-dir: expects one value, got a mapping"),
    ("date_as_model_name", 2, "--model-name: '2024-01-01' is not text"),
    ("huge_fill_value", 2, "must be a number that fits a float"),
    ("fifo_as_data", 2, "is not a regular file"),
    ("parquet_nested", 1, "has nested columns (category_name"),
    ("parquet_duplicate_names", 1, "has duplicate column names (x)"),
    ("no_text_column_in_file", 2, "--text-columns: 'Asset Notes', 'Long Text' are not columns of good.csv"),
    ("id_column_as_target", 1, "target 'equipment_tag' has 120 classes (more than --max-classes 50)"),
]


@pytest.mark.parametrize("name, exit_code, fragment", FAILURES, ids=[f[0] for f in FAILURES])
def test_hostile_input_gives_one_line(name, exit_code, fragment, tmp_path, capsys):
    code, err, _ = run(case(tmp_path, name), capsys)
    lines = [line for line in err.strip().splitlines() if line]
    assert code == exit_code, err
    assert len(lines) == 1 and fragment in lines[0], err
    assert len(lines[0]) < 400 and "Traceback" not in err
    assert not list((tmp_path / "out").glob("*.skops")) if (tmp_path / "out").exists() else True


def test_infinite_and_huge_numbers_are_missing_values_with_a_warning(tmp_path, capsys):
    frame = small_frame(80)
    frame["service_life"] = frame["service_life"].astype(object)
    frame.loc[[3, 9], "service_life"] = "inf"
    frame.loc[12, "service_life"] = "1e308"
    path = tmp_path / "numbers.csv"
    frame.to_csv(path, index=False)
    code, err, out = run(["--data-path", str(path), "--output-dir", str(tmp_path / "out")], capsys)
    assert code == 0, err
    meta = json.loads((tmp_path / "out" / "equipment_classifier_latest_metadata.json").read_text(encoding="utf-8"))
    assert (
        "3 value(s) in 'service_life' are infinite or beyond +/-1e+15; they were treated as missing" in meta["warnings"]
    )
    assert "3 value(s) in 'service_life'" in out  # the summary repeats it


def test_a_tiny_held_out_share_is_warned_about(tmp_path, capsys):
    code, err, out = run(
        ["--data-path", str(good_csv(tmp_path, 200)), "--output-dir", str(tmp_path / "out"), "--test-size", "0.05"],
        capsys,
    )
    assert code == 0, err
    assert "only 10 held-out row(s): accuracy and macro-F1 mean little" in out


def test_a_file_mixing_encodings_keeps_the_utf8_lines_and_names_the_others(tmp_path, capsys, caplog):
    frame = small_frame(60)
    frame.loc[frame.index % 3 == 0, "category_name"] = "Panélboard"
    text = frame.to_csv(index=False).encode("utf-8")
    lines = text.split(b"\n")
    lines[2] = lines[2].replace(b"Bell", "Bellé".encode("cp1252"))  # one line saved by another tool
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join(lines))
    from nexusml.readers.loader import load_data

    with caplog.at_level("WARNING"):
        loaded = load_data(path)
    assert "Panélboard" in set(loaded["category_name"]) and "PanÃ©lboard" not in set(loaded["category_name"])
    assert "Bellé" in set(loaded["manufacturer"])
    assert "line(s) 3 are not UTF-8" in caplog.text


def test_a_line_of_commas_is_refused_quickly(tmp_path, capsys):
    import time

    path = tmp_path / "commas.csv"
    path.write_bytes(b"," * 5_000_000 + b"\n")
    started = time.process_time()
    code, err, _ = run(["--data-path", str(path), "--output-dir", str(tmp_path / "out")], capsys)
    assert code == 1 and "5,000,001 columns in its first line" in err
    # Quickly, in CPU seconds (which a busy machine does not stretch): about 0.6 s, where pandas alone spends
    # over a minute on that header line.
    assert time.process_time() - started < 10


def test_terminal_escapes_from_a_file_never_reach_the_error_line(tmp_path, capsys):
    path = tmp_path / "escapes.csv"
    path.write_bytes(b"\x1b[31mdescription\x1b]0;owned\x07,category_name\npump,Pump\n")
    code, err, _ = run(
        ["--data-path", str(path), "--output-dir", str(tmp_path / "out"), "--target", "uniformat_code"], capsys
    )
    assert code == 2 and "\x1b" not in err and "\x07" not in err and "?[31mdescription" in err
