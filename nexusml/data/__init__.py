"""Bundled sample inventory and reference tables for NexusML.

They are written by ``scripts/generate_sample_data.py`` (the generator lives in
``scripts/synthetic.py``, outside the installed package).
"""
