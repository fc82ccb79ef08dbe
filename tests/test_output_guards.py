"""Files the project writes never replace a symlink, a device or a pipe: one line, exit 2 (or 1), the link untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nexusml.store.io import UnsafeDestination, atomic_write_text, check_replaceable
from tests.conftest import run_cli
from tests.test_robustness import small_frame

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks and FIFOs as POSIX makes them")


@pytest.fixture
def rows(tmp_path) -> Path:
    path = tmp_path / "rows.csv"
    small_frame(30).to_csv(path, index=False)
    return path


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_the_atomic_writer_refuses_a_link_and_leaves_it_and_its_target_alone(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    with pytest.raises(UnsafeDestination, match=r"^refusing to replace symlink .*out\.txt: remove it or choose"):
        atomic_write_text(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.txt", "out.txt"]  # no temporary file left


def test_devices_pipes_and_directories_are_refused_and_regular_files_replaced(tmp_path):
    with pytest.raises(UnsafeDestination, match="refusing to replace device /dev/null"):
        check_replaceable("/dev/null")  # only checked: nothing is written near /dev
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeDestination, match="refusing to replace pipe"):
        atomic_write_text(fifo, "x")
    with pytest.raises(UnsafeDestination, match="refusing to replace directory"):
        check_replaceable(tmp_path)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(UnsafeDestination, match="symlink"):
        check_replaceable(dangling)
    plain = tmp_path / "plain.csv"
    plain.write_text("old", encoding="utf-8")
    atomic_write_text(plain, "new")
    atomic_write_text(tmp_path / "new.csv", "fresh")
    assert plain.read_text(encoding="utf-8") == "new" and (tmp_path / "new.csv").read_text(encoding="utf-8") == "fresh"


@pytest.mark.parametrize("kind", ["symlink", "pipe", "device"])
def test_predict_refuses_an_output_that_is_a_link_a_pipe_or_a_device_before_any_work(kind, tmp_path, rows):
    if kind == "symlink":
        target = tmp_path / "precious.csv"
        target.write_text("keep me", encoding="utf-8")
        output = tmp_path / "predictions.csv"
        output.symlink_to(target)
    elif kind == "pipe":
        output = tmp_path / "predictions.csv"
        os.mkfifo(output)
    else:
        output = Path("/dev/null")
    # The model does not exist: the output is refused before the model is even looked at.
    done = run_cli(
        "--model", str(tmp_path / "model.skops"), "--input", str(rows), "--output", str(output),
        module="nexusml.commands.predict", timeout=60,
    )  # fmt: skip
    line = one_line(done.stderr)
    assert done.returncode == 2
    assert f"--output: refusing to replace {kind} {output}: remove it or choose another path" in line
    if kind == "symlink":
        assert output.is_symlink() and (tmp_path / "precious.csv").read_text(encoding="utf-8") == "keep me"
    if kind == "pipe":
        assert output.exists() and not output.is_file()


def test_evaluate_refuses_a_report_file_that_is_a_link(tmp_path, rows):
    out = tmp_path / "reports"
    out.mkdir()
    target = tmp_path / "precious.json"
    target.write_text("{}", encoding="utf-8")
    (out / "rows_evaluation.json").symlink_to(target)
    done = run_cli(
        "--model", str(tmp_path / "model.skops"), "--input", str(rows), "--output-dir", str(out),
        module="nexusml.commands.evaluate", timeout=60,
    )  # fmt: skip
    line = one_line(done.stderr)
    assert done.returncode == 2 and "--output-dir: refusing to replace symlink" in line and "rows_evaluation" in line
    assert target.read_text(encoding="utf-8") == "{}"


def test_a_training_run_whose_latest_model_is_a_link_fails_with_one_line_and_saves_nothing(tmp_path, rows, capsys):
    from nexusml.train_model_pipeline_v2 import main

    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "someone_elses.skops"
    target.write_bytes(b"not ours")
    (out / "equipment_classifier_latest.skops").symlink_to(target)
    code = main(["--headless", "--log-level", "ERROR", "--data-path", str(rows), "--output-dir", str(out)])
    line = one_line(capsys.readouterr().err)
    assert code == 1 and "stage 'save' failed: refusing to replace symlink" in line
    assert target.read_bytes() == b"not ours" and (out / "equipment_classifier_latest.skops").is_symlink()
    assert not [p for p in out.iterdir() if p.suffix == ".skops" and not p.is_symlink()]


def test_wizard_settings_kept_as_a_link_are_written_where_it_points(tmp_path):
    from tui.settings import Settings, load_settings, save_settings

    real = tmp_path / "dotfiles" / "settings.yml"
    real.parent.mkdir()
    real.write_text("", encoding="utf-8")
    link = tmp_path / "settings.yml"
    link.symlink_to(real)
    save_settings(Settings().replace(theme="nord"), link)
    assert link.is_symlink() and load_settings(real).theme == "nord"
