"""80x24 is a supported size: the review dialog keeps its class input and keys in view."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from tui_helpers import settle

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
