"""Keys and a short guide: first the keys of the screen help was opened on, then the whole guide."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from tui.widgets.plain import Static

HELP = """\
# NexusML training wizard

Train a model that assigns classification codes to equipment, in five steps:
**Data** → **Features** → **Training** → **Output** → **Review**. Every field is
checked as you type; a step with a problem cannot be left forward, and the
status line says "ready to train" only when the run would accept the form.

| Key | Does |
|---|---|
| `tab` / `shift+tab` | move between fields |
| `ctrl+n` / `ctrl+b` (or `alt+→` / `alt+←`) | next / previous step |
| `escape` | previous step (while training: ask to cancel) |
| `ctrl+r` | start training (from any step, when the form is ready) |
| `ctrl+f` | browse for the data file (or type a path there) |
| `space` / `enter` on a column list | select or unselect the column |
| typing on a column list | filter that list (`backspace`, `escape` clears) |
| `ctrl+y` | copy the equivalent command |
| `enter` in the Review step's file name | save the values as a run config (`--config FILE`) |
| `ctrl+o` | past runs in the output directory |
| `ctrl+s` / `f2` | settings: legacy training path, log level, theme |
| `ctrl+p` | command palette: Train, Save run config, Copy command, ... |
| `t` | after a failed run: the full traceback |
| `ctrl+t` / `ctrl+g` | results: the "try it" box / the next chart |
| `f3` / `f4` / `f5` | results: the per-class table / the error rows / the suspect labels (`ctrl+f` filters them) |
| `y` / `t` / `k` / `u` / `a` | suspect labels: take the suggested class / type one / keep the label / undo / apply |
| `f6` | results: code a new file with the model (predict) |
| `f7` | results: every warning of the run |
| `ctrl+z` | results: the charts and tables fill the screen (again: back) |
| `?` (outside a text field) / `f1` | this help (`↑` `↓` `pgup` `pgdn` scroll it) |
| `ctrl+q` | quit (asks first while a run is going) |

On the **Features** step pick the targets, the text columns and any numeric
columns from the file's header (`[x]` marks a chosen column). The choice is
checked against the file: a target or text column it lacks is named, with the
closest column. Choosing another data file keeps the columns it has and says
which were dropped. A feature-config YAML gives the rest (hierarchies,
mappings); leave it empty for the bundled one.

**Coding a file** (`f6` on the results, or `nexusml-train --predict MODEL`): `f5` codes the file, `escape`
cancels. In the review table, rows the model reads the same are one line (`×N`):

| Key | Does |
|---|---|
| `enter` | open the row: every target's classes and the whole row |
| `1` / `2` / `3` (in a row) | take the model's first, second or third class for the target shown |
| `c` or `/` (in a row) | type a class (a class the model does not know asks first) |
| `a` | accept the model's classes for the rest of the row |
| `u` | undo the last decision |
| `n` | the next row to review |
| `s` | show the next target's columns (then every target's); the rows are sorted by the shown confidence |
| `ctrl+f` | filter the rows by their text |
| `x` | export the coded file (`.xlsx` or `.csv`) |
| `t` | add the reviewed rows to training data |
| `U` | put the training file back as it was (until a training run starts; also "Undo" in the palette) |

The **Review** step shows the equivalent `nexusml-train --headless ...`
command, for scripts and CI, and saves a run config that holds the columns
itself; paths under its folder are written relative to it.
"""


def _declared(node: object) -> set[str]:
    """The actions the wizard itself binds on ``node``'s class (Textual's own widgets bind cursor keys and such)."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("tui."):
            actions.update(b.action for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding))
    return actions


def screen_keys(screen: Screen) -> tuple[str, list[tuple[str, str]]]:
    """The name of ``screen`` and its keys as (keys, what they do): the focused widget's, the screen's, the app's."""
    app = screen.app
    rows: dict[str, tuple[list[str], str]] = {}
    for node, binding, enabled, _ in screen.active_bindings.values():
        ours = binding.action in _declared(node) or binding.action.endswith("command_palette")
        if not ours or not enabled:
            continue
        keys, _ = rows.setdefault(binding.action, ([], binding.tooltip or binding.description or binding.action))
        for key in binding.key.split(","):
            shown = app.get_key_display(Binding(key.strip(), binding.action))
            if shown not in keys:
                keys.append(shown)
    listed = [(" / ".join(keys), what) for keys, what in rows.values()]
    listed += list(getattr(screen, "HELP_KEYS", ()))
    title = getattr(screen, "help_title", None)
    if callable(title):
        return title(), listed
    return getattr(screen, "HELP_TITLE", "") or type(screen).__name__.removesuffix("Screen"), listed


def keys_markdown(title: str, keys: list[tuple[str, str]]) -> str:
    if not keys:
        return ""
    lines = [f"## Keys here: {title}", "", "| Key | Does |", "|---|---|"]
    lines += [f"| `{key}` | {what.replace('|', '/')} |" for key, what in keys]
    return "\n".join(lines) + "\n\n"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q,f1", "close", "Close")]

    def __init__(self, title: str = "", keys: list[tuple[str, str]] | None = None):
        super().__init__(classes="modal help")
        self.keys_text = keys_markdown(title, keys or [])

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide help-dialog"):
            with VerticalScroll(id="help-scroll"):
                yield Markdown(self.keys_text + HELP, id="help-text")
            yield Static("↑ ↓ pgup pgdn: scroll   escape: close", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
