"""The results screen's "try it" box: what the saved model gives for a typed description, per target.

The typed text is what the model reads as a row's text (its text columns together); each target shows its
three most confident classes, and whether the first would be coded automatically: its confidence against
the threshold the run recorded for that target (``--auto-precision``), not a fixed colour line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text

TOP = 3
PLACEHOLDER = "type an item's description, as the training rows hold them"


@dataclass(frozen=True)
class Guess:
    target: str
    classes: tuple[tuple[str, float], ...]  # the most confident first
    threshold: float | None  # the run's auto-coding threshold for the target (None: every row to review)


def guesses(model: Any, text: str) -> list[Guess]:
    """The model's top classes for ``text``, per target (runs in a worker thread)."""
    import numpy as np
    import pandas as pd

    from nexusml import coding
    from nexusml.model.trained import recorded_thresholds

    column = model.feature_config.input_columns[0]
    coded = coding.code_frame(model, pd.DataFrame({column: [text]}), top_k=TOP)
    thresholds = recorded_thresholds(model.metadata, model.targets)
    out = []
    for target in model.targets:
        labels, confidences = coded.top_labels[target][0], coded.top_confidences[target][0]
        ranked = tuple(
            (str(label), float(value))
            for label, value in zip(labels, confidences, strict=False)
            if str(label) != "" and not np.isnan(value)
        )
        out.append(Guess(target, ranked, thresholds.get(target)))
    return out


def example_text(model: Any, limit: int = 60) -> str:
    """A row of the model's training file as the model reads it (a row of typical length), or "" (runs in a thread).

    The training file is the one the metadata names, read where the run read it; a file that moved or
    cannot be read gives "" (the box keeps its generic prompt).
    """
    from pathlib import Path

    from nexusml.features.engineering import engineer_features
    from nexusml.readers.loader import read_head

    recorded = (getattr(model, "metadata", None) or {}).get("data") or {}
    path = Path(str(recorded.get("path") or ""))
    if not recorded.get("path") or not path.is_file():
        return ""
    try:
        sheet = ((model.metadata or {}).get("arguments") or {}).get("sheet")
        head = read_head(path, sheet)
        if head is None or head.empty:
            return ""
        text = engineer_features(head, model.feature_config, with_targets=False).X[model.feature_config.text_feature]
    except Exception:  # an example is a nicety: never an error on the results screen
        return ""
    rows = sorted((" ".join(str(t).split()) for t in text), key=len)
    rows = [t for t in rows if t]
    return rows[len(rows) // 2][:limit] if rows else ""


def guesses_text(shown: list[Guess]) -> Text:
    out = Text()
    for i, guess in enumerate(shown):
        if i:
            out.append("\n")
        out.append(f"{guess.target}\n", "dim")
        for rank, (label, confidence) in enumerate(guess.classes):
            if rank == 0:
                out.append(f"  {label}", "bold")
                auto = guess.threshold is not None and confidence >= guess.threshold
                out.append(f"  {confidence:.0%}", "green" if auto else "yellow")
                if guess.threshold is None:
                    out.append("  to review (no auto-coding threshold)", "dim")
                else:
                    verdict = "auto-coded" if auto else "to review"
                    out.append(f"  {verdict} (threshold {guess.threshold:.0%})", "dim")
            else:
                out.append(f"\n    {label}  {confidence:.0%}", "dim")
    return out
