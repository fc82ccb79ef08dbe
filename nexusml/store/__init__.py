"""Saved models.

The output folder layout, atomic writes, the model file format, metadata, saving and safe loading.
"""
