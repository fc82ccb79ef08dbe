#!/usr/bin/env python
"""Speed of ``--text-encoder``: coding rows with and without a sentence encoder's embeddings.

    python benchmarks/bench_encoder.py --encoder FOLDER            # 10,000 and 100,000 rows
    python benchmarks/bench_encoder.py --encoder FOLDER --rows 10000 --threads 2

A model is fitted on the Uniclass table (``real_data.py``'s ``uniclass`` task) with and without the
encoder.  New rows are made of the table's product names: 10,000 rows with as many distinct texts (two
names joined, as a longer description would be), and 100,000 rows drawn from 10,000 distinct texts (an
export repeats its items).  Each size is coded with ``predict_with_confidence`` from an empty encoder
cache, best of ``--repeat``; printed: seconds, rows/s and distinct texts/s, beside the model without the
encoder.  The run estimate's ``ENCODER_TEXTS_PER_SECOND`` is the distinct texts/s of the 10,000-row case.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from real_data import TEXT, load_task


def new_rows(names: pd.Series, rows: int, distinct: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` texts drawn from ``distinct`` texts, each two names joined."""
    rng = np.random.default_rng(seed)
    pool = [f"{a} {b}" for a, b in zip(rng.choice(names, distinct), rng.choice(names, distinct), strict=True)]
    pool = list(dict.fromkeys(pool))
    texts = pool + list(rng.choice(pool, rows - len(pool))) if rows > len(pool) else pool[:rows]
    return pd.DataFrame({TEXT: rng.permutation(np.asarray(texts, dtype=object))})


def timed(model, frame: pd.DataFrame, repeat: int, clear) -> float:
    best = np.inf
    for _ in range(repeat):
        clear()
        started = time.perf_counter()
        model.predict_with_confidence(frame)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", required=True, help="a sentence-transformers model folder")
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    args = parser.parse_args(argv)
    from nexusml.features.sentence_encoder import load_encoder
    from nexusml.model.classifier import EquipmentClassifier

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    X, Y = load_task("uniclass")
    encoder = load_encoder(args.encoder)
    plain = EquipmentClassifier(text_column=TEXT).fit(X.to_frame(), Y)
    encoded = EquipmentClassifier(text_column=TEXT, text_encoder=args.encoder).fit(X.to_frame(), Y)
    print(f"models fitted on {len(X)} Uniclass rows; encoder {args.encoder} ({encoder.dimension} dimensions)")
    print()
    print("| rows | distinct texts | model | seconds | rows/s | distinct texts/s |")
    print("|---|---|---|---|---|---|")
    for rows in (int(r) for r in args.rows.split(",")):
        frame = new_rows(X, rows, min(rows, 10_000))
        distinct = frame[TEXT].nunique()
        for name, model in (("default", plain), ("default + encoder", encoded)):
            seconds = timed(model, frame, args.repeat, encoder.vectors.clear)
            per_text = f"{distinct / seconds:,.0f}" if model is encoded else ""
            print(f"| {rows:,} | {distinct:,} | {name} | {seconds:.1f} | {rows / seconds:,.0f} | {per_text} |")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
