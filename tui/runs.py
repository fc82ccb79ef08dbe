"""What the results screen shows, from a finished run or from a saved metadata file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RunView:
    title: str
    path: str  # training path: orchestrator or legacy
    model_path: Path | None
    targets: tuple[str, ...]
    metrics: dict[str, dict[str, Any]]
    class_counts: dict[str, dict[str, int]]
    stage_seconds: dict[str, float]
    report: dict[str, Any] | None = None
    created: str = ""
    rows: str = ""
    warnings: tuple[str, ...] = ()
    search: dict[str, Any] | None = None
    log_path: Path | None = None
    metadata_path: Path | None = None
    errors_path: Path | None = None  # the misclassified held-out rows saved with the model
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mean_f1(self) -> float | None:
        scores = [f1 for m in self.metrics.values() if isinstance(f1 := m.get("f1_macro"), (int, float))]
        return sum(scores) / len(scores) if scores else None

    @classmethod
    def from_result(cls, result: Any) -> RunView:
        return cls(
            title="This run",
            path=result.path,
            model_path=Path(result.model_path),
            targets=tuple(result.targets),
            metrics={t: dict(m) for t, m in result.metrics.items()},
            class_counts=dict(result.class_counts),
            stage_seconds=dict(result.stage_seconds),
            report=dict(result.report),
            created=str((result.metadata or {}).get("created", "")),
            rows=f"{result.rows_used} rows ({result.n_train} train / {result.n_test} held out)",
            warnings=tuple(result.warnings),
            search=result.search,
            log_path=result.log_path,
            metadata_path=Path(result.metadata_path),
            errors_path=result.errors_path,
        )

    @classmethod
    def from_metadata(cls, metadata_path: Path) -> RunView:
        data = json.loads(Path(metadata_path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{metadata_path.name} is not a metadata mapping")
        model_file = data.get("model_file")
        model_path = Path(metadata_path).parent / model_file if model_file else None
        split = data.get("split") or {}
        info = data.get("data") or {}
        rows = ""
        if info.get("rows_used") is not None:
            held = f"{split.get('train_rows', '?')} train / {split.get('test_rows', '?')} held out"
            rows = f"{info.get('rows_used')} rows ({held})"
        metrics = data.get("metrics") or {}
        errors_file = (data.get("report_files") or {}).get("errors.csv")
        return cls(
            title=Path(metadata_path).name,
            path=str(data.get("training_path", "?")),
            model_path=model_path,
            targets=tuple(data.get("targets") or metrics.keys()),
            metrics={t: dict(m) for t, m in metrics.items() if isinstance(m, dict)},
            class_counts=dict(data.get("class_counts") or {}),
            stage_seconds={k: float(v) for k, v in (data.get("stage_seconds") or {}).items()},
            report=None,
            created=str(data.get("created", "")),
            rows=rows,
            warnings=tuple(data.get("warnings") or ()),
            search=data.get("hyperparameter_search"),
            metadata_path=Path(metadata_path),
            errors_path=Path(metadata_path).parent / errors_file if errors_file else None,
        )


@dataclass(frozen=True)
class PastRun:
    metadata_path: Path
    created: str
    model_file: str
    training_path: str
    targets: int
    mean_f1: float | None
    exists: bool


def list_past_runs(output_dir: Path) -> list[PastRun]:
    """Timestamped ``*_metadata.json`` files in ``output_dir``, newest first (``*_latest`` copies skipped)."""
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        return []
    runs: list[PastRun] = []
    for path in output_dir.glob("*_metadata.json"):
        if path.name.endswith("_latest_metadata.json"):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        metrics = data.get("metrics") or {}
        scores = [
            f1 for m in metrics.values() if isinstance(m, dict) and isinstance(f1 := m.get("f1_macro"), (int, float))
        ]
        model_file = str(data.get("model_file", ""))
        runs.append(
            PastRun(
                metadata_path=path,
                created=str(data.get("created", "")),
                model_file=model_file,
                training_path=str(data.get("training_path", "?")),
                targets=len(data.get("targets") or metrics),
                mean_f1=sum(scores) / len(scores) if scores else None,
                exists=bool(model_file) and (path.parent / model_file).exists(),
            )
        )
    runs.sort(key=lambda r: (r.created, r.metadata_path.name), reverse=True)
    return runs
