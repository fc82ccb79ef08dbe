"""The Suspects tab's dialogs: the class a suspect row is corrected to, and applying the corrections.

Applying writes a corrected copy of the training file (``{stem}.training.csv`` beside it by default, asked
for with the review loop's path prompt; never the file itself), then offers to retrain on it (``Retrain``).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input

from nexusml.errors import NexusMLError
from tui.file_undo import FileUndo
from tui.messages import Retrain, WroteTrainingFile
from tui.screens.confirm import ConfirmScreen
from tui.suspects import Correction, TrainingSource, default_copy_path, same_file, write_corrected_copy
from tui.widgets.plain import Static
from tui.widgets.review_row import PathPromptScreen


class ClassPromptScreen(ModalScreen[str | None]):
    """The class a suspect row should have, typed; dismisses with it (None: cancelled).

    A class the model does not know for the row's target is taken only after a yes to "new class 'X'?"
    (a typo, or a class of another target), as in the review dialog.
    """

    BINDINGS = [Binding("escape", "close", "Cancel")]

    def __init__(self, row: dict[str, str], known: list[str]):
        super().__init__(classes="modal")
        self.row, self.known = row, known

    def compose(self) -> ComposeResult:
        row = self.row
        title = Text(f"Row {row['row']}: the class of {row['target']}", "bold")
        body = Text(row["text"] + "\n", "italic")
        body.append("label: ", "dim")
        body.append(row["label"])
        body.append("   suggested: ", "dim")
        body.append(row["suggested"], "yellow")
        with Vertical(classes="dialog wide"):
            yield Static(title, classes="dialog-title")
            yield Static(body)
            yield Input(
                placeholder="type a class (→ completes); enter sets it",
                id="class-prompt",
                suggester=SuggestFromList(self.known, case_sensitive=False),
            )
            yield Static("enter: correct the row to this class   escape: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#class-prompt", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#class-prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value:
            return
        known = {c.casefold(): c for c in self.known}
        if value.casefold() in known:
            self.dismiss(known[value.casefold()])  # a class the model knows keeps its spelling
            return
        target = self.row["target"]

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(value)
            else:
                self.query_one("#class-prompt", Input).focus()

        question = f"New class '{value}' for {target}? The model does not know it for this target."
        self.app.push_screen(ConfirmScreen(question, yes="Add it", no="Keep typing"), answer)


def apply_corrections(node: Widget, source: TrainingSource | None, corrections: list[Correction]) -> None:
    """Ask where the corrected copy goes, write it (in a thread of ``node``), then offer to retrain on it."""
    app = node.app
    if not corrections:
        app.notify("No row is corrected, so nothing was written: y (or enter) takes the suggested class, t types one.")
        return
    if source is None or source.path is None:
        app.notify("The run's metadata does not name its training file: nothing was written.", severity="error")
        return
    original = source.path
    n = len(corrections)
    hint = f"A copy of {original.name}: every row, {n} label(s) corrected; {original.name} stays as it is. "
    hint += "CSV, .xlsx or .parquet by the extension."

    def chosen(raw: str | None) -> None:
        if not raw:
            return
        path = Path(raw).expanduser()
        if same_file(path, original):
            app.notify(f"{path.name} is the training file itself: give the copy another name.", severity="error")
        elif path.exists():
            question = f"{path} exists. Replace it with the corrected copy?"
            app.push_screen(ConfirmScreen(question, "Replace", "Cancel"), lambda yes: write(path) if yes else None)
        else:
            write(path)

    def write(path: Path) -> None:
        def job() -> None:
            undo: FileUndo | None = None
            try:
                undo = FileUndo.before(path, "corrected copy")
                write_corrected_copy(source, corrections, path)
            except Exception as exc:  # said in the wizard, whatever it is: a worker's error would go unseen
                if undo is not None:
                    undo.discard()
                known = isinstance(exc, OSError | ValueError | NexusMLError)
                reason = str(exc) if known else f"{type(exc).__name__}: {exc}"
                app.call_from_thread(app.notify, reason, title="Corrected copy not written", severity="error")
            else:
                undo.after_write()
                app.post_message(WroteTrainingFile(undo))
                app.call_from_thread(written, path)

        node.run_worker(job, thread=True, exclusive=True, group="corrected-copy", exit_on_error=False)

    def written(path: Path) -> None:
        question = f"Corrected copy written: {path} ({n} label(s) corrected). Open the wizard with it to retrain?"
        question += " Until a training run starts, Undo in the palette (ctrl+p) takes the write back."
        app.push_screen(ConfirmScreen(question, "Retrain", "Not now"), lambda yes: retrain(path) if yes else None)

    def retrain(path: Path) -> None:
        app.post_message(Retrain(path, source.config_file))

    app.push_screen(
        PathPromptScreen("Write the corrected training file", str(default_copy_path(original)), hint), chosen
    )
