"""From rows to model input.

Feature engineering, text and numeric inputs, ranges, reference data, validation and the held-out split.
"""
