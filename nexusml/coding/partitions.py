"""Coding a partitioned inventory: a folder or a glob of CSV and Parquet files, one coded file per input file.

:func:`find_partitions` lists the files (sorted by path; a folder's hidden files and those beginning
with ``_``, such as ``_SUCCESS``, are not data) and gives each its output: the same file name in
the output folder.  :func:`code_partition` reads one file, codes it as ``nexusml-predict`` codes a
single file (:func:`coding.output.prediction_table`) and writes its output atomically; it is a
plain function of picklable arguments, so a Dask worker runs it as well as this process does, and
both give the same bytes.  :class:`Manifest` is the job's record in the output folder
(``MANIFEST_NAME``): per finished partition, the model, the options and the sha256 of the input it
was coded from.  A rerun skips the partitions whose record still matches (so a stopped job resumes)
and codes the others.  :func:`code_partitions` runs a job here, one partition after another (memory
bounded by the largest partition), or on a Dask cluster, the model sent to each worker once.
"""

from __future__ import annotations

import glob
import json
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from nexusml.coding.review_state import CodingError
from nexusml.errors import NexusMLError

log = logging.getLogger(__name__)

MANIFEST_NAME = "nexusml-coding.json"
MANIFEST_VERSION = 1
DATA_SUFFIXES = (".csv", ".parquet", ".pq")


@dataclass(frozen=True)
class Partition:
    source: Path
    output: Path

    @property
    def name(self) -> str:
        return self.source.name


@dataclass(frozen=True)
class CodingOptions:
    """What changes a coded file besides the model: ``--min-confidence``, ``--top-k``, ``--raw-cells``."""

    min_confidence: float | str | None = None
    top_k: int = 0
    raw_cells: bool = False

    def record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PartitionResult:
    name: str
    rows: int
    seconds: float
    source_sha256: str
    to_review: int | None  # rows whose review_status is pending; None without a confidence threshold
    doubtful: int  # rows with unfamiliar text or a number outside the training range


@dataclass(frozen=True)
class PartitionFailure:
    name: str
    reason: str


