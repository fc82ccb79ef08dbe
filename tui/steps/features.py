"""Step 2: what the model reads and predicts, chosen from the file's header or a feature-config file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, SelectionList, Static

from tui.form import FormState, is_blank
from tui.steps.base import Step

if TYPE_CHECKING:
    from nexusml.config import FeatureConfig

TEXT_FEATURE = "combined_text"


def load_effective_config(raw: Any) -> FeatureConfig | None:
    """The feature config the run would use for a valid field value (None when it cannot be read).

    Files are parsed once per version (``load_feature_config`` keeps the result), so this costs nothing
    after the field's validator has read the same file.
    """
    from nexusml.config import ConfigError, load_feature_config

    try:
        return load_feature_config(None if is_blank(raw) else Path(str(raw).strip()).expanduser())
    except (ConfigError, OSError):
        return None


def generated_config_dict(targets: list[str], text_columns: list[str]) -> dict[str, Any]:
    return {
        "text_combinations": [{"name": TEXT_FEATURE, "columns": list(text_columns), "separator": " "}],
        "targets": list(targets),
    }


def write_generated_config(directory: Path, stem: str, data: dict[str, Any]) -> Path:
    """Write a feature-config YAML atomically; returns its path."""
    import yaml

    from nexusml.core.components.io import atomic_write_text

    directory.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in stem) or "data"
    text = "# feature config chosen in the nexusml training wizard\n" + yaml.safe_dump(data, sort_keys=False)
    return atomic_write_text(directory / f"{safe}_features.yml", text)


class FeaturesStep(Step):
    step_name = "features"

    def __init__(self, state: FormState, generated_dir: Path, *, id: str | None = None):
        super().__init__(state, id=id)
        self.generated_dir = generated_dir
        self.columns: tuple[str, ...] = ()
        self.data_stem = "data"
        self.problem = ""

    def compose(self) -> ComposeResult:
        yield Static(
            "Choose the columns to predict and the text the model reads (space toggles), "
            "or give a feature-config file.",
            classes="step-intro",
        )
        with Horizontal(id="column-pickers"):
            with Vertical(classes="picker"):
                yield Label("Targets (predicted)", classes="picker-title")
                yield SelectionList[str](id="targets", compact=True)
            with Vertical(classes="picker"):
                yield Label("Text columns (read)", classes="picker-title")
                yield SelectionList[str](id="text-columns", compact=True)
        yield Static("", id="features-summary")
        yield self.new_field("feature_config")
        yield self.new_field("reference_config")

    def on_mount(self) -> None:
        self.refresh_summary()

    # -- columns from the data step ---------------------------------------------------------------

    def set_columns(self, columns: tuple[str, ...], stem: str) -> None:
        self.columns = tuple(columns)
        self.data_stem = stem
        self._fill_pickers()
        self.refresh_summary()

    def effective_config(self) -> FeatureConfig | None:
        """The feature config of the field's current value; None while the field is invalid."""
        field = self.field("feature_config")
        return None if field.error else load_effective_config(field.raw_value)

    def _config_selection(self) -> tuple[set[str], set[str]]:
        config = self.effective_config()
        if config is None:
            return set(), set()
        targets = {t for t in config.targets if t in self.columns}
        reads = {
            c for c in config.input_columns if c in self.columns and c not in {n.name for n in config.numeric_columns}
        }
        return targets, reads

    def _fill_pickers(self) -> None:
        targets, reads = self._config_selection()
        for list_id, chosen in (("#targets", targets), ("#text-columns", reads)):
            picker = self.query_one(list_id, SelectionList)
            picker.clear_options()
            picker.add_options([(col, col, col in chosen) for col in self.columns])
            if self.columns:
                picker.highlighted = 0

    def selection(self) -> tuple[list[str], list[str]]:
        targets = list(self.query_one("#targets", SelectionList).selected)
        reads = list(self.query_one("#text-columns", SelectionList).selected)
        order = {c: i for i, c in enumerate(self.columns)}
        return sorted(targets, key=lambda c: order[c]), sorted(reads, key=lambda c: order[c])

    @on(SelectionList.SelectedChanged)
    def _picked(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        if not self.columns:
            return
        targets, reads = self.selection()
        if (set(targets), set(reads)) == self._config_selection():
            self._set_problem("")
            return
        from nexusml.config import ConfigError, feature_config_from_dict

        if not targets:
            self._set_problem("choose at least one target column")
            return
        if not reads:
            self._set_problem("choose at least one text column")
            return
        both = [c for c in targets if c in reads]
        if both:
            self._set_problem(f"'{both[0]}' is both a target and a text column; a target cannot be read")
            return
        data = generated_config_dict(targets, reads)
        try:
            feature_config_from_dict(data, "columns chosen in the wizard")
        except ConfigError as exc:
            self._set_problem(str(exc))
            return
        try:
            path = write_generated_config(self.generated_dir, self.data_stem, data)
        except OSError as exc:
            self._set_problem(f"cannot write the feature config: {exc}")
            return
        self._set_problem("")
        self.field("feature_config").set_raw(str(path))

    def _set_problem(self, message: str) -> None:
        self.problem = message
        from tui.messages import FieldChanged

        self.post_message(FieldChanged("columns", None, message))
        self.refresh_summary()

    # -- summary ----------------------------------------------------------------------------------

    def refresh_summary(self) -> None:
        summary = self.query_one("#features-summary", Static)
        text = Text()
        if self.problem:
            text.append(f"✗ {self.problem}\n", "bold red")
        raw = self.field("feature_config").raw_value
        config = self.effective_config()
        if config is None:
            text.append("The feature config cannot be read; fix the field below.", "red")
            summary.update(text)
            return
        header = set(self.columns)

        def names(cols) -> Text:
            out = Text()
            for i, col in enumerate(cols):
                if i:
                    out.append(", ")
                missing = bool(header) and col not in header and col not in config.derived_columns
                out.append(col, "red" if missing else "bold")
                if missing:
                    out.append(" (not in file)", "red")
            return out

        source = "bundled default" if is_blank(raw) else Path(str(raw)).name
        numeric = {n.name for n in config.numeric_columns}
        text.append("The model reads  ", "dim")
        text.append_text(names([c for c in config.input_columns if c not in numeric]))
        text.append(f"\nas '{config.text_feature}'", "dim")
        if config.numeric_columns:
            text.append(" plus numbers: ", "dim")
            text.append(", ".join(n.name for n in config.numeric_columns))
        text.append("\nand predicts     ", "dim")
        text.append_text(names(config.targets))
        derived = [h.new_col for h in config.hierarchies if h.new_col in config.targets]
        if derived:
            text.append(f"\n({', '.join(derived)} built from other columns)", "dim")
        text.append(f"\nfrom: {source}", "dim")
        summary.update(text)
