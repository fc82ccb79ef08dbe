"""Common parts of the wizard's steps."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.compose import compose
from textual.containers import VerticalScroll

from nexusml.options.training_args import SPECS
from tui.form import FormState
from tui.widgets.field import ArgField


class Step(VerticalScroll):
    """One page of the wizard; its fields are the ArgFields inside it.

    A step's widgets are made the first time it is shown (:meth:`build`), from
    the form's values then: a wizard that opens on the data step does not build
    the other four (half of its start-up).  Everything the steps show comes
    from the form (``FormState``), so a step built later shows what one built
    at the start would.
    """

    DEFAULT_CLASSES = "step"
    step_name = ""

    def __init__(self, state: FormState, *, id: str | None = None, built: bool = False):
        super().__init__(id=id or f"step-{self.step_name}")
        self.state = state
        self.built = built
        """Whether its widgets are mounted (until then the methods that fill them do nothing)."""
        self._building: asyncio.Event | None = None

    def compose(self) -> ComposeResult:
        if self.built or self._building is not None:
            yield from self.content()

    def content(self) -> ComposeResult:
        """The step's widgets."""
        yield from ()

    async def build(self) -> None:
        """Make and mount the step's widgets, if they are not yet (a second caller meanwhile waits for them)."""
        if self.built:
            return
        if self._building is not None:
            await self._building.wait()
            return
        self._building = asyncio.Event()
        await self.mount_all(compose(self))
        self.built = True
        self.on_built()
        self._building.set()

    def on_built(self) -> None:
        """Called once the widgets made by :meth:`build` are mounted."""

    def new_field(self, dest: str) -> ArgField:
        """A field showing the form's value for ``dest`` and the error already found for it."""
        return ArgField(SPECS[dest], self.state.values.get(dest), self.state.errors.get(dest, ""))

    def fields(self) -> list[ArgField]:
        return list(self.query(ArgField))

    def field(self, dest: str) -> ArgField:
        return self.query_one(f"#field-{dest}", ArgField)

    def find_field(self, dest: str) -> ArgField | None:
        """The field for ``dest`` if this step has it and is built, else None."""
        return next((field for field in self.fields() if field.dest == dest), None)

    def shown(self) -> None:
        """Called when the step becomes visible (after :meth:`build`)."""
