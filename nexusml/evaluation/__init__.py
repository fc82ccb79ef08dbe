"""Judging a model.

Metrics, the per-class report, auto-coding figures and the assessment shared by training and nexusml-evaluate.
"""
