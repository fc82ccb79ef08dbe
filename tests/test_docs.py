"""The README stays true: its flag table is the argument spec's, its commands are the real ones."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_flag_table_is_current():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_readme.py"), "--check"])
    assert done.returncode == 0, "README flag table is stale: run python scripts/update_readme.py"


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    assert blocks[0].strip() == 'pip install -e ".[dev]" && nexusml-train --headless'
    assert blocks[1].strip() == "python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci and 'pip install -e ".[dev]"' in ci


def test_every_flag_in_readme_exists():
    from nexusml.commands import evaluate, predict
    from nexusml.options.training_args import ARGUMENTS

    known = {flag for spec in ARGUMENTS for flag in spec.flags}
    for command in (predict, evaluate):
        known |= {flag for action in command.build_parser()._actions for flag in action.option_strings}
    known |= {f"--no-{spec.flag[2:]}" for spec in ARGUMENTS}
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = re.sub(r"^dask (scheduler|worker).*$", "", text, flags=re.M)  # dask's own CLI
    text = text.replace("ruff format --check", "")  # ruff's own flag
    text = re.sub(r"^pip install .*$", "", text, flags=re.M)  # pip's own flags
    text = re.sub(r"benchmarks/\S+\.py( --[a-z-]+( [A-Z0-9,]+)?)*", "", text)  # the benchmarks' own flags
    used = set(re.findall(r"(?<![\w-])--[a-z][a-zA-Z-]*[a-zA-Z]", text)) - {"--no-NAME"}
    assert used <= known, used - known
