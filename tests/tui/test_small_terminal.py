"""80x24 is a supported size: the review dialog keeps its class input and keys in view, the footer the keys that
matter, the review table one target at a time (sorted by its confidence), and help the keys of its screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from tui_helpers import settle, text_of, until

from tests.tui.test_review import fresh_copy, open_row, predicted, project  # noqa: F401  (project: a fixture)
from tui.app import create_app


async def test_the_review_dialog_shows_its_input_and_keys_at_80x24(project: dict, tmp_path: Path) -> None:  # noqa: F811
    import pandas as pd

    from nexusml.readers.loader import load_data

    frame = load_data(fresh_copy(project, tmp_path))
    frame.loc[frame.index[0], "Notes"] = " ".join(["commissioning note on access, isolation and spares"] * 12)
    new = tmp_path / "long_notes.csv"
    pd.DataFrame(frame).to_csv(new, index=False)
    given = {"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])}
    app = create_app(given)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await predicted(pilot, app)
        dialog = await open_row(pilot, screen, 0)  # its notes wrap over more lines than the screen has
        await settle(pilot)
        screen_area = app.screen.region
        for widget in (dialog.query_one("#review-row-input", Input), dialog.query_one(".dialog-hint")):
            region = widget.region
            assert region.height > 0 and screen_area.contains_region(region), (widget, region, screen_area)


def footer_keys(app) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [key.key for key in app.screen.query(FooterKey) if key.is_mounted and key.region.width]


async def test_the_footer_keeps_the_keys_that_matter_at_80x24(tmp_path: Path) -> None:
    from screen_data import write_run

    from tui.runs import RunView
    from tui.screens.results import ResultsScreen

    view = RunView.from_metadata(write_run(tmp_path / "models"))
    app = create_app({"output_dir": str(tmp_path / "models")})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert {"ctrl+n", "ctrl+b", "ctrl+r", "f1"} <= set(footer_keys(app))  # the wizard: next, back, train, help
        app.push_screen(ResultsScreen(view))
        await settle(pilot)
        keys = footer_keys(app)
        assert {"escape", "f3", "f4", "f5", "f6", "f7", "f1"} <= set(keys), keys
        footer = app.screen.query_one("Footer")
        assert sum(key.region.width for key in footer.children) <= 80  # nothing hidden past the edge
        await pilot.press("f5")  # on the suspect rows: their decisions first
        await settle(pilot)
        keys = footer_keys(app)
        assert {"y", "t", "k", "u", "a", "f1"} <= set(keys), keys
        assert "r" not in keys  # sorting goes first (a header click sorts too)
        await pilot.press("f1")
        await settle(pilot)
        help_text = app.screen.keys_text
        for described in ("Sort by row", "Use suggested", "Per class", "Zoom", "Next chart"):
            assert described in help_text, described  # the keys left out of the footer are in the help


async def test_the_review_table_shows_one_target_at_a_time_at_80x24(project: dict, tmp_path: Path) -> None:  # noqa: F811
    from textual.widgets import DataTable, Select

    new = fresh_copy(project, tmp_path, "new_60")
    given = {"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])}
    app = create_app(given)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await predicted(pilot, app)
        coded, table = screen.coded, screen.query_one("#review-table", DataTable)
        footer = set(footer_keys(app))
        assert {"a", "u", "n", "x", "t", "s", "f1"} <= footer, footer
        for target in (*coded.targets, "*"):
            if target != "*":
                assert screen.query_one("#review-target", Select).value == target
                labels = [str(c.label) for c in table.ordered_columns]
                assert target in labels and not set(coded.targets) - {target} & set(labels)
                assert sum(c.get_render_width(table) for c in table.ordered_columns) <= 80  # the conf in view
                shown = [float(coded.confidence[target][int(k.value)]) for k in table.rows]
                assert shown == sorted(shown)  # lowest confidence of the shown target first
                assert f"lowest {target} confidence first" in text_of(screen.query_one("#review-count"))
            else:
                labels = [str(c.label) for c in table.ordered_columns]
                assert all(t in labels for t in coded.targets)
                lowest = [min(coded.confidence[t][int(k.value)] for t in coded.targets) for k in table.rows]
                assert lowest == sorted(lowest)
            await pilot.press("s")
            await settle(pilot)
        assert screen.query_one("#review-target", Select).value == coded.targets[0]  # round again
        await pilot.press("f1")
        await settle(pilot)
        help_text = app.screen.keys_text
        assert help_text.startswith("## Keys here: reviewing a coded file")
        for key in ("`a`", "`u`", "`n`", "`x`", "`t`", "`s`", "`enter`"):
            assert key in help_text, key


async def test_the_results_tables_take_the_whole_width_at_80x24(tmp_path: Path) -> None:
    """Below 120 columns the side panel goes above the tabs: a table's class names are as long as the whole
    screen allows (beside the panel they were cut to a few letters), and the panel is a scroll away."""
    from screen_data import GROUPS
    from textual.widgets import DataTable, TabbedContent
    from tui_helpers import results_of_a_saved_run

    from tests.tui.test_labels import shown_cells
    from tui.widgets.table_fit import Names

    async with results_of_a_saved_run(tmp_path / "models") as (app, pilot):
        screen = app.screen
        side, tabs = screen.query_one("#results-side"), screen.query_one("#charts", TabbedContent)
        assert side.region.width >= 78 and screen.query_one("#metrics").region.height > 0  # above, in view
        shown = (("f3", "#class-table"), ("f4", "#error-table"), ("f5", "#suspect-table"), ("f3", "#class-table"))
        for key, table_id in shown:  # f3 again: a pane shown again did not always get a Resize, nor lay out its table
            await pilot.press(key)
            table = screen.query_one(table_id, DataTable)
            assert await until(pilot, lambda t=table: screen.focused is t and t.row_count > 0)
            await settle(pilot)
            assert table.region.width >= 76, (key, table.region)  # the screen's width, less the scrollbar, margins
            assert screen.region.contains_region(tabs.query_one("Tabs").region)  # scrolled up under the heading
            assert table.region.height >= 4 and screen.region.contains_region(table.region)
            if table_id != "#class-table":
                continue
            column = table.ordered_columns[0]
            width = column.get_render_width(table) - 2  # less the cell padding
            assert width >= 36, width  # beside the side panel: 8
            names = Names(screen.view.metrics["product group"]["per_class"])
            for cells in shown_cells(table):
                whole = next(g for g in GROUPS if names.short(g, width) == cells[0])  # as cut at this width
                assert len(cells[0]) >= min(len(whole), 36)
        await pilot.press("ctrl+t")  # the side panel's try-it box is scrolled back into view
        assert await until(pilot, lambda: screen.region.contains_region(screen.query_one("#try-input").region))

    async with results_of_a_saved_run(tmp_path / "wide", (120, 40)) as (app, pilot):  # the side panel beside the tabs
        screen = app.screen
        side, tabs = screen.query_one("#results-side").region, screen.query_one("#charts").region
        assert side.right <= tabs.x and side.y == tabs.y
