"""Reference data: check training codes against the code lists, fill missing service life."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nexusml.config import ReferenceConfig
from nexusml.files import FileReadError

log = logging.getLogger(__name__)


@dataclass
class ReferenceReport:
    loaded: list[str] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    unknown_codes: dict[str, list[str]] = field(default_factory=dict)
    service_life_filled: int = 0

    def summary(self) -> str:
        parts = [f"{len(self.loaded)} reference file(s) loaded"]
        if self.unavailable:
            parts.append(f"{len(self.unavailable)} unavailable")
        for name, codes in self.unknown_codes.items():
            parts.append(f"{len(codes)} {name} code(s) not in the list")
        if self.service_life_filled:
            parts.append(f"service_life filled for {self.service_life_filled} row(s)")
        return ", ".join(parts)


# A code list or a service-life table is a few thousand lines.
MAX_REFERENCE_BYTES = 64 * 2**20


def _read_table(path: Path) -> pd.DataFrame:
    import io

    from nexusml.files import read_regular

    data = read_regular(path, MAX_REFERENCE_BYTES, "a reference table (CSV)")
    table = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig")
    return table.rename(columns=lambda c: str(c).strip().lower())


def _distinct_stripped(column: pd.Series) -> set[str]:
    """The distinct non-null values of ``column`` as stripped strings (deduplicated before any Python loop)."""
    distinct = pd.Series(column.dropna().unique(), dtype=object)
    return set(distinct.astype(str).str.strip().unique())


def apply_reference_data(frame: pd.DataFrame, config: ReferenceConfig) -> tuple[pd.DataFrame, ReferenceReport]:
    """Returns the frame (service_life filled by category) and a report; never fails on a bad reference file."""
    report = ReferenceReport()
    for name, path in config.code_lists.items():
        try:
            table = _read_table(path)
            codes = _distinct_stripped(table["code"])
        except (OSError, KeyError, ValueError, pd.errors.ParserError, FileReadError) as exc:
            reason = "missing 'code' column" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
            report.unavailable[name] = reason
            log.warning("Reference list %s unavailable (%s): %s", name, path, reason)
            continue
        report.loaded.append(name)
        column = config.code_columns.get(name)
        if column and column in frame.columns:
            used = _distinct_stripped(frame[column]) - {""}
            unknown = sorted(used - codes)
            if unknown:
                report.unknown_codes[name] = unknown
                log.warning(
                    "%d %s code(s) in the data are not in %s: %s",
                    len(unknown),
                    name,
                    path.name,
                    ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else ""),
                )
    if config.service_life is not None:
        try:
            table = _read_table(config.service_life)
            lookup = dict(
                zip(table["category_name"].str.strip(), pd.to_numeric(table["service_life_years"]), strict=True)
            )
        except (OSError, KeyError, ValueError, pd.errors.ParserError, FileReadError) as exc:
            reason = "missing columns category_name, service_life_years" if isinstance(exc, KeyError) else str(exc)
            report.unavailable["service_life"] = reason.splitlines()[0]
            log.warning("Service-life table unavailable (%s): %s", config.service_life, reason)
        else:
            report.loaded.append("service_life")
            if "service_life" in frame.columns and "category_name" in frame.columns:
                current = pd.to_numeric(frame["service_life"], errors="coerce")
                fill = frame["category_name"].astype(str).str.strip().map(lookup)
                mask = current.isna() & fill.notna()
                if mask.any():
                    frame = frame.copy()
                    frame["service_life"] = current.where(~mask, fill)
                    report.service_life_filled = int(mask.sum())
    return frame, report
