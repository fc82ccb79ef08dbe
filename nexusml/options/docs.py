"""The README's flag table, rendered from the argument spec (``scripts/update_readme.py`` writes it)."""

from __future__ import annotations

from nexusml.options.spec import Kind
from nexusml.options.training_args import ARGUMENTS, ArgSpec


def _flags_cell(spec: ArgSpec) -> str:
    cell = ", ".join(f"`{flag}`" for flag in spec.flags)
    if spec.kind is Kind.BOOL and spec.negatable:
        cell += f" / `--no-{spec.flag[2:]}`"
    if spec.choices:
        cell += " {" + ",".join(spec.choices) + "}"
    return cell


def _default_cell(spec: ArgSpec) -> str:
    if spec.kind is Kind.BOOL:
        return "auto" if spec.default is None else "on" if spec.default else "off"  # None: decided per run
    return "" if spec.default is None else f"`{spec.default}`"


def help_table() -> str:
    """A Markdown table of every flag: its spellings, default and help."""
    lines = ["| Flag | Default | Description |", "|---|---|---|"]
    lines += [f"| {_flags_cell(spec)} | {_default_cell(spec)} | {spec.help} |" for spec in ARGUMENTS]
    return "\n".join(lines)
