"""Long class names that differ in one word stay apart in every table, and the whole name is a key away."""

from __future__ import annotations

from pathlib import Path

import pytest
from screen_data import GROUPS, TYPES, coded_file
from textual.widgets import DataTable
from tui_helpers import results_of_a_saved_run, settle, text_of, until

from tui.app import create_app
from tui.screens.review import ReviewScreen
from tui.widgets.table_fit import Names

UNICLASS_LIKE = [
    "services and process source products",
    "services and process outlet products",
    "services and process control products",
    "services and process general products",
    "services and process distribution products",
    "signage, sanitary fittings and fittings, furnishing and equipment (ff&e) products",
    "structure and general products",
]


def test_names_keep_the_words_that_tell_them_apart() -> None:
    names = Names(UNICLASS_LIKE)
    for width in (8, 12, 16, 24):
        shown = [names.short(n, width) for n in UNICLASS_LIKE]
        assert all(len(s) <= width for s in shown)
        assert len(set(shown)) == len(shown), (width, shown)
    assert names.short("services and process source products", 16) == "…source products"
    assert names.short("services and process distribution products", 16).startswith("…distribution")
    assert names.short("structure and general products", 16) == "structure and g…"  # its start is its own
    ifc = Names(["IfcPumpType.CIRCULATOR", "IfcPumpType.ENDSUCTION", "IfcFanType.AXIAL"])
    assert ifc.short("IfcPumpType.CIRCULATOR", 12) == "…CIRCULATOR"  # "IfcPumpType…" would be both pumps


def shown_cells(table: DataTable) -> list[list[str]]:
    """The cells of the rows on screen, as drawn (the header line skipped)."""
    widths = [column.get_render_width(table) for column in table.ordered_columns]
    out = []
    for y in range(1, min(table.row_count + 1, table.size.height)):
        line = table.render_line(y).text
        cells, at = [], 0
        for width in widths:
            cells.append(line[at : at + width].strip())
            at += width
        out.append(cells)
    return out


def distinct(pairs: list[tuple[str, str]]) -> bool:
    """Different whole names are drawn differently."""
    drawn: dict[str, str] = {}
    return all(drawn.setdefault(cell, whole) == whole for whole, cell in pairs)


@pytest.mark.parametrize("zoom", [False, True])
async def test_the_results_tables_draw_alike_names_apart_at_80x24(tmp_path: Path, zoom: bool) -> None:
    async with results_of_a_saved_run(tmp_path / "models") as (app, pilot):
        screen = app.screen
        if zoom:
            await pilot.press("ctrl+z")
            await settle(pilot)
        for key, table_id, columns in (("f4", "#error-table", (2, 3)), ("f5", "#suspect-table", (2, 3))):
            await pilot.press(key)
            table = screen.query_one(table_id, DataTable)
            assert await until(pilot, lambda t=table: screen.focused is t and t.row_count > 0)
            await settle(pilot)
            keys = [str(r.key.value) for r in table.ordered_rows]
            rows = screen.query_one(table_id).parent.rows  # the report's rows, as read
            pairs = []
            for place, cells in enumerate(shown_cells(table)):
                row = rows[int(keys[place])]
                for c in columns:
                    name = str(table.ordered_columns[c].key.value)
                    pairs.append((row[name], cells[c]))
            assert pairs and distinct(pairs), pairs
            cut = [(whole, cell) for whole, cell in pairs if whole != cell]
            assert cut, "every name fitted: the check would prove nothing"
            # the whole names of the highlighted row are under the table
            detail = text_of(screen.query_one(table_id.replace("table", "detail")))
            first = rows[int(keys[table.cursor_row])]
            assert all(first[str(table.ordered_columns[c].key.value)] in detail.replace("\n", " ") for c in columns)


async def test_the_review_table_draws_alike_names_apart_and_enter_shows_them_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    coded, model, state, path = coded_file()
    app = create_app({})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(coded, model, state, path))
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#review-table", DataTable)
        for target, names in zip(coded.targets, (GROUPS, TYPES), strict=True):
            assert screen.shown == [target]  # 80 columns: one target at a time
            pairs = []
            for place, cells in enumerate(shown_cells(table)):
                position = int(screen.order[place])
                pairs.append((str(coded.predicted[target][position]), cells[4]))
            assert distinct(pairs) and any(whole != cell for whole, cell in pairs), pairs
            assert all(whole in names for whole, _ in pairs)
            await pilot.press("enter")
            await settle(pilot)
            body = text_of(app.screen.query_one("#review-row-body"))
            position = int(screen.order[table.cursor_row])
            assert str(coded.predicted[target][position]) in body
            assert f"Location: {coded.frame['Location'][position]}" in body  # the whole input row, not only its text
            await pilot.press("escape")
            await pilot.press("s")  # the next target
            await settle(pilot)
