"""Made-up content for pictures of every screen: a saved run and a coded file whose class names are long and
alike (as in code tables), built without training so that the screens look the same on every machine."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

GROUPS = [
    "building services and plant source equipment",
    "building services and plant outlet equipment",
    "building services and plant control equipment",
    "building services and plant distribution equipment",
    "signage, sanitary fittings, furnishings and fixed equipment for interiors",
    "structural frame and general construction products",
]
TYPES = [
    "IfcPumpType.CIRCULATOR",
    "IfcPumpType.ENDSUCTION",
    "IfcFanType.CENTRIFUGALFORWARDCURVED",
    "IfcFanType.CENTRIFUGALBACKWARDINCLINEDCURVED",
    "IfcBoilerType.WATER",
    "IfcValveType.ISOLATING",
    "IfcUnitaryEquipmentType.ROOFTOPUNIT",
    "IfcUnitaryEquipmentType.SPLITSYSTEM",
]
TARGETS = ("product group", "IFC type")
ITEMS = [
    "circulator pump, wet rotor, heating loop",
    "end suction pump 7.5 kW chilled water",
    "forward curved centrifugal supply fan",
    "backward inclined centrifugal exhaust fan, roof",
    "condensing hot water boiler 120 kW",
    "butterfly isolating valve DN150",
    "packaged rooftop unit, gas heat, 10 ton",
    "ductless split system heat pump 3.5 kW",
    "wayfinding sign, wall mounted, stainless",
    "steel portal frame, primary members",
]
STAMP = "20260102_030405"


def _classes(i: int) -> tuple[str, str]:
    kind = i % len(ITEMS)
    group = GROUPS[[0, 0, 2, 3, 0, 3, 0, 1, 4, 5][kind]]
    return group, TYPES[min(kind, len(TYPES) - 1)]


def write_run(folder: Path) -> Path:
    """A saved run of two targets (metadata, errors and suspects files; no model file) in ``folder``."""
    from nexusml.evaluation.report import auto_coding, per_class_report

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    n = 240
    metrics, counts, errors, suspects = {}, {}, [], []
    for k, target in enumerate(TARGETS):
        truth = np.array([_classes(i)[k] for i in range(n)])
        names = GROUPS if k == 0 else TYPES
        wrong = rng.random(n) < 0.2
        predicted = np.where(wrong, rng.choice(names, size=n), truth)
        right = predicted == truth
        confidence = np.round(np.where(right, rng.uniform(0.55, 1, n), rng.uniform(0.2, 0.8, n)), 3)
        per_class = per_class_report(truth, predicted)
        f1 = float(np.mean([f["f1"] for f in per_class.values()]))
        pairs = pd.Series(list(zip(truth[~right], predicted[~right], strict=True))).value_counts().head(5)
        metrics[target] = {
            "accuracy": float(right.mean()),
            "f1_macro": f1,
            "support": n,
            "n_classes": len(per_class),
            "per_class": per_class,
            "top_confusions": [{"true": t, "predicted": p, "count": int(c)} for (t, p), c in pairs.items()],
            "auto_coding": auto_coding(confidence, right, 0.95),
        }
        counts[target] = {str(c): int(v) for c, v in pd.Series(truth).value_counts().items()}
        for i in np.flatnonzero(~right)[:12]:
            second = truth[i] if i % 3 else ""
            errors.append([i + 2, target, ITEMS[i % len(ITEMS)], truth[i], predicted[i], confidence[i], second])
        for j, i in enumerate(np.flatnonzero(right)[:6]):
            other = names[(names.index(str(truth[i])) + 1) % len(names)]
            suspects.append([i + 2, target, truth[i], other, round(0.99 - 0.07 * j, 3), ITEMS[i % len(ITEMS)]])
    metadata = {
        "created": "2026-01-02T03:04:05+00:00",
        "training_path": "orchestrator",
        "targets": list(TARGETS),
        "metrics": metrics,
        "class_counts": counts,
        "stage_seconds": {"load_data": 0.41, "features": 1.2, "train": 6.8, "evaluate": 0.9, "save": 0.3},
        "warnings": [
            "25 row(s) have no text in the text columns: they are read as empty",
            "only 48 held-out rows: the accuracy means little",
            "24 duplicate rows: a copy in the held-out rows makes the scores look better",
        ],
        "data": {"path": "products.csv", "rows_used": n},
        "split": {"train_rows": 192, "test_rows": 48},
        "model_file": f"products_{STAMP}.skops",
        "report_files": {
            "errors.csv": f"products_{STAMP}_errors.csv",
            "suspects.csv": f"products_{STAMP}_suspects.csv",
        },
        "suspects": {"rows": len(suspects)},
    }
    path = folder / f"products_{STAMP}_metadata.json"
    path.write_text(json.dumps(metadata), encoding="utf-8")
    for name, header, rows in (
        ("errors", ["row", "target", "text", "true", "predicted", "confidence", "second_best"], errors),
        ("suspects", ["row", "target", "label", "suggested", "score", "text"], suspects),
    ):
        with open(folder / f"products_{STAMP}_{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return path


def coded_file(n: int = 40):
    """(coded rows, a stand-in model, a review state, the input path) of a made-up file of ``n`` rows, with
    relative paths (the review file is written in the working directory)."""
    from nexusml.coding.predictions import CodedRows
    from nexusml.coding.review_state import ReviewState
    from nexusml.features.ranges import OutOfRange

    text = np.array([f"{ITEMS[i % len(ITEMS)]} L{i // len(ITEMS) + 1}" for i in range(n)], dtype=object)
    frame = pd.DataFrame({"Description": text, "Location": [f"Level {i % 4}" for i in range(n)]})
    predicted, confidence, top, top_conf = {}, {}, {}, {}
    for k, target in enumerate(TARGETS):
        names = GROUPS if k == 0 else TYPES
        first = [_classes(i)[k] for i in range(n)]
        conf = np.round(0.35 + 0.6 * ((np.arange(n) * (7 + 4 * k)) % 23) / 22, 2)
        others = [[names[(names.index(c) + s) % len(names)] for s in (1, 2)] for c in first]
        predicted[target] = np.array(first, dtype=object)
        confidence[target] = conf
        top[target] = np.array([[c, *o] for c, o in zip(first, others, strict=True)], dtype=object)
        rest = np.minimum(conf, 1 - conf)
        top_conf[target] = np.round(np.column_stack([conf, rest * 0.7, rest * 0.3]), 2)
    unfamiliar = np.zeros(n, dtype=bool)
    unfamiliar[5] = True
    coded = CodedRows(
        frame=frame,
        targets=list(TARGETS),
        text=text,
        predicted=predicted,
        confidence=confidence,
        top_labels=top,
        top_confidences=top_conf,
        unfamiliar=unfamiliar,
        out_of_range=OutOfRange(np.full(n, "", dtype=object), {}, {}),
        thresholds={TARGETS[0]: 0.7, TARGETS[1]: 0.8},
    )
    estimators = {t: SimpleNamespace(classes_=np.array(GROUPS if k == 0 else TYPES)) for k, t in enumerate(TARGETS)}
    model = SimpleNamespace(
        estimator=SimpleNamespace(estimators_=estimators),
        metadata={"data": {"path": "products.csv"}, "arguments": {}},
        targets=list(TARGETS),
    )
    input_path = Path("site.csv")
    state = ReviewState(Path("site.csv.products.review.json"), "0" * 64, "0" * 64, "products.skops", "site.csv")
    return coded, model, state, input_path
