"""``nexusml-predict`` on a folder or glob of files: one coded file per input, resumable, with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nexusml.commands.predict import main as predict_main
from tests.conftest import call_main

INVENTORY = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"


@pytest.fixture
def model(bundled_model: Path) -> Path:
    return bundled_model


def write_partitions(folder: Path) -> Path:
    """Four real-shaped partitions: CSV with a BOM, blank rows, a leading-zero tag and a formula; Parquet."""
    rows = pd.read_csv(INVENTORY, dtype=str, keep_default_na=False).iloc[400:560].reset_index(drop=True)
    rows.loc[0, "equipment_tag"] = "0606"
    rows.loc[1, "description"] = '=HYPERLINK("http://x") supply fan'
    folder.mkdir()
    for i in range(4):
        part = rows.iloc[i * 40 : (i + 1) * 40]
        if i % 2:
            part.to_parquet(folder / f"part-{i}.parquet", index=False)
        else:
            text = part.to_csv(index=False)
            lines = text.splitlines(keepends=True)
            (folder / f"part-{i}.csv").write_text("\ufeff" + lines[0] + "\n" + "".join(lines[1:]) + ",,,\n")
    (folder / "_SUCCESS").write_text("")
    (folder / "README.txt").write_text("exported by the CMMS")
    return folder


def read_coded(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def predict(model: Path, *args: str):
    return call_main(predict_main, "--model", str(model), *args)


def test_a_folder_is_coded_one_file_per_partition_as_each_file_alone(model: Path, tmp_path: Path) -> None:
    inputs = write_partitions(tmp_path / "exports")
    done = predict(model, "--input", str(inputs), "--output", str(tmp_path / "coded"), "--min-confidence", "auto")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "coded").iterdir() if not p.name.startswith("."))
    assert names == ["nexusml-coding.json", "part-0.csv", "part-1.parquet", "part-2.csv", "part-3.parquet"]
    assert (
        "4 partition(s)" in done.stdout and "ignored 1 file(s) that are not CSV or Parquet: README.txt" in done.stdout
    )
    assert "4 coded, 0 skipped, 0 failed: 160 rows" in done.stdout
    for name in ("part-0.csv", "part-1.parquet"):
        assert f"  {name}: 40 rows in " in done.stdout
    # Each output is what nexusml-predict writes for that file alone
    for name in ("part-0.csv", "part-3.parquet"):
        alone = tmp_path / f"alone-{name}"
        one = predict(model, "--input", str(inputs / name), "--output", str(alone), "--min-confidence", "auto")
        assert one.returncode == 0, one.stderr
        assert (tmp_path / "coded" / name).read_bytes() == alone.read_bytes()
    first = read_coded(tmp_path / "coded" / "part-0.csv")
    assert first.loc[0, "equipment_tag"] == "0606"  # a code keeps its leading zero
    assert first.loc[1, "description"].startswith("'=HYPERLINK")  # never a live formula
    assert {"review_status", "unfamiliar", "review_group", "needs_review_category_name"} <= set(first.columns)
    assert len(first) == 40  # the blank rows are not rows


def test_a_rerun_skips_what_is_coded_and_codes_what_changed(model: Path, tmp_path: Path) -> None:
    inputs = write_partitions(tmp_path / "exports")
    out = tmp_path / "coded"
    assert predict(model, "--input", str(inputs / "*.parquet"), "--output", str(out)).returncode == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*")}
    again = predict(model, "--input", str(inputs / "*.parquet"), "--output", str(out))
    assert again.returncode == 0
    assert "2 skipped: already coded with this model and these options" in again.stdout
    assert "0 coded, 2 skipped, 0 failed" in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*")} == stamps
    # New options recode every partition; a changed input recodes only that one
    assert "4 coded, 0 skipped" in predict(model, "--input", str(inputs), "--output", str(out), "--top-k", "2").stdout
    frame = pd.read_parquet(inputs / "part-1.parquet")
    frame.iloc[:10].to_parquet(inputs / "part-1.parquet", index=False)
    changed = predict(model, "--input", str(inputs), "--output", str(out), "--top-k", "2")
    assert "1 coded, 3 skipped" in changed.stdout and "part-1.parquet: 10 rows" in changed.stdout
    assert len(read_coded(out / "part-1.parquet")) == 10
    manifest = json.loads((out / "nexusml-coding.json").read_text())
    assert sorted(manifest["partitions"]) == ["part-0.csv", "part-1.parquet", "part-2.csv", "part-3.parquet"]


def test_a_stopped_job_resumes_without_recoding_finished_partitions(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nexusml.coding.partitions as partitions

    inputs = write_partitions(tmp_path / "exports")
    out = tmp_path / "coded"
    original = partitions.code_partition
    calls: list[str] = []

    def stopped_at_the_third(model, source, output, options):
        calls.append(Path(source).name)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(model, source, output, options)

    monkeypatch.setattr(partitions, "code_partition", stopped_at_the_third)
    stopped = predict(model, "--input", str(inputs), "--output", str(out))
    assert stopped.returncode == 130
    assert "stopped after 2 of 4 partition(s)" in stopped.stderr and "run the same command again" in stopped.stderr
    assert sorted(p.name for p in out.glob("part-*")) == ["part-0.csv", "part-1.parquet"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setattr(partitions, "code_partition", original)
    calls.clear()
    monkeypatch.setattr(partitions, "code_partition", lambda *a: calls.append(Path(a[1]).name) or original(*a))
    resumed = predict(model, "--input", str(inputs), "--output", str(out))
    assert resumed.returncode == 0, resumed.stderr
    assert calls == ["part-2.csv", "part-3.parquet"]
    assert "2 coded, 2 skipped, 0 failed: 80 rows" in resumed.stdout


def test_a_bad_partition_fails_alone_and_is_coded_once_fixed(model: Path, tmp_path: Path) -> None:
    inputs = write_partitions(tmp_path / "exports")
    good = (inputs / "part-3.parquet").read_bytes()
    (inputs / "part-3.parquet").write_bytes(b"PAR1 this is not parquet")
    out = tmp_path / "coded"
    failed = predict(model, "--input", str(inputs), "--output", str(out))
    assert failed.returncode == 1
    assert "part-3.parquet: failed:" in failed.stderr and "Traceback" not in failed.stderr
    assert "1 partition(s) failed; fix them and run the same command again" in failed.stderr
    assert "3 coded, 0 skipped, 1 failed" in failed.stdout
    (inputs / "part-3.parquet").write_bytes(good)
    fixed = predict(model, "--input", str(inputs), "--output", str(out))
    assert fixed.returncode == 0 and "1 coded, 3 skipped, 0 failed" in fixed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "{empty}", "--output", "{out}"], "names no CSV or Parquet file"),
        (["--input", "{inputs}/*.xlsx", "--output", "{out}"], "names no CSV or Parquet file"),
        (["--input", "{inputs}", "--output", "{inputs}"], "holds the input files"),
        (["--input", "{inputs}", "--output", "{inputs}/part-0.csv"], "is a file"),
        (["--input", "{inputs}", "--output", "{tmp}/no/such/coded"], "does not exist"),
        (["--input", "{inputs}", "--output", "{out}", "--review-file", "x.json"], "--review-file applies to one file"),
        (["--input", "{inputs}", "--output", "{out}", "--dask-scheduler", "http:/x"], "not a scheduler address"),
        (
            ["--input", "{inputs}/part-0.csv", "--output", "{tmp}/o.csv", "--dask-scheduler", "local"],
            "folder or a glob",
        ),
    ],
)
def test_bad_partitioned_arguments_are_one_line_exit_2(
    model: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    inputs = write_partitions(tmp_path / "exports")
    (tmp_path / "empty").mkdir()
    values = {
        "inputs": str(inputs),
        "out": str(tmp_path / "coded"),
        "empty": str(tmp_path / "empty"),
        "tmp": str(tmp_path),
    }
    done = predict(model, *[a.format(**values) for a in args])
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "coded").exists()


def test_two_inputs_with_one_name_are_refused(model: Path, tmp_path: Path) -> None:
    for site in ("north", "south"):
        write_partitions(tmp_path / site)
    done = predict(model, "--input", str(tmp_path / "*" / "part-0.csv"), "--output", str(tmp_path / "coded"))
    assert done.returncode == 2 and "two inputs are named part-0.csv" in done.stderr


def test_an_unreachable_scheduler_fails_at_once_with_one_line(model: Path, tmp_path: Path) -> None:
    import socket

    pytest.importorskip("distributed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inputs = write_partitions(tmp_path / "exports")
    out = tmp_path / "coded"
    done = predict(model, "--input", str(inputs), "--output", str(out), "--dask-scheduler", f"tcp://127.0.0.1:{port}")
    assert done.returncode == 1
    assert "cannot reach the Dask scheduler" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_reader_that_leaves_early_gets_no_traceback(model: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    inputs = write_partitions(tmp_path / "exports")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    command = [sys.executable, "-m", "nexusml.commands.predict", "--model", str(model), "--input", str(inputs)]
    proc = subprocess.Popen(
        [*command, "--output", str(tmp_path / "coded")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `| head -0` would
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert len(list((tmp_path / "coded").glob("part-*"))) == 4
