"""Reading an SSDA903 import's files: CSV files from a directory, a zip or an upload, each recognised
as one of the return's tables by its columns (ssda903/layout.py), and its rows as cells by column."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .layout import COLUMNS, FILE_NAMES, OTHER_TABLES, REQUIRED_TABLES
from .problems import Problem, Report, Source


def files_from_directory(directory: str | Path) -> dict[str, bytes]:
    """Every CSV file in the directory and its subdirectories (a history as one folder per year), by
    its path in the directory."""
    directory = Path(directory)
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith(".")
    }


def files_from_zip(data: bytes, *, max_bytes: int = 500 * 1024 * 1024) -> dict[str, bytes]:
    """Every CSV file in a zip, by its path in the zip. Raises zipfile.BadZipFile if it is not one,
    and ValueError if its files would unpack to more than `max_bytes`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".csv")
            and not PurePosixPath(info.filename).name.startswith(".")
            and "__MACOSX" not in info.filename
        ]
        if sum(info.file_size for info in members) > max_bytes:
            raise ValueError(f"its files come to more than {max_bytes // 1024 // 1024} MB")
        return {info.filename: archive.read(info) for info in members}


def _decode(data: bytes) -> str:
    # UTF-8 (with or without Excel's byte-order mark); else Windows' own encoding, which is what
    # Excel writes "CSV" in. The return's values are codes and digits, so nothing is lost either way.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass
class Table:
    rows: list[tuple[Source, dict[str, str]]] = field(default_factory=list)


def _identify(name: str, heading: list[str]) -> str | None:
    columns = set(heading)
    for table, expected in {**COLUMNS, **OTHER_TABLES}.items():
        if columns == set(expected):
            return table
    stem = PurePosixPath(name).stem.lower()
    for table, file_name in FILE_NAMES.items():
        if stem == file_name.removesuffix(".csv"):
            return table
    # The columns that tell the tables apart (every table has CHILD, most have DOB).
    scores = {t: len(columns & (set(c) - {"CHILD", "DOB"})) for t, c in COLUMNS.items()}
    best = max(scores.values())
    winners = [t for t, s in scores.items() if s == best]
    return winners[0] if best and len(winners) == 1 else None


def read_tables(files: Mapping[str, bytes], report: Report) -> dict[str, Table]:
    tables: dict[str, Table] = defaultdict(Table)
    for name in sorted(files):
        text = _decode(files[name])
        reader = csv.reader(io.StringIO(text, newline=""))
        heading = next(reader, None)
        if heading is None or not any(h.strip() for h in heading):
            report.problems.append(Problem(name, 0, "", "", "The file is empty: it has no heading row"))
            continue
        heading = [h.strip().upper() for h in heading]
        table = _identify(name, heading)
        if table is None:
            expected = "; ".join(f"{FILE_NAMES[t]}: {', '.join(c)}" for t, c in COLUMNS.items())
            report.problems.append(
                Problem(name, 1, "", "", f"The columns are not those of a 903 file this service imports ({expected})")
            )
            continue
        if table in OTHER_TABLES:
            report.notes.append(f"{name} is the return's {table} table, which this service does not hold: left out.")
            continue
        tables[table]  # seen, even if its rows cannot be read
        expected = COLUMNS[table]
        missing = [c for c in expected if c not in heading]
        for column in missing:
            report.problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "",
                    f"The column {column} is missing (the {table} file's columns are {', '.join(expected)})",
                )
            )
        for column in sorted({c for c in heading if c not in expected}):
            report.problems.append(Problem(name, 1, column, "", f"{column} is not a column of the DfE's {table} file"))
        duplicated = sorted({c for c in heading if heading.count(c) > 1 and c in expected})
        for column in duplicated:
            report.problems.append(Problem(name, 1, column, "", f"The column {column} appears more than once"))
        if missing or duplicated:
            continue
        for values in reader:
            row = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(heading):
                report.problems.append(
                    Problem(
                        name,
                        row,
                        "",
                        "",
                        f"The row has {len(values)} values but the heading has {len(heading)} columns",
                    )
                )
                continue
            cells = {c: v.strip() for c, v in zip(heading, values, strict=True) if c in expected}
            tables[table].rows.append((Source(name, row), cells))
    for table in REQUIRED_TABLES:
        if table not in tables:
            report.problems.append(
                Problem(
                    FILE_NAMES[table],
                    0,
                    "",
                    "",
                    f"No {table.lower()} file was given ({FILE_NAMES[table]}, columns {', '.join(COLUMNS[table])})",
                )
            )
    return tables
