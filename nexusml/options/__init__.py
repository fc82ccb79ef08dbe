"""Training options.

The one argument spec, its validators, the precedence of flags, run configs and files, the parser and the
README table.
"""
