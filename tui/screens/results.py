"""Results of a run: metrics per target, charts, tables, the saved model and a "try it" box.

The Suspects tab lists the training rows whose label looks wrong; corrected there, they go into a corrected
copy of the training file (``tui.corrections``), and the wizard offers to retrain on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Select, TabbedContent, TabPane, Tabs

from tui.messages import OpenPredict
from tui.reports import SUSPECTS
from tui.runs import RunView, number_change
from tui.try_it import PLACEHOLDER, Guess, example_text
from tui.widgets.charts import (
    ChartPlot,
    confusion_note,
    confusion_painter,
    coverage_painter,
    distribution_painter,
    durations_painter,
    score_painter,
)
from tui.widgets.class_table import ClassTable
from tui.widgets.confusion_list import ConfusionList
from tui.widgets.error_table import ErrorTable
from tui.widgets.footer import Footer
from tui.widgets.plain import DataTable, Label, Static, plain

if TYPE_CHECKING:
    from textual.timer import Timer


ZOOM_HINT = "ctrl+z: full width"
NARROW = 120  # narrower, the side panel goes above the tabs: beside them, the tables would be cramped


class ResultsScreen(Screen):
    @dataclass
    class ModelLoaded(Message):
        model: Any
        error: str
        example: str = ""  # a training row's text, for the try-it box's placeholder

    @dataclass
    class Predicted(Message):
        text: str
        rows: list[Guess] | None
        error: str

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+z", "zoom", "Zoom"),
        Binding("ctrl+t", "focus_try", "Try it"),
        Binding("ctrl+g", "next_chart", "Next chart"),
        Binding("f3", "show_tab('tab-per-class')", "Per class"),
        Binding("f4", "show_tab('tab-errors')", "Errors"),
        Binding("f5", "show_tab('tab-suspects')", "Suspects"),
        Binding("ctrl+f", "focus_filter", "Filter"),
        Binding("f6", "predict_file", "Code a file"),
        Binding("f7", "show_tab('tab-warnings')", "Warnings"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]  # the layouts: app.tcss
    HELP_TITLE = "the results of a run"
    HELP_KEYS = [("enter (on a class)", "its error rows"), ("enter (on a suspect row)", "take the suggested class")]

    def __init__(self, view: RunView):
        super().__init__(classes="results")
        self.view = view
        self._model: Any = None
        self._model_error = ""
        self._debounce: Timer | None = None
        self.before: RunView | None = None  # the run before this one in its folder, on the same targets

    def compose(self) -> ComposeResult:
        view = self.view
        # The layout's class set before the widgets are styled: set by the first Resize, it restyled them all.
        narrow = self.app.size.width < NARROW
        self.set_class(narrow, "-narrow", update=False).set_class(not narrow, "-wide", update=False)
        yield Header()
        yield Static(self._heading(), id="results-heading")
        with Container(id="results-body"):
            with Vertical(id="results-side"):
                yield DataTable(id="metrics", cursor_type="row", zebra_stripes=True)
                yield Label("Target", classes="section-title")
                yield Select(
                    [(plain(t), t) for t in view.targets],
                    value=view.targets[0] if view.targets else Select.NULL,
                    allow_blank=not view.targets,
                    id="target",
                    compact=True,
                )
                yield Static("", id="auto-coding")
                yield Label("Try it: type a description", classes="section-title")
                yield Input(placeholder=PLACEHOLDER, id="try-input", compact=True)
                yield Static("", id="try-output")
            with TabbedContent(id="charts"):
                with TabPane("F1 scores", id="tab-scores"):
                    yield ChartPlot(id="chart-scores")
                with TabPane("Classes", id="tab-classes"):
                    yield ChartPlot(id="chart-classes")
                with TabPane("Confusion", id="tab-confusion"):
                    yield ChartPlot(id="chart-confusion")
                with TabPane("Coverage", id="tab-coverage"):
                    yield ChartPlot(id="chart-coverage")
                with TabPane("Durations", id="tab-durations"):
                    yield ChartPlot(id="chart-durations")
                with TabPane("Per class", id="tab-per-class"):
                    yield ConfusionList(view.metrics, id="confusions")
                    yield ClassTable(view.metrics, narrow_hint=ZOOM_HINT, id="per-class")
                with TabPane("Errors", id="tab-errors"):
                    yield ErrorTable(view.errors_path, narrow_hint=ZOOM_HINT, id="errors")
                with TabPane("Suspects", id="tab-suspects"):
                    yield ErrorTable(
                        view.suspects_path,
                        kind=SUSPECTS,
                        note=view.suspects_note,
                        known=self.known_classes,
                        narrow_hint=ZOOM_HINT,
                        id="suspects",
                    )
                with TabPane(f"Warnings ({len(view.warnings)})", id="tab-warnings"), VerticalScroll():
                    lines = [f"{i}. {w}" for i, w in enumerate(view.warnings, 1)] or ["This run gave no warning."]
                    yield Static("\n".join(lines), id="warnings-list")
        yield Footer()

    def _heading(self) -> Text:
        view = self.view
        text = Text()
        text.append(f"{view.title}", "bold")
        text.append(f"  {view.path} path", "dim")
        if view.created:
            text.append(f"  {view.created}", "dim")
        if view.rows:
            text.append(f"  {view.rows}", "dim")
        text.append("\nModel: ", "dim")
        if view.model_path is not None:
            exists = view.model_path.exists()
            text.append(str(view.model_path), "bold green" if exists else "red")
            if not exists:
                text.append("  (file no longer exists)", "red")
        else:
            text.append("unknown", "red")
        if view.warnings:
            more = f" (f7: all {len(view.warnings)})" if len(view.warnings) > 1 else ""
            text.append(f"\n⚠ {len(view.warnings)} warning(s): {view.warnings[0]}{more}", "yellow")
        return text

    def on_mount(self) -> None:
        from tui.runs import previous_run

        table = self.query_one("#metrics", DataTable)
        before = self.before = previous_run(self.view)
        table.add_columns("target", "acc", "macro-F1", "n", *(["F1 vs before"] if before else []))
        for target in self.view.targets:
            m = self.view.metrics.get(target, {})
            cells = [target, _fmt(m.get("accuracy")), _fmt(m.get("f1_macro")), str(m.get("support", ""))]
            if before is not None:
                cells.append(number_change(m.get("f1_macro"), (before.metrics.get(target) or {}).get("f1_macro")))
            table.add_row(*cells, key=target)
        if before is not None:
            self.query_one("#results-heading", Static).update(
                self._heading().append(
                    f"\nF1 vs before: against {before.title} ({before.created}), each on its own held-out rows", "dim"
                )
            )
        self.query_one("#chart-scores", ChartPlot).draw(score_painter(self.view.metrics), "no metrics")
        self.query_one("#chart-durations", ChartPlot).draw(
            durations_painter(self.view.stage_seconds), "no stage timings"
        )
        self.draw_target(self.selected_target)
        self.show_tables(self.selected_target)
        table.focus()
        if self.view.model_path is not None and self.view.model_path.exists():
            self.load_saved_model(self.view.model_path)
        else:
            self._model_error = "the model file is not available"

    @property
    def selected_target(self) -> str | None:
        value = self.query_one("#target", Select).value
        return None if value is Select.NULL else str(value)

    def draw_target(self, target: str | None) -> None:
        classes = self.query_one("#chart-classes", ChartPlot)
        confusion = self.query_one("#chart-confusion", ChartPlot)
        coverage = self.query_one("#chart-coverage", ChartPlot)
        if target is None:
            for chart in (classes, confusion, coverage):
                chart.draw(None, "no target")
            return
        classes.draw(distribution_painter(self.view.class_counts, target), f"no class counts for {target}")
        confusion.draw(confusion_painter(self.view, target), confusion_note(self.view, target))
        coverage.draw(coverage_painter(self.view.metrics, target), f"{target}: no confidence figures in this run")

    @on(Select.Changed, "#target")
    def _target_changed(self, event: Select.Changed) -> None:
        self.draw_target(self.selected_target)

    # -- tables of the chosen target --------------------------------------------------------------

    def show_tables(self, target: str | None) -> None:
        self.query_one("#confusions", ConfusionList).show(target)
        self.query_one("#per-class", ClassTable).show(target)
        for table in self.query(ErrorTable):
            table.show(target)
        coding = (self.view.metrics.get(target) or {}).get("auto_coding") if target else None
        line = Text()
        if coding:
            from nexusml.evaluation.report import auto_coding_sentence

            line.append("Auto-coding: ", "bold")
            sentence = auto_coding_sentence(target or "", coding).split(": ", 1)[-1]
            line.append(sentence.replace(" %", "%"))  # "95 %" must not break across lines
        elif target:
            line.append("Auto-coding: not recorded by this run", "dim")
        if target and self.before is not None and target in self.before.metrics:
            from tui.runs import change_line

            change = change_line(self.view.metrics.get(target) or {}, self.before.metrics[target])
            if change:
                line.append("\nAgainst the run before: ", "bold")
                line.append(change.replace(" %", "%"))
        self.query_one("#auto-coding", Static).update(line)

    @on(Select.Changed, "#target")
    def _tables_follow_target(self, event: Select.Changed) -> None:
        self.show_tables(self.selected_target)

    @on(ClassTable.ClassChosen)
    def _class_chosen(self, message: ClassTable.ClassChosen) -> None:
        errors = self.query_one("#errors", ErrorTable)
        errors.filter_text = message.name
        self.action_show_tab("tab-errors")

    def known_classes(self, target: str) -> list[str]:
        """The classes the model knows for ``target``: the training rows' (and the loaded model's)."""
        from tui.widgets.review_row import known_classes

        known = set(self.view.class_counts.get(target) or ()) | set(known_classes(self._model, target))
        return sorted(known)

    @on(ErrorTable.ApplyRequested)
    def _apply(self, message: ErrorTable.ApplyRequested) -> None:
        from tui.corrections import apply_corrections

        apply_corrections(self, self.view.source, message.corrections)

    @on(DataTable.RowHighlighted, "#metrics")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        select = self.query_one("#target", Select)
        if key and key in self.view.targets and select.value != key:
            select.value = key

    # -- try it -----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="model")
    def load_saved_model(self, path: Path) -> None:
        from nexusml.store.load import ModelLoadError, load_model

        try:
            model = load_model(path)
        except ModelLoadError as exc:
            self.post_message(self.ModelLoaded(None, str(exc)))
        except Exception as exc:
            self.post_message(self.ModelLoaded(None, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.ModelLoaded(model, "", example_text(model)))

    @on(ModelLoaded)
    def _model_loaded(self, message: ModelLoaded) -> None:
        model, error = message.model, message.error
        self._model, self._model_error = model, error
        output = self.query_one("#try-output", Static)
        if error:
            output.update(Text(f"✗ cannot load the model: {error}", style="red"))
        else:
            output.update(Text("the model reads what you type as a row's text; its top 3 classes per target", "dim"))
            if message.example:
                self.query_one("#try-input", Input).placeholder = f"e.g. {message.example}"
            text = self.query_one("#try-input", Input).value
            if text.strip():
                self.predict(text)

    @on(Input.Changed, "#try-input")
    def _try_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.35, self._predict_now)

    @on(Input.Submitted, "#try-input")
    def _try_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._predict_now()

    def _predict_now(self) -> None:
        text = self.query_one("#try-input", Input).value
        if self._model is not None and text.strip():
            self.predict(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="predict")
    def predict(self, text: str) -> None:
        from tui.try_it import guesses

        try:
            shown = guesses(self._model, text)
        except Exception as exc:
            self.post_message(self.Predicted(text, None, f"{exc}"))
            return
        self.post_message(self.Predicted(text, shown, ""))

    @on(Predicted)
    def _show_prediction(self, message: Predicted) -> None:
        from tui.try_it import guesses_text

        if message.text != self.query_one("#try-input", Input).value:
            return
        output = self.query_one("#try-output", Static)
        if message.error or message.rows is None:
            output.update(Text(f"✗ {message.error}", style="red"))
            return
        output.update(guesses_text(message.rows))

    # -- keys -------------------------------------------------------------------------------------

    def action_predict_file(self) -> None:
        model = self.view.model_path
        self.app.post_message(OpenPredict(str(model) if model is not None and model.exists() else ""))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_try(self) -> None:
        self.query_one("#try-input", Input).focus()

    def switch_tab(self, tab: str) -> None:
        tabs = self.query_one("#charts", TabbedContent)
        if self.focused is not None and tabs in self.focused.ancestors:
            # Focus left on a widget of the pane being hidden would move to another widget of that pane,
            # which switches the tabs back: park it on the tab bar.
            tabs.query_one(Tabs).focus()
        tabs.active = tab
        if self.has_class("-narrow"):  # the tabs below the side panel: scrolled up to fill the body
            self.call_after_refresh(self.query_one("#results-body").scroll_to_widget, tabs, top=True, animate=False)

    def action_show_tab(self, tab: str) -> None:
        """Open a table tab and put the cursor in its table."""
        self.switch_tab(tab)
        tables = self.query_one(f"#{tab}").query(DataTable)
        if tables:
            self.call_after_refresh(tables.first().focus)

    def action_focus_filter(self) -> None:
        tabs = self.query_one("#charts", TabbedContent)
        boxes = {"tab-per-class": "#class-filter", "tab-errors": "#error-filter", "tab-suspects": "#suspect-filter"}
        if tabs.active not in boxes:
            self.switch_tab("tab-per-class")
        self.query_one(boxes[tabs.active], Input).focus()

    def action_zoom(self) -> None:
        """The tabs fill the screen (escape or ctrl+z again restores the side panel)."""
        if self.maximized is not None:
            self.minimize()
        else:
            self.maximized = self.query_one("#charts", TabbedContent)

    @on(TabbedContent.TabActivated, "#charts")
    def watch_maximized(self) -> None:
        # Zooming in or out (ctrl+z, escape) or showing a tab again does not always send the tables a Resize: lay
        # them out once drawn.
        self.call_after_refresh(self._fit_tables)

    def _fit_tables(self) -> None:
        self.query_one(ClassTable).fit_to_width()
        for table in self.query(ErrorTable):
            table.fit_to_width()

    def action_next_chart(self) -> None:
        tabs = self.query_one("#charts", TabbedContent)
        ids = ["tab-scores", "tab-classes", "tab-confusion", "tab-coverage", "tab-durations"]
        current = tabs.active if tabs.active in ids else ids[0]
        self.switch_tab(ids[(ids.index(current) + 1) % len(ids)])


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "–"
