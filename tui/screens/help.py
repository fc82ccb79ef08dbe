"""Keys and a short guide."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

HELP = """\
# NexusML training wizard

Train a model that assigns classification codes to equipment, in five steps:
**Data** → **Features** → **Training** → **Output** → **Review**. Every field is
checked as you type; a step with an invalid field cannot be left forward.

| Key | Does |
|---|---|
| `tab` / `shift+tab` | move between fields |
| `ctrl+n` / `ctrl+b` (or `alt+→` / `alt+←`) | next / previous step |
| `ctrl+r` | start training (from any step, when every field is valid) |
| `ctrl+f` | browse for the data file |
| `enter` in the Review step's file name | save the values as a run config (`--config FILE`) |
| `ctrl+o` | past runs in the output directory |
| `ctrl+s` / `f2` | settings: legacy training path, log level, theme |
| `escape` / `ctrl+c` | while training: ask to cancel; otherwise go back |
| `t` | after a failed run: the full traceback |
| `ctrl+t` / `ctrl+g` | results: the "try it" box / the next chart |
| `?` (outside a text field) / `f1` | this help |
| `ctrl+q` | quit (asks first while a run is going) |

On the **Features** step pick targets and text columns from the file's header
(space toggles); the wizard writes a feature config for them and uses it. Or
type the path of your own feature-config YAML.

The **Review** step shows the equivalent `nexusml-train --headless ...`
command, for scripts and CI.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q,f1", "close", "Close")]

    def __init__(self):
        super().__init__(classes="modal help")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Markdown(HELP, id="help-text")
            yield Static("escape: close", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
