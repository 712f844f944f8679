"""The rows of an SSDA903 import, kept on disk between reading and checking: a child's rows are spread
through every file (a history is one return per year), so they are gathered by child here, and given
back a batch of children at a time, so that the memory an import takes does not grow with the history.

The rows are kept in a temporary SQLite database of the process's own (Python's sqlite3, whatever
the service's database), which spills to a nameless temporary file as it grows: SQLite removes it
when the import ends, and it never takes part in the import's transaction.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections import defaultdict
from collections.abc import Iterator

from .problems import Source
from .reading import Table

_WRITE_EVERY = 1_000  # rows buffered before they are written to the file
_SCHEMA = """
    CREATE TABLE row (
        seq INTEGER PRIMARY KEY,  -- the order the rows were read in: by file, then by row
        file INTEGER NOT NULL,
        tbl TEXT NOT NULL,
        child TEXT NOT NULL,
        line INTEGER NOT NULL,
        cells BLOB NOT NULL  -- the row's values (marshal), in the order of its file's columns
    );
"""


class StagedRows:
    """The rows read, by table, to be given back by child. Use as a context manager."""

    def __init__(self):
        # SQLite's own temporary database (an empty name): a file no path reaches, deleted by SQLite
        # when the connection closes or the process dies, so children's rows never outlive the import.
        self.db = sqlite3.connect("", isolation_level=None)
        # A scratch file: nothing to recover after a crash, so no journal and no waiting for the disk.
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute(_SCHEMA)
        self.db.execute("BEGIN")
        self._buffer: list[tuple] = []
        # Each file's name and columns, kept once rather than with each of its rows.
        self._files: dict[int, tuple[str, tuple[str, ...]]] = {}
        self.children = 0

    def __enter__(self) -> StagedRows:
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()

    def add(self, file: int, table: str, src: Source, cells: dict[str, str]) -> None:
        self._files.setdefault(file, (src.file, tuple(cells)))
        self._buffer.append((file, table, cells["CHILD"], src.row, marshal.dumps(tuple(cells.values()))))
        if len(self._buffer) >= _WRITE_EVERY:
            self._flush()

    def discard(self, file: int) -> None:
        """Forget the rows of one file (read again in another encoding, or not readable after all)."""
        self._buffer = [row for row in self._buffer if row[0] != file]
        self.db.execute("DELETE FROM row WHERE file = ?", (file,))

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO row (file, tbl, child, line, cells) VALUES (?, ?, ?, ?, ?)", self._buffer)
        self._buffer = []

    def sort(self) -> None:
        """Number the children once every row is read: in the order of their first header row (the order
        the import creates them in), then those with no header row."""
        self._flush()
        self.db.execute("COMMIT")
        self.db.executescript(
            """
            CREATE INDEX row_child ON row (child, seq);
            CREATE TABLE child (n INTEGER PRIMARY KEY, child TEXT NOT NULL);
            INSERT INTO child (child)
                SELECT child FROM row
                GROUP BY child
                ORDER BY min(CASE WHEN tbl = 'Header' THEN seq END) IS NULL,
                         min(CASE WHEN tbl = 'Header' THEN seq END), min(seq);
            """
        )
        self.children = self.db.execute("SELECT count(*) FROM child").fetchone()[0]

    def batches(self, size: int) -> Iterator[dict[str, Table]]:
        """The rows of `size` children at a time, by table, each table's rows in the order they were read."""
        for first in range(1, self.children + 1, size):
            tables: dict[str, Table] = defaultdict(Table)
            rows = self.db.execute(
                """
                SELECT row.file, row.tbl, row.line, row.cells FROM child JOIN row ON row.child = child.child
                WHERE child.n BETWEEN ? AND ? ORDER BY row.seq
                """,
                (first, first + size - 1),
            )
            for file, table, line, cells in rows:
                name, columns = self._files[file]
                tables[table].rows.append((Source(name, line), dict(zip(columns, marshal.loads(cells), strict=True))))
            yield tables
