"""The classifier.

Its factory, scoring and decoding, calibration, hyperparameter search, run-time estimates and where fits run.
"""