def find_partitions(raw: str, output_dir: Path) -> tuple[list[Partition], list[str]]:
    """The partitions ``raw`` names (a folder or a glob), and the names of the files it matched but ignores.

    Raises :class:`CodingError` when it names no CSV or Parquet file, when two files share a name (their
    outputs would too), or when the output folder holds an input (its output would replace it).
    """
    folder = Path(raw)
    if folder.is_dir():
        matched = [p for p in folder.iterdir() if not p.name.startswith((".", "_"))]
    else:
        matched = [Path(p) for p in glob.glob(raw, recursive=True)]
    files = sorted(p for p in matched if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
    ignored = sorted(p.name for p in matched if p not in files and not p.is_dir())
    if not files:
        what = f"the folder {raw}" if folder.is_dir() else f"the pattern {raw!r}"
        raise CodingError(f"{what} names no CSV or Parquet file; give a folder of .csv/.parquet files or a glob")
    seen: dict[str, Path] = {}
    for path in files:
        if path.name in seen:
            raise CodingError(
                f"two inputs are named {path.name} ({seen[path.name]}, {path}); their outputs would share a "
                "name: code each folder into its own --output folder"
            )
        seen[path.name] = path
    out = output_dir.resolve()
    if any(p.resolve().parent == out for p in files):
        raise CodingError(f"--output {output_dir} holds the input files; give another folder for the coded files")
    return [Partition(p, output_dir / p.name) for p in files], ignored


class Manifest:
    """The record of a partitioned job in its output folder: what each finished partition was coded with."""

    def __init__(self, path: Path, model_sha256: str, options: CodingOptions):
        self.path, self.model_sha256, self.options = path, model_sha256, options.record()
        self.partitions: dict[str, dict[str, Any]] = {}
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("%s cannot be read (%s): every partition is coded again", path, exc)
            return
        entries = saved.get("partitions") if isinstance(saved, dict) else None
        if isinstance(entries, dict):
            self.partitions = {str(k): v for k, v in entries.items() if isinstance(v, dict)}

    def is_done(self, partition: Partition, source_sha256: str) -> bool:
        """Coded from these bytes with this model and these options, and its output is still there."""
        entry = self.partitions.get(partition.name)
        return (
            entry is not None
            and entry.get("model_sha256") == self.model_sha256
            and entry.get("options") == self.options
            and entry.get("source_sha256") == source_sha256
            and partition.output.is_file()
        )

    def record(self, partition: Partition, result: PartitionResult) -> None:
        from nexusml.store.io import atomic_write_text

        self.partitions[partition.name] = {
            "source": str(partition.source),
            "source_sha256": result.source_sha256,
            "model_sha256": self.model_sha256,
            "options": self.options,
            "rows": result.rows,
            "to_review": result.to_review,
            "seconds": round(result.seconds, 3),
        }
        document = {"version": MANIFEST_VERSION, "partitions": self.partitions}
        atomic_write_text(self.path, json.dumps(document, indent=2, sort_keys=True) + "\n")


def code_partition(model: Any, source: str, output: str, options: CodingOptions) -> PartitionResult:
    """Read ``source``, code it and write the coded rows to ``output`` atomically (this process or a worker)."""
    from nexusml.coding.output import prediction_table, review_thresholds
    from nexusml.coding.predictions import code_frame
    from nexusml.readers.loader import read_data
    from nexusml.store.tables import write_table

    started = time.perf_counter()
    loaded = read_data(source)
    coded = code_frame(model, loaded.frame, top_k=max(options.top_k, 1))
    thresholds = review_thresholds(model, options.min_confidence)
    table = prediction_table(coded, thresholds, options.top_k)
    # Workers on other machines may write into the same folder: the job cleans leftovers once, before it starts.
    write_table(table, output, raw=options.raw_cells, clean=False)
    to_review = int((table["review_status"] == "pending").sum()) if thresholds is not None else None
    return PartitionResult(
        name=Path(source).name,
        rows=len(table),
        seconds=time.perf_counter() - started,
        source_sha256=loaded.sha256,
        to_review=to_review,
        doubtful=int(coded.doubtful.sum()),
    )


Outcome = PartitionResult | PartitionFailure


def code_partitions(
    model: Any, partitions: list[Partition], options: CodingOptions, manifest: Manifest, client: Any = None
) -> Iterator[tuple[Partition, Outcome]]:
    """Code each partition (here, or on ``client``'s cluster), recording each one that succeeds as it finishes.

    Yields ``(partition, result or failure)`` in the order they finish.  A partition that cannot be read or
    coded is a :class:`PartitionFailure` (the others go on); stopping (ctrl+c) leaves the finished ones recorded.
    """
    outcomes = _here(model, partitions, options) if client is None else _on_cluster(client, model, partitions, options)
    for partition, outcome in outcomes:
        if isinstance(outcome, PartitionResult):
            manifest.record(partition, outcome)
        yield partition, outcome


def _failure(partition: Partition, exc: Exception) -> PartitionFailure:
    """A partition that could not be read or coded (a NexusMLError says why), or whose output could not be written."""
    if isinstance(exc, NexusMLError):
        return PartitionFailure(partition.name, str(exc))
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    return PartitionFailure(partition.name, f"cannot write {partition.output}: {reason}")


def _here(model: Any, partitions: list[Partition], options: CodingOptions) -> Iterator[tuple[Partition, Outcome]]:
    for partition in partitions:
        try:
            yield partition, code_partition(model, str(partition.source), str(partition.output), options)
        except (NexusMLError, OSError) as exc:
            yield partition, _failure(partition, exc)


def _on_cluster(
    client: Any, model: Any, partitions: list[Partition], options: CodingOptions
) -> Iterator[tuple[Partition, Outcome]]:
    from distributed import as_completed

    shared = client.scatter(model, broadcast=True, hash=False)  # once to each worker, not once per partition
    futures = {
        client.submit(
            code_partition,
            shared,
            str(p.source),
            str(p.output),
            options,
            key=f"nexusml-code-{p.name}-{uuid.uuid4().hex}",
        ): p
        for p in partitions
    }
    try:
        for future in as_completed(futures, loop=client.loop):
            partition = futures[future]
            try:
                yield partition, future.result()
            except (NexusMLError, OSError) as exc:
                yield partition, _failure(partition, exc)
    finally:
        client.cancel(list(futures), force=True)
