"""Regenerate the flag table in README.md from the argument spec (run after changing an argument)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nexusml.options.docs import help_table  # noqa: E402
from nexusml.store.io import atomic_write_text  # noqa: E402

START, END = "<!-- flags:start -->", "<!-- flags:end -->"


def render(text: str) -> str:
    block = f"{START}\n{help_table()}\n{END}"
    return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START not in text:
        print(f"README.md has no {START} marker", file=sys.stderr)
        return 1
    updated = render(text)
    if "--check" in sys.argv[1:]:
        return 0 if updated == text else 1
    atomic_write_text(readme, updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
