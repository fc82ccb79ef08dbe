"""The review screen's dialogs.

One line under review (a row, or a group of rows the model reads the same): its text, each target's
top classes; pick one, type another, or accept; a decision codes every row of the group.
And the prompt for a file path (export, training file).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input

from tui.widgets.plain import Static
from tui.widgets.review_table import ReviewModel


def known_classes(model: Any, target: str) -> list[str]:
    """The classes the saved model can predict for ``target``."""
    try:
        return sorted(str(c) for c in model.estimator.estimators_[target].classes_)
    except (AttributeError, KeyError):
        return []


def whole_row(row: Any) -> Text:
    """The input row's every filled cell, ``column: value``, beside what the model reads."""
    text = Text()
    cells = [(str(c), " ".join(str(v).split())) for c, v in row.items() if not _blank(v)]
    for k, (column, value) in enumerate(cells):
        text.append(f"{column}: ", "dim")
        text.append(value)
        text.append("   " if k + 1 < len(cells) else "\n")
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip()


class RowBody(Static, can_focus=True):
    """The row's text and classes; holds the focus so that the number keys pick."""


class ReviewRowScreen(ModalScreen[bool]):
    """Dismisses with True when a mark changed."""

    HELP_TITLE = "one row under review"
    HELP_KEYS = [("enter (in the class box)", "set the typed class (one the model does not know asks first)")]

    AUTO_FOCUS = "#review-row-body"

    BINDINGS = [
        Binding("1", "pick(0)", "Top 1", show=False),
        Binding("2", "pick(1)", "Top 2", show=False),
        Binding("3", "pick(2)", "Top 3", show=False),
        Binding("a", "accept", "Accept"),
        Binding("tab,right", "target(1)", "Next target", show=False),
        Binding("shift+tab,left", "target(-1)", "Previous target", show=False),
        Binding("slash,c", "type_class", "Type a class"),
        Binding("u", "undo", "Undo"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, review: ReviewModel, position: int, model: Any):
        super().__init__(classes="modal")
        self.review, self.position, self.model = review, position, model
        self.targets = list(review.coded.targets)
        self.current = 0
        # start on the first target that needs review
        for k, target in enumerate(self.targets):
            if review.review[target][position]:
                self.current = k
                break
        self.changed = False
        self.undone: list[int] = []  # rows whose decision ``u`` took back (they may be on other lines)

    @property
    def row(self) -> int:
        return int(self.review.rows[self.position])

    @property
    def rows(self) -> list[int]:
        """The rows a decision here codes: the line's review group."""
        return self.review.rows_of(self.position)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="review-row"):
            yield Static("", id="review-row-title", classes="dialog-title")
            with VerticalScroll(id="review-row-scroll"):  # a tall row scrolls; the input and keys stay in view
                yield RowBody("", id="review-row-body")
            yield Input(placeholder="type a class (→ completes); enter sets it", id="review-row-input")
            yield Static(
                "1/2/3: pick   a: accept the row   ←/→: target   / or c: type a class   u: undo   escape: close",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.render_body()
        self.query_one("#review-row-body").focus()

    def render_body(self) -> None:
        coded = self.review.coded
        i = self.position
        rows = self.rows
        if len(rows) == 1:
            title = Text(f"Row {self.row}", "bold")
        else:
            listed = ", ".join(map(str, rows[:5])) + (f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")
            title = Text(f"{len(rows):,} rows: {listed}", "bold")
            title.append("  the model reads them the same: one decision codes them all", "cyan")
        if coded.unfamiliar[i]:
            title.append("  unfamiliar text: the model knows almost none of its words", "magenta")
        if coded.out_of_range.columns[i]:
            title.append(f"  outside the training range, read as unknown: {coded.out_of_range.columns[i]}", "magenta")
        self.query_one("#review-row-title", Static).update(title)
        body = Text()
        body.append(str(coded.text[i]) + "\n", "italic")
        body.append_text(whole_row(coded.frame.iloc[i]))
        for k, target in enumerate(self.targets):
            current = k == self.current
            body.append(("▶ " if current else "  ") + target, "bold reverse" if current else "bold")
            threshold = coded.thresholds.get(target)
            limit = "no auto-coding threshold" if threshold is None else f"auto-coded from {threshold:.2f}"
            body.append(f"  ({limit})", "dim")
            mark = self.review.mark(i, target)
            if mark:
                body.append(f"  {mark[0]}: {mark[1]}", "green" if mark[0] == "accepted" else "cyan")
            body.append("\n")
            for n, (label, conf) in enumerate(
                zip(coded.top_labels[target][i], coded.top_confidences[target][i], strict=True)
            ):
                if not label:
                    continue
                shown = "–" if conf is None or math.isnan(conf) else f"{conf:.2f}"
                body.append(f"    {n + 1}. {label}  {shown}\n")
        self.query_one("#review-row-body", Static).update(body)
        choices = known_classes(self.model, self.targets[self.current])
        self.query_one("#review-row-input", Input).suggester = SuggestFromList(choices, case_sensitive=False)

    def choose_class(self, value: str) -> None:
        target = self.targets[self.current]
        predicted = str(self.review.coded.predicted[target][self.position])
        self.changed = True
        rows = self.rows
        self._recorded(lambda: self.review.state.set_class(rows, target, value, predicted))
        if self.current + 1 < len(self.targets):
            self.current += 1
            self.render_body()
        else:
            self.dismiss(True)

    def action_pick(self, n: int) -> None:
        labels = self.review.coded.top_labels[self.targets[self.current]][self.position]
        if n < len(labels) and labels[n]:
            self.choose_class(str(labels[n]))

    def action_accept(self) -> None:
        coded = self.review.coded
        predicted = {t: str(coded.predicted[t][self.position]) for t in self.targets}
        rows = self.rows
        self._recorded(lambda: self.review.state.accept(rows, predicted))
        self.dismiss(True)

    def _recorded(self, decide: Callable[[], object]) -> bool:
        """Make a decision; when the review file cannot be written, say why (the decision stays in memory)."""
        from nexusml.coding import ReviewNotSaved

        try:
            decide()
        except ReviewNotSaved as exc:
            self.notify(str(exc), title="Decision not saved", severity="error", timeout=15)
            return False
        return True

    def action_target(self, step: int) -> None:
        self.current = (self.current + step) % len(self.targets)
        self.render_body()

    def action_type_class(self) -> None:
        self.query_one("#review-row-input", Input).focus()

    def action_undo(self) -> None:
        """Take the last decision back, on every row it coded (of this line or, when it has none left, another)."""
        history = self.review.state.history
        if not history:
            self.notify("No decision to take back.")
            return
        self.undone += [row for row, _ in history[-1]]
        self._recorded(lambda: self.review.state.undo())
        self.changed = True
        self.render_body()

    def action_close(self) -> None:
        if self.query_one("#review-row-input", Input).has_focus:
            self.query_one("#review-row-body").focus()
            return
        self.dismiss(self.changed)

    @on(Input.Submitted, "#review-row-input")
    def _typed(self, event: Input.Submitted) -> None:
        """A typed class is set by enter; the input keeps the focus, so what is typed next stays text.

        A class the model does not know for this target is recorded only after a
        yes to "new class 'X' for <target>?" (a typo, or a class of another target).
        """
        event.stop()
        value = event.value.strip()
        if not value:
            return
        target = self.targets[self.current]
        known = {c.lower(): c for c in known_classes(self.model, target)}
        if value.lower() in known:
            event.input.value = ""
            self.choose_class(known[value.lower()])  # a class the model knows keeps its spelling
            return
        from tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                event.input.value = ""
                self.choose_class(value)
            self.query_one("#review-row-input", Input).focus()

        question = f"New class '{value}' for {target}? The model does not know it for this target."
        self.app.push_screen(ConfirmScreen(question, yes="Add it", no="Keep typing"), answer)


class PathPromptScreen(ModalScreen[str | None]):
    """Asks for a file path; dismisses with it (None: cancelled)."""

    BINDINGS = [Binding("escape", "close", "Cancel")]

    def __init__(self, title: str, value: str, hint: str):
        super().__init__(classes="modal")
        self.title_text, self.value, self.hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(self.value, id="prompt-path")
            yield Static(f"{self.hint}\nenter: go   escape: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#prompt-path", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#prompt-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())
