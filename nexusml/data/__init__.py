"""Bundled sample inventory and reference tables for NexusML.

They are written by ``scripts/generate_sample_data.py`` (the generator lives in
``scripts/synthetic.py``, outside the installed package).
"""

from pathlib import Path


def bundled_data_path() -> Path:
    """The sample inventory shipped with the package (the default --data-path)."""
    return Path(__file__).resolve().parent / "equipment_inventory.csv"
