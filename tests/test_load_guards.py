"""Loading: the same frame as a whole-file read, progress while a large file is read, a cancel that stops
it quickly, and formula cells without saved values reported by column."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from nexusml.errors import Cancelled
from nexusml.pipeline import CancelToken, StageProgress, TrainingCancelled, run_training
from nexusml.readers import block_reader, csv_reader, excel_reader, loader
from nexusml.readers.loader import read_data, unsaved_formulas
from nexusml.train_model_pipeline_v2 import main
from tests.conftest import REPO, cpu_seconds_of, finish
from tests.test_robustness import small_frame


def whole_file_frame(path: Path) -> pd.DataFrame:
    """The frame as the loader read it before it read in blocks: the whole text through one StringIO."""
    text = csv_reader.decode_text(path.read_bytes(), path.name)
    delimiter = csv_reader.sniff_delimiter(text[:65536], path.suffix.lower())
    options = dict(sep=delimiter, skip_blank_lines=False, low_memory=False, dtype=str)  # every cell as its text
    try:
        frame = pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError:
        width = len(pd.read_csv(io.StringIO(text), nrows=0, **options).columns)
        frame = pd.read_csv(io.StringIO(text), usecols=range(width), **options)
    return loader.tidy_frame(frame)


def messy_files(folder: Path) -> list[Path]:
    from scripts.synthetic import generate_asset_register, generate_inventory

    assets = generate_asset_register(600, seed=11).rename(columns={"Trade Group": "Trade, Group"})
    lines = assets.to_csv(index=False).splitlines()
    for where in (40, 41, 300):  # blank lines inside the export
        lines.insert(where, "")
    inventory = generate_inventory(400, seed=4)
    inventory.loc[::7, "category_name"] = "Panélboard"
    mixed = inventory.to_csv(index=False).encode("utf-8").split(b"\n")
    mixed[5] += "é".encode("cp1252")  # one line saved by another tool
    ragged = inventory.head(50).to_csv(index=False).splitlines()
    ragged[10] += ",,extra"
    quoted = pd.DataFrame({"name": ['a, "quoted"\nnew line', "Panélboard, big", "x"], "n": [1, 2, None]})
    contents = {
        "bom blank rows, commas in names.csv": ("\n".join(lines) + "\n").encode("utf-8-sig"),
        "crlf.csv": assets.to_csv(index=False, lineterminator="\r\n").encode(),
        "windows-1252.csv": inventory.to_csv(index=False).encode("cp1252", errors="replace"),
        "mixed encodings.csv": b"\n".join(mixed),
        "ragged.csv": "\n".join(ragged).encode(),
        "semicolons with bom.csv": inventory.to_csv(index=False, sep=";").encode("utf-8-sig"),
        "tabs.tsv": inventory.to_csv(index=False, sep="\t").encode(),
        "quoted newlines.csv": quoted.to_csv(index=False).encode(),
        "numbers and blanks.csv": b"id,v,w\n1,2.5,1e308\n\n2,,inf\n3,abc,-1\n007,4,5\n\n",
    }
    paths = []
    for name, data in contents.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def test_reading_in_blocks_gives_the_whole_file_frame_and_the_sha256_of_its_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(block_reader, "READ_BLOCK_BYTES", 4096)  # many blocks even for small files
    for path in messy_files(tmp_path):
        loaded = read_data(path)
        expected = whole_file_frame(path)
        pd.testing.assert_frame_equal(loaded.frame, expected, check_exact=True)
        assert list(loaded.frame.dtypes) == list(expected.dtypes), path.name
        assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest(), path.name


def test_what_reading_noticed_is_in_the_loaded_data(tmp_path):
    by_name = {p.name: p for p in messy_files(tmp_path)}
    assert read_data(by_name["mixed encodings.csv"]).warnings == (
        "mixed encodings.csv: line(s) 6 are not UTF-8; they were read as Windows-1252",
    )
    assert "extra fields were ignored" in read_data(by_name["ragged.csv"]).warnings[0]
    assert read_data(by_name["crlf.csv"]).warnings == ()


def big_csv(path: Path, megabytes: int) -> Path:
    """A realistic CSV of about ``megabytes`` MB (the rows of a small export, repeated)."""
    from scripts.synthetic import generate_inventory

    header, body = generate_inventory(4000, seed=8).to_csv(index=False).encode().split(b"\n", 1)
    copies = max(1, megabytes * 1_000_000 // len(body))
    with open(path, "wb") as handle:
        handle.write(header + b"\n")
        for _ in range(copies):
            handle.write(body)
    return path


def test_a_multi_block_file_reports_rising_progress_and_lines_when_large(tmp_path, monkeypatch):
    path = big_csv(tmp_path / "export.csv", 4)
    calls: list[tuple[float, str]] = []
    read_data(path, on_progress=lambda fraction, message: calls.append((fraction, message)))
    fractions = [f for f, _ in calls]
    assert len(calls) > 10 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert not any(m for _, m in calls)  # a 4 MB file only moves the bar

    monkeypatch.setattr(block_reader, "PROGRESS_LINES_BYTES", 1)
    lines = []
    read_data(path, on_progress=lambda fraction, message: message and lines.append(message))
    assert lines == [
        "parsed 25% of export.csv (1 MB)",
        "parsed 50% of export.csv (2 MB)",
        "parsed 75% of export.csv (3 MB)",
        "building the columns of export.csv",
    ]


def test_a_cancel_while_loading_stops_the_run_quickly_with_the_cancel_outcome(tmp_path):
    from nexusml.options.precedence import resolve_arguments

    path = big_csv(tmp_path / "export.csv", 40)
    args = resolve_arguments({"data_path": str(path), "output_dir": str(tmp_path / "out"), "log_level": "WARNING"})
    token = CancelToken()
    asked: list[float] = []
    seen: list[StageProgress] = []

    def on_event(event):
        if isinstance(event, StageProgress) and event.stage == "load_data":
            seen.append(event)
            if event.fraction > loader.DECODE_END and not asked:  # pandas is parsing
                asked.append(time.process_time())
                token.cancel("cancelled in the test")

    with pytest.raises(TrainingCancelled) as stopped:
        run_training(args, on_event, token)
    latency = time.process_time() - asked[0]  # CPU seconds: a busy machine does not stretch them
    assert stopped.value.stage == "load_data" and stopped.value.exit_code == 130
    assert stopped.value.message == "cancelled in the test during stage 'load_data'"
    assert latency < 0.3, f"stopped {latency:.2f} s of CPU after the cancel"  # 1 ms; the rest of the parse: 0.8 s
    assert seen[-1].fraction < loader.PARSE_END  # it stopped while parsing, not after
    assert not list((tmp_path / "out").glob("*.skops"))


def test_ctrl_c_while_a_large_file_loads_exits_130_within_a_second(tmp_path):
    path = big_csv(tmp_path / "export.csv", 80)
    proc = subprocess.Popen(
        [sys.executable, "-m", "nexusml", "--headless", "--data-path", str(path), "--output-dir", str(tmp_path / "o")],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = ""
    deadline = time.monotonic() + 60
    while "Load data ..." not in seen and time.monotonic() < deadline:
        seen += proc.stderr.readline()
    time.sleep(0.3)
    at_signal = cpu_seconds_of(proc.pid)
    proc.send_signal(signal.SIGINT)
    rest, used = finish(proc, timeout=120)[1:]
    assert proc.returncode == 130, rest
    assert rest.strip().splitlines()[-1] == (
        "nexusml-train: stopped: interrupted during stage 'load_data'; no model was saved"
    )
    # Stopped within a second, as the child's CPU seconds (which a busy machine does not stretch) tell it: the
    # parse is dropped and the run exits in about 0.2 s of CPU, where finishing the 80 MB parse takes 2 s more.
    assert used - at_signal < 0.75, f"{used - at_signal:.2f} s of CPU after ctrl+c"
    assert "Traceback" not in rest


def test_an_interrupt_dropped_by_a_finalizer_still_stops_the_run(tmp_path, capsys, monkeypatch):
    path = tmp_path / "rows.csv"
    small_frame(40).to_csv(path, index=False)
    tidy = loader.tidy_frame

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)  # the handler runs here, inside the finalizer
            time.sleep(0.01)

    def tidy_with_a_finalizer(frame):
        Finalized()  # unreferenced at once: its finalizer runs now
        return tidy(frame)

    monkeypatch.setattr(loader, "tidy_frame", tidy_with_a_finalizer)
    code = main(["--headless", "--log-level", "ERROR", "--data-path", str(path), "--output-dir", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 130
    assert err.strip() == "nexusml-train: stopped: interrupted during stage 'load_reference'; no model was saved"


# ------------------------------------------------------------------ formula cells without saved values


def sheet_xml(cells: str) -> io.BytesIO:
    return io.BytesIO(f'<worksheet xmlns="main"><sheetData>{cells}</sheetData></worksheet>'.encode())


def test_formula_cells_without_a_saved_value_are_counted_by_column():
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1"><f>1+1</f><v /></c></row>'
        '<row r="2"><c r="A2"><f>B2&amp;C2</f><v /></c>'  # openpyxl: a formula, an empty value
        '<c r="B2"><f t="shared" ref="B2:B4" si="0">C2*2</f></c>'  # no value at all
        '<c r="C2" t="str"><f>IF(D2="","",D2)</f><v></v></c>'  # a saved empty text result
        '<c r="D2"><f>1+1</f><v>2</v></c>'  # a saved number
        '<c r="AA2" s="1"><f t="shared" si="0"/></c></row>'  # a shared formula, no value
    )
    assert unsaved_formulas(sheet_xml(cells)) == {0: 1, 1: 1, 26: 1}  # the header row is not counted
    prefixed = '<x:row r="2"><x:c r="C2"><x:f>A2</x:f><x:v/></x:c><x:c r="D2"><x:f>A2</x:f><x:v>3</x:v></x:c></x:row>'
    assert unsaved_formulas(sheet_xml(prefixed)) == {2: 1}
    assert unsaved_formulas(sheet_xml('<row r="2"><c r="A2"><v>1</v></c></row>')) == {}


def test_cells_are_never_split_between_the_blocks_of_a_scan(monkeypatch):
    monkeypatch.setattr(excel_reader, "SHEET_SCAN_BYTES", 7)
    row = '<row r="{r}"><c r="B{r}"><f>A{r}*2</f><v /></c><c r="C{r}"><v>1</v></c></row>'
    cells = "".join(row.format(r=r) for r in range(2, 50))
    assert unsaved_formulas(sheet_xml(cells)) == {1: 48}


def formula_workbook(path: Path, rows: int, saved: bool = False) -> Path:
    """An inventory whose ' Description ' column is a formula, written by openpyxl (which saves no results)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["equipment_tag", "manufacturer", "category_name", "uniformat_code", " Description "])
    for r, row in enumerate(small_frame(rows).itertuples(index=False), start=2):
        sheet.append([row.equipment_tag, row.manufacturer, row.category_name, row.uniformat_code, f'=B{r}&" "&A{r}'])
    book.save(path)
    if saved:  # as Excel would save it: every formula with its result
        with zipfile.ZipFile(path) as package:
            parts = {name: package.read(name) for name in package.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        for r in range(2, rows + 2):
            xml = xml.replace(f'<c r="E{r}"><f>', f'<c r="E{r}" t="str"><f>', 1)
        parts["xl/worksheets/sheet1.xml"] = xml.replace("<v />", "<v>computed</v>").encode()
        with zipfile.ZipFile(path, "w") as package:
            for name, data in parts.items():
                package.writestr(name, data)
    return path


def test_an_openpyxl_workbook_with_formulas_warns_and_one_saved_by_excel_does_not(tmp_path):
    unsaved = read_data(formula_workbook(tmp_path / "written.xlsx", 30))
    assert unsaved.frame["Description"].isna().all()
    assert unsaved.warnings == (
        "written.xlsx: column 'Description': 30 formula cell(s) have no saved value and were read as empty "
        "(open and save the file in Excel to compute them)",
    )
    saved = read_data(formula_workbook(tmp_path / "saved.xlsx", 30, saved=True))
    assert set(saved.frame["Description"]) == {"computed"} and saved.warnings == ()


def test_a_training_run_on_such_a_workbook_names_the_column_in_its_warnings(tmp_path, capsys):
    path = formula_workbook(tmp_path / "inventory.xlsx", 60)
    out = tmp_path / "out"
    code = main(
        ["--headless", "--log-level", "ERROR", "--data-path", str(path), "--output-dir", str(out),
         "--target", "category_name", "--text-columns", "Description,manufacturer,equipment_tag"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    expected = "inventory.xlsx: column 'Description': 60 formula cell(s) have no saved value"
    assert expected in captured.out  # the summary lists the run's warnings
    meta = json.loads((out / "equipment_classifier_latest_metadata.json").read_text(encoding="utf-8"))
    assert any(w.startswith(expected) for w in meta["warnings"])


def test_a_workbook_load_is_cancelled_while_openpyxl_parses_it_and_while_formulas_are_scanned(tmp_path):
    path = formula_workbook(tmp_path / "book.xlsx", 200)
    asked = 0

    def count() -> bool:
        nonlocal asked
        asked += 1
        return False

    read_data(path, should_stop=count)
    checks = asked
    assert checks > 5
    for stop_at in (2, checks // 2, checks - 1, checks):  # opening, parsing the sheet, scanning it, tidying
        asked = 0

        def stop(limit: int = stop_at) -> bool:
            nonlocal asked
            asked += 1
            return asked >= limit

        with pytest.raises(Cancelled):
            read_data(path, should_stop=stop)
