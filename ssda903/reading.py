"""Reading an SSDA903 import's files: CSV files from a directory, a zip or an upload, each recognised
as one of the return's tables by its columns (ssda903/layout.py), and its rows as cells by column."""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

from .layout import COLUMNS, FILE_NAMES, OTHER_TABLES, REQUIRED_TABLES
from .problems import Problem, Report, Source

if TYPE_CHECKING:
    from .staging import StagedRows

# A file of the import: its bytes, or a function opening it as a binary stream (read row by row,
# never decoded whole).
FileData = bytes | Callable[[], BinaryIO]


@dataclass(frozen=True)
class Limits:
    """What one import may hold: beyond these an upload is refused with a message, before it can
    fill the memory of the process reading it."""

    upload_bytes: int = 20 * 1024 * 1024  # the files as uploaded, together
    expanded_bytes: int = 200 * 1024 * 1024  # the CSV files, unzipped, together
    rows: int = 300_000  # every file's rows together
    value_chars: int = 1_000  # one value (903 values are codes, dates and ids)


# For files on the server's own disk (import_ssda903): read as streams, so no limit on their size or
# rows is needed (a national history has millions of rows).
UNLIMITED = Limits(upload_bytes=sys.maxsize, expanded_bytes=sys.maxsize, rows=sys.maxsize)


def _csv_paths(directory: str | Path) -> dict[str, Path]:
    directory = Path(directory)
    return {
        p.relative_to(directory).as_posix(): p
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith(".")
    }


def files_from_directory(directory: str | Path) -> dict[str, bytes]:
    """Every CSV file in the directory and its subdirectories (a history as one folder per year), by
    its path in the directory."""
    return {name: path.read_bytes() for name, path in _csv_paths(directory).items()}


def files_in_directory(directory: str | Path) -> dict[str, FileData]:
    """The same files, each opened as a stream when read: a whole history is never held in memory."""
    return {name: partial(path.open, "rb") for name, path in _csv_paths(directory).items()}


def _csv_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(".csv")
        and not PurePosixPath(info.filename).name.startswith(".")
        and "__MACOSX" not in info.filename
    ]


def files_from_zip(source: bytes | str | Path, *, max_bytes: int = Limits.expanded_bytes) -> dict[str, FileData]:
    """Every CSV file in a zip (its bytes, or the path of the zip on disk), by its path in the zip,
    each opened as a stream when read. Raises zipfile.BadZipFile if it is not a zip, and ValueError if
    its files would unpack to more than `max_bytes` (the sizes its directory declares, which
    unpacking cannot exceed: a member longer than declared fails its check)."""
    with _open_zip(source) as archive:
        members = [info.filename for info in _csv_members(archive)]
        expanded = sum(info.file_size for info in _csv_members(archive))
    if expanded > max_bytes:
        raise ValueError(
            f"its files unzip to {size_text(expanded)}, more than the {size_text(max_bytes)} an import may hold"
        )
    return {member: partial(_open_member, source, member) for member in members}


def files_from_uploads(uploads: list[tuple[str, bytes | Path]], limits: Limits) -> tuple[dict[str, FileData], int]:
    """The CSV files of an upload (each file's bytes or its path on disk, by the name it was
    uploaded with), those in a zip named after it too, and how many bytes they unzip to together.
    Raises ValueError with a message naming the file and the limit it breaks."""
    files: dict[str, FileData] = {}
    expanded = 0
    for name, source in uploads:
        if name.lower().endswith(".zip"):
            try:
                with _open_zip(source) as archive:
                    size = sum(info.file_size for info in _csv_members(archive))
                inside = files_from_zip(source, max_bytes=limits.expanded_bytes)
            except zipfile.BadZipFile as error:
                raise ValueError(f"{name} cannot be opened as a zip file: {error}") from None
            except ValueError as error:
                raise ValueError(f"{name}: {error}") from None
            if not inside:
                raise ValueError(f"{name} holds no CSV files")
            files.update({f"{name}/{member}": opener for member, opener in inside.items()})
        elif name.lower().endswith(".csv"):
            size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
            # Each year's files of a history may have the same names: keep every one.
            key, n = name, 1
            while key in files:
                n += 1
                key = f"{name} ({n})"
            files[key] = source if isinstance(source, bytes) else partial(Path(source).open, "rb")
        else:
            raise ValueError(f"{name} is not a CSV file or a zip file")
        expanded += size
        if expanded > limits.expanded_bytes:
            raise ValueError(
                f"The files come to {size_text(expanded)} unzipped by {name}, more than the "
                f"{size_text(limits.expanded_bytes)} an import may hold: import the history in parts"
            )
    return files, expanded


def _open_zip(source: bytes | str | Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)


def _open_member(source: bytes | str | Path, member: str) -> BinaryIO:
    archive = _open_zip(source)
    stream = archive.open(member)
    stream.close_archive = archive.close  # closed with the member (see _stream)
    return stream


def size_text(n: int) -> str:
    if n < 10 * 1024:
        return f"{n:,} bytes"
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


