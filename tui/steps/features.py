"""Step 2: what the model predicts and reads, picked from the data file's header (or a feature-config file).

The picks are the form's ``targets``, ``text_columns`` and ``numeric_columns``
(``--targets``, ``--text-columns``, ``--numeric-columns``), so a saved run
config holds them itself.  A value left at None is the feature config's choice.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from tui.form import COLUMN_FIELDS, FormState, check_field, is_blank
from tui.messages import FieldChanged
from tui.steps.base import Step
from tui.widgets.column_picker import ColumnPicker
from tui.widgets.plain import Label, Static

PICKERS: tuple[tuple[str, str, str], ...] = (
    ("targets", "Targets (predicted)", "targets"),
    ("text_columns", "Text columns (read)", "text-columns"),
    ("numeric_columns", "Numeric columns (read)", "numeric-columns"),
)
PICKER_IDS = {dest: picker_id for dest, _, picker_id in PICKERS}


class FeaturesStep(Step):
    step_name = "features"

    def __init__(self, state: FormState, *, id: str | None = None):
        super().__init__(state, id=id)
        self.dropped_note = ""
        """Which chosen columns the last data file lacked (shown until the next file is read)."""

    def content(self) -> ComposeResult:
        yield Static(
            "Pick the columns to predict and to read: space toggles; typing filters the list you are on "
            "(backspace, escape clears).",
            classes="step-intro",
        )
        with Horizontal(id="column-pickers"):
            for dest, title, picker_id in PICKERS:
                with Vertical(classes="picker"):
                    yield Label(title, classes="picker-title")
                    yield Static("", id=f"count-{picker_id}", classes="picker-count")
                    empty = "no numeric columns" if dest == "numeric_columns" else "no columns"
                    yield ColumnPicker(id=picker_id, empty=empty)
        yield Static("", id="features-summary")
        yield self.new_field("group_column")
        yield self.new_field("feature_config")
        yield self.new_field("reference_config")

    def on_built(self) -> None:
        self.refresh_columns()

    def picker(self, dest: str) -> ColumnPicker:
        return self.query_one(f"#{PICKER_IDS[dest]}", ColumnPicker)

    # -- the pickers show the form's values ---------------------------------------------------------

    def refresh_columns(self) -> None:
        """Fill the pickers from the form (the file's columns, the chosen ones) and redo the summary."""
        if not self.built:  # built from the form when first shown
            return
        state = self.state
        derived = {}
        base = state.base_config()
        if base is not None:
            derived = {h.new_col: f"(from {' + '.join(h.parents)})" for h in base.hierarchies}
        for dest in COLUMN_FIELDS:
            options = state.column_options(dest)
            notes = {c: derived[c] for c in options if c in derived and c not in (state.header or ())}
            self.picker(dest).set_columns(options, state.chosen_columns(dest), notes)
        self._counts()
        self.refresh_summary()

    def _counts(self) -> None:
        for dest, _, picker_id in PICKERS:
            self.query_one(f"#count-{picker_id}", Static).update(self.picker(dest).count_text())

    @on(ColumnPicker.Filtered)
    def _filtered(self, event: ColumnPicker.Filtered) -> None:
        event.stop()
        self._counts()

    @on(ColumnPicker.Changed)
    def _picked(self, event: ColumnPicker.Changed) -> None:
        event.stop()
        dest = next(d for d, _, picker_id in PICKERS if picker_id == event.picker.id)
        raw = self.state.choose_columns(dest, event.selected)
        self.post_message(FieldChanged(dest, raw, check_field(dest, raw)))

    # -- summary ------------------------------------------------------------------------------------

    def refresh_summary(self) -> None:
        if not self.built:
            return
        self._counts()
        summary = self.query_one("#features-summary", Static)
        state = self.state
        check = state.column_check
        text = Text()
        if state.header is None:
            text.append("The columns are checked once the data file is read.\n", "dim")
        elif check.error:
            text.append(f"✗ {check.error}\n", "bold red")
        if self.dropped_note:
            text.append(f"! {self.dropped_note}\n", "yellow")
        for note in check.notes:
            text.append(f"! {note}\n", "yellow")
        config = check.config
        if config is None or check.error:
            if config is None and not check.error:
                text.append("The feature config cannot be read; fix the field below.", "red")
            summary.update(text)
            return
        numeric = {n.name for n in config.numeric_columns}
        reads = [c for c in config.input_columns if c not in numeric]
        text.append("Predicts ", "dim")
        text.append(", ".join(config.targets) or "nothing", "bold")
        text.append("  from the text of ", "dim")
        text.append(", ".join(reads) or "nothing", "bold")
        if numeric:
            text.append(" and the numbers in ", "dim")
            text.append(", ".join(n.name for n in config.numeric_columns), "bold")
        raw = state.values.get("feature_config")
        source = "the bundled feature config" if is_blank(raw) else Path(str(raw)).name
        chosen = [d for d in COLUMN_FIELDS if not is_blank(state.values.get(d))]
        text.append(f"\nrest from {source}" if chosen else f"\nfrom {source}", "dim")
        summary.update(text)
