"""What an SSDA903 import reports: every problem found in the files, by file, row and column, and
what was written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    file: str
    row: int


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the files. `row` counts the heading as row 1, as a spreadsheet shows it."""

    file: str
    row: int
    column: str
    value: str
    message: str
    rule: str = ""  # the DfE rule's number; "" for the service's own rules
    position: int = field(default=99, compare=False, repr=False)  # of the column in its file

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, f"row {self.row}" if self.row else "", self.column) if part)
        value = f" {self.value!r}" if self.value else " (blank)" if self.column and self.row > 1 else ""
        rule = f" (DfE rule {self.rule})" if self.rule else ""
        return f"{where}{value}: {self.message}{rule}"


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    children_in_files: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    def summary(self) -> list[tuple[str, int, int]]:
        """(what, created, updated) for each kind of record."""
        c = self.counts
        return [
            ("Children", c["children_created"], c["children_updated"]),
            ("Episodes", c["episodes_created"], c["episodes_updated"]),
            ("Reviews held", c["reviews_created"], c["reviews_updated"]),
            ("Missing episodes", c["missing_created"], c["missing_updated"]),
        ]


class Report:
    def __init__(self):
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    @property
    def files_unreadable(self) -> bool:
        """A file could not be read as a table (rows 0 and 1 are the file and its heading)."""
        return any(p.row <= 1 for p in self.problems)

    def add(self, src: Source, cells: Mapping[str, str], column: str, message: str, rule: str = "") -> None:
        position = list(cells).index(column) if column in cells else 99
        self.problems.append(Problem(src.file, src.row, column, cells.get(column, ""), message, rule, position))
