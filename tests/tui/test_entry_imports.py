"""``nexusml-train --headless`` must not import textual or the wizard, nor without --text-encoder the encoder's
torch (``--help`` is covered in tests/core)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import TINY_CSV

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from nexusml.train_model_pipeline_v2 import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("textual", "tui", "sklearn", "pandas", "torch", "sentence_transformers") if m in sys.modules)
print("LOADED=" + ",".join(heavy))
sys.exit(0 if code in (0, None) else int(code))
"""


def probe(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120)
    line = [row for row in done.stdout.splitlines() if row.startswith("LOADED=")][-1]
    return done.returncode, {m for m in line.removeprefix("LOADED=").split(",") if m}


def test_headless_run_does_not_import_textual(tmp_path: Path) -> None:
    code, loaded = probe(
        "--headless",
        "--legacy",
        "--data-path",
        str(TINY_CSV),
        "--output-dir",
        str(tmp_path / "m"),
    )
    assert code == 0
    assert "textual" not in loaded and "tui" not in loaded
    assert "torch" not in loaded and "sentence_transformers" not in loaded  # a model without an encoder
