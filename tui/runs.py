"""What the results screen shows, from a finished run or from a saved metadata file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nexusml.files import MAX_METADATA_BYTES, FileReadError, read_json_object
from nexusml.store.layout import ERRORS_REPORT, SUSPECTS_REPORT, run_metadata_files
from tui.suspects import TrainingSource, suspects_note


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
    suspects_path: Path | None = None  # the training rows whose label looks wrong, saved with the model
    suspects_note: str = ""  # why there is no suspects file
    source: TrainingSource | None = None  # the training file and the feature config that read it
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
            suspects_path=result.suspects_path,
            suspects_note=suspects_note(result.metadata or {}),
            source=TrainingSource.from_metadata(result.metadata or {}),
        )

    @classmethod
    def from_metadata(cls, metadata_path: Path) -> RunView:
        data = read_json_object(metadata_path, MAX_METADATA_BYTES, "a model's metadata (JSON)")
        model_file = data.get("model_file")
        model_file = model_file if isinstance(model_file, str) and Path(model_file).name == model_file else None
        model_path = Path(metadata_path).parent / model_file if model_file else None
        split, info = _mapping(data.get("split")), _mapping(data.get("data"))
        rows = ""
        if isinstance(info.get("rows_used"), int):
            held = f"{split.get('train_rows', '?')} train / {split.get('test_rows', '?')} held out"
            rows = f"{info.get('rows_used')} rows ({held})"
        # Only the figures a results screen can show: a hand-edited or foreign file shows what it holds.
        metrics = {
            str(t): dict(m)
            for t, m in _mapping(data.get("metrics")).items()
            if isinstance(m, dict) and all(isinstance(m.get(k), int | float) for k in ("accuracy", "f1_macro"))
        }
        errors_file, suspects_file = (_report(data, name) for name in (ERRORS_REPORT, SUSPECTS_REPORT))
        targets = data.get("targets")
        return cls(
            title=Path(metadata_path).name,
            path=str(data.get("training_path", "?")),
            model_path=model_path,
            targets=tuple(str(t) for t in targets) if isinstance(targets, list) else tuple(metrics),
            metrics=metrics,
            class_counts={str(t): c for t, c in _mapping(data.get("class_counts")).items() if isinstance(c, dict)},
            stage_seconds={
                str(k): float(v)
                for k, v in _mapping(data.get("stage_seconds")).items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            },
            report=None,
            created=str(data.get("created", "")),
            rows=rows,
            warnings=tuple(str(w) for w in data.get("warnings") or () if isinstance(w, str)),
            search=_mapping(data.get("hyperparameter_search")) or None,
            metadata_path=Path(metadata_path),
            errors_path=Path(metadata_path).parent / errors_file if errors_file else None,
            suspects_path=Path(metadata_path).parent / suspects_file if suspects_file else None,
            suspects_note=suspects_note(data),
            source=TrainingSource.from_metadata(data),
        )


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (a foreign or hand-edited metadata file)."""
    return value if isinstance(value, dict) else {}


def _report(data: dict[str, Any], report: str) -> str | None:
    """The name of a report file saved with the model (a bare file name beside the metadata, else None)."""
    name = _mapping(data.get("report_files")).get(report)
    return name if isinstance(name, str) and name and Path(name).name == name else None


@dataclass(frozen=True)
class PastRun:
    metadata_path: Path
    created: str
    model_file: str
    training_path: str
    targets: int
    mean_f1: float | None
    exists: bool
    data_file: str = ""  # the training file's name
    target_names: tuple[str, ...] = ()
    mean_accuracy: float | None = None
    mean_coverage: float | None = None  # the share of rows coded automatically, over the targets
    saved_ns: int = 0  # when the metadata was written: tells apart runs saved within the same second


def _mean(values: list[Any]) -> float | None:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return sum(numbers) / len(numbers) if numbers else None


def coverage_of(metrics: dict[str, Any]) -> float | None:
    """A target's share of rows coded automatically (None: not recorded)."""
    value = _mapping(metrics.get("auto_coding")).get("coverage")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def list_past_runs(output_dir: Path) -> list[PastRun]:
    """Timestamped ``*_metadata.json`` files in ``output_dir``, newest first (``*_latest`` copies skipped)."""
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        return []
    runs: list[PastRun] = []
    for path in run_metadata_files(output_dir):
        try:
            data = read_json_object(path, MAX_METADATA_BYTES, "a model's metadata (JSON)")
        except FileReadError:
            continue  # not a run's metadata: a pipe, a huge or deep file, not JSON
        metrics = {str(t): m for t, m in _mapping(data.get("metrics")).items() if isinstance(m, dict)}
        model_file = data.get("model_file")
        model_file = model_file if isinstance(model_file, str) and Path(model_file).name == model_file else ""
        targets = data.get("targets")
        names = tuple(str(t) for t in targets) if isinstance(targets, list) else tuple(metrics)
        source = _mapping(data.get("data")).get("path")
        runs.append(
            PastRun(
                metadata_path=path,
                created=str(data.get("created", "")),
                model_file=model_file,
                training_path=str(data.get("training_path", "?")),
                targets=len(names),
                mean_f1=_mean([m.get("f1_macro") for m in metrics.values()]),
                exists=bool(model_file) and (path.parent / model_file).exists(),
                data_file=Path(source).name if isinstance(source, str) else "",
                target_names=names,
                mean_accuracy=_mean([m.get("accuracy") for m in metrics.values()]),
                mean_coverage=_mean([coverage_of(m) for m in metrics.values()]),
                saved_ns=_written(path),
            )
        )
    runs.sort(key=lambda r: (r.created, r.saved_ns, r.metadata_path.name), reverse=True)
    return runs


def _written(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def previous_run(view: RunView) -> RunView | None:
    """The run saved just before ``view`` in its folder that predicts any of its targets (a retraining's
    "before"), or None."""
    if view.metadata_path is None:
        return None
    # Newest first; runs saved within the same second are told apart by when their metadata was written.
    runs = sorted(
        list_past_runs(view.metadata_path.parent),
        key=lambda r: (r.created, _written(r.metadata_path)),
        reverse=True,
    )
    places = [r.metadata_path for r in runs]
    if view.metadata_path not in places:
        return None
    for run in runs[places.index(view.metadata_path) + 1 :]:
        try:
            before = RunView.from_metadata(run.metadata_path)
        except FileReadError:
            continue
        if set(before.targets) & set(view.targets):
            return before
    return None


def number_change(now: Any, before: Any) -> str:
    """``+0.031`` from ``before`` to ``now`` (blank where either is not a number)."""
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (now, before)):
        return ""
    return f"{now - before:+.3f}"


def change_line(now: dict[str, Any], before: dict[str, Any]) -> str:
    """One target's accuracy, macro-F1 and share coded automatically against the run before, in one line."""
    parts = []
    for key, name in (("accuracy", "accuracy"), ("f1_macro", "macro-F1")):
        was, now_ = _mean([before.get(key)]), _mean([now.get(key)])  # None unless a number
        if was is not None and now_ is not None:
            parts.append(f"{name} {was:.3f} → {now_:.3f} ({now_ - was:+.3f})")
    was, now_ = coverage_of(before), coverage_of(now)
    if was is not None and now_ is not None:
        parts.append(f"auto-coded {was:.0%} → {now_:.0%}")
    return ", ".join(parts)