@contextmanager
def _stream(data: FileData):
    stream = io.BytesIO(data) if isinstance(data, bytes) else data()
    try:
        yield stream
    finally:
        stream.close()
        getattr(stream, "close_archive", lambda: None)()


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


@dataclass
class _File:
    table: str | None = None
    rows: int = 0  # kept in the staged rows
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _rows(stream: BinaryIO, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """The file's rows (with the row number of each), read through a text wrapper a block at a time."""
    text = io.TextIOWrapper(
        stream, encoding=encoding, errors="strict" if encoding == "utf-8-sig" else "replace", newline=""
    )
    reader = csv.reader(text)
    for values in reader:
        yield reader.line_num, values


def _read_file(
    name: str, data: FileData, *, encoding: str, limits: Limits, rows_left: int, staged: StagedRows, file: int
) -> _File:
    """The file's problems and notes; its rows go to `staged`, as the `file`th file."""
    read = _File()
    with _stream(data) as stream:
        rows = _rows(stream, encoding)
        try:
            heading = next(rows, (0, None))[1]
        except csv.Error as error:
            read.problems.append(Problem(name, 1, "", "", f"The heading row cannot be read as CSV ({error})"))
            return read
        if heading is None or not any(h.strip() for h in heading):
            read.problems.append(Problem(name, 0, "", "", "The file is empty: it has no heading row"))
            return read
        heading = [h.strip().upper() for h in heading]
        table = _identify(name, heading)
        if table is None:
            expected = "; ".join(f"{FILE_NAMES[t]}: {', '.join(c)}" for t, c in COLUMNS.items())
            read.problems.append(
                Problem(name, 1, "", "", f"The columns are not those of a 903 file this service imports ({expected})")
            )
            return read
        if table in OTHER_TABLES:
            read.notes.append(f"{name} is the return's {table} table, which this service does not hold: left out.")
            return read
        read.table = table
        expected = COLUMNS[table]
        missing = [c for c in expected if c not in heading]
        for column in missing:
            read.problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "",
                    f"The column {column} is missing (the {table} file's columns are {', '.join(expected)})",
                )
            )
        for column in sorted({c for c in heading if c not in expected}):
            read.problems.append(Problem(name, 1, column, "", f"{column} is not a column of the DfE's {table} file"))
        duplicated = sorted({c for c in heading if heading.count(c) > 1 and c in expected})
        for column in duplicated:
            read.problems.append(Problem(name, 1, column, "", f"The column {column} appears more than once"))
        if missing or duplicated:
            return read
        row = 1
        while True:
            try:
                row, values = next(rows, (None, None))
            except csv.Error:
                # The csv module's own limit on a value (128 KB), far beyond ours: the row cannot be read.
                read.problems.append(_too_long(name, row + 1, limits))
                return read
            if values is None:
                return read
            if not any(v.strip() for v in values):
                continue
            if read.rows >= rows_left:
                read.problems.append(
                    Problem(
                        name,
                        0,
                        "",
                        "",
                        f"The files have more than {limits.rows:,} rows together, the most one "
                        "import may hold: import the history in parts (a few years at a time)",
                    )
                )
                return read
            if len(values) != len(heading):
                read.problems.append(
                    Problem(
                        name,
                        row,
                        "",
                        "",
                        f"The row has {len(values)} values but the heading has {len(heading)} columns",
                    )
                )
                continue
            if any(len(v) > limits.value_chars for v in values):
                read.problems.append(_too_long(name, row, limits))
                continue
            cells = {c: v.strip() for c, v in zip(heading, values, strict=True) if c in expected}
            staged.add(file, table, Source(name, row), cells)
            read.rows += 1


def _too_long(name: str, row: int, limits: Limits) -> Problem:
    return Problem(
        name,
        row,
        "",
        "",
        f"A value in this row is longer than {limits.value_chars:,} characters, "
        "the most a 903 value may have: the file is not a 903 file, or its columns have run together",
    )


def read_tables(
    files: Mapping[str, FileData], report: Report, staged: StagedRows, limits: Limits = Limits()
) -> dict[str, int]:
    """The number of rows of each table given, each file streamed row by row into `staged`. UTF-8
    (with or without Excel's byte-order mark); else Windows' own encoding, which is what Excel writes
    "CSV" in. The return's values are codes and digits, so nothing is lost either way."""
    tables: dict[str, int] = defaultdict(int)
    rows_left = limits.rows
    for file, name in enumerate(sorted(files)):
        read_file = partial(_read_file, name, files[name], limits=limits, rows_left=rows_left, staged=staged, file=file)
        try:
            try:
                read = read_file(encoding="utf-8-sig")
            except UnicodeDecodeError:
                staged.discard(file)
                read = read_file(encoding="cp1252")
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            staged.discard(file)
            read = _File(problems=[Problem(name, 0, "", "", f"The file cannot be read from its zip ({error})")])
        report.problems += read.problems
        report.notes += read.notes
        if read.table:
            tables[read.table] += read.rows  # seen, even if its rows cannot be read
            rows_left -= read.rows
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
