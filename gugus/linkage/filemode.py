"""File mode: link a CSV of person records and write one cluster id per record.

INPUT columns ``record_id,source,full_name,nik,birth_date,sex,origin_region,phone,passport``;
every column but ``record_id`` may be blank, and other columns are ignored. OUTPUT columns
``record_id,cluster_id``, one row per input record, in input order. The cluster id is the
``record_id`` of the cluster's first record in the input.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gugus.linkage.engine import EngineOptions, LinkageEngine, LinkStats
from gugus.linkage.prepare import parse_birth_date

INPUT_COLUMNS = (
    "record_id",
    "source",
    "full_name",
    "nik",
    "birth_date",
    "sex",
    "origin_region",
    "phone",
    "passport",
)
REQUIRED_COLUMNS = INPUT_COLUMNS
OUTPUT_COLUMNS = ("record_id", "cluster_id")


class InputError(Exception):
    """The input file cannot be linked; the message says why."""


@dataclass
class FileResult:
    """Counts of a file-mode run."""

    records: int
    clusters: int
    bad_dates: int
    stats: LinkStats
    warnings: list[str] = field(default_factory=list)


def read_records(path: str | Path) -> tuple[list[dict[str, str]], int]:
    """Read and check an input CSV.

    Returns:
        The records (only the known columns, stripped) and the number of non-blank birth dates
        that are not valid YYYY-MM-DD dates (they are blanked, so treated as missing).

    Raises:
        InputError: unreadable file, missing column, blank or repeated record_id.
    """
    path = Path(path)
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    records: list[dict[str, str]] = []
    bad_dates = 0
    seen: set[str] = set()
    with fh:
        try:
            reader = csv.reader(fh)
            header = next(reader, None)
            if not header:
                raise InputError(f"{path} is empty: expected a header row with {', '.join(INPUT_COLUMNS)}.")
            names = [h.strip().lower() for h in header]
            missing = [c for c in REQUIRED_COLUMNS if c not in names]
            if missing:
                raise InputError(
                    f"{path} lacks column(s) {', '.join(missing)}; the header must contain "
                    f"{', '.join(INPUT_COLUMNS)} (values other than record_id may be blank)."
                )
            index = {c: names.index(c) for c in INPUT_COLUMNS}
            for line, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                row = {c: (values[i].strip() if i < len(values) else "") for c, i in index.items()}
                record_id = row["record_id"]
                if not record_id:
                    raise InputError(f"{path}, line {line}: record_id is blank.")
                if record_id in seen:
                    raise InputError(f"{path}, line {line}: record_id {record_id!r} appears twice.")
                seen.add(record_id)
                if row["birth_date"] and parse_birth_date(row["birth_date"]) is None:
                    bad_dates += 1
                    row["birth_date"] = ""
                records.append(row)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InputError(f"Cannot read {path} as UTF-8 CSV: {exc}.") from exc
    if not records:
        raise InputError(f"{path} has a header but no records.")
    return records, bad_dates


def write_clusters(path: str | Path, record_ids: list[str], clusters: list[int]) -> None:
    """Write ``record_id,cluster_id`` rows in input order."""
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(OUTPUT_COLUMNS)
        for record_id, representative in zip(record_ids, clusters, strict=True):
            writer.writerow((record_id, record_ids[representative]))


def link_file(
    input_path: str | Path,
    output_path: str | Path,
    *,
    threshold: float | None = None,
    options: EngineOptions | None = None,
    progress: Callable[[str], None] | None = None,
    backend: str = "duckdb",
) -> FileResult:
    """Link the records of ``input_path`` and write their clusters to ``output_path``."""
    say = progress or (lambda message: print(message, file=sys.stderr))
    records, bad_dates = read_records(input_path)
    say(f"read: {len(records):,} records from {input_path}")
    warnings = []
    if bad_dates:
        warnings.append(
            f"{bad_dates:,} birth_date value(s) are not valid YYYY-MM-DD dates and were treated as missing."
        )
    engine = LinkageEngine(backend=backend, options=options, progress=say)
    clusters = engine.link(records, threshold=threshold, total=len(records))
    write_clusters(output_path, [r["record_id"] for r in records], clusters)
    say(f"wrote: {len(records):,} rows to {output_path}")
    return FileResult(len(records), engine.stats.clusters, bad_dates, engine.stats, warnings)
