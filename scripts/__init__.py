"""Developer tools run from a checkout: the sample-data generator, the README updater.

Not part of the installed package. Import it with the repository root on ``sys.path``
(``python -m pytest`` from the root does this; the scripts and benchmarks add it themselves).
"""
