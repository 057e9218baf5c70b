"""Reading a bundle's CSV files: header checks, line numbers and the error log (contract §1)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

# Whole-row and whole-file problems have no single column; these stand in its place.
ROW = "(row)"
FILE = "(file)"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class ErrorLog:
    """Every problem found, as `FILE:LINE: column: message` lines (LINE 1 is the header)."""

    errors: list[str] = field(default_factory=list)

    def add(self, file: str, line: int, column: str, message: str) -> None:
        self.errors.append(f"{file}:{line}: {column}: {message}")

    def __len__(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class FileSpec:
    """A bundle file's name and columns; required columns must be in the header."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


class CsvFile:
    """One CSV file of the bundle, read a row at a time.

    `usable` is False when the header lacks a required column: its rows are then not
    checked, because every one of them would repeat the header's error.
    """

    def __init__(self, *, directory: Path, spec: FileSpec, log: ErrorLog) -> None:
        self.spec = spec
        self.path = directory / spec.name
        self.log = log
        self.index: dict[str, int] = {}
        self.width = 0
        self.usable = False

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for every non-blank row, after checking the header.

        1. Read the header; report unknown, repeated and missing columns.
        2. Yield each row whose cell count matches the header; report the others.
        3. Report a line that is not UTF-8 and skip it; stop at a CSV syntax error.
        """
        with self.path.open("rb") as handle:
            reader = csv.reader(self._decoded(handle))
            try:
                header = next(reader, None)
                if not self._check_header(header):
                    return
                for cells in reader:
                    if len(cells) == self.width:
                        if any(cells):
                            yield reader.line_num, cells
                    elif any(cells):
                        self._error(
                            reader.line_num,
                            ROW,
                            f"has {len(cells)} cells but the header has {self.width} columns; "
                            "every row needs one cell per column (check for stray commas or "
                            "unquoted commas inside a value)",
                        )
            except csv.Error as exc:
                self._error(reader.line_num, ROW, f"is not valid CSV ({exc})")

    def _decoded(self, handle: BinaryIO) -> Iterator[str]:
        """The file's lines as text, decoded one by one so a bad byte names its line.

        An undecodable line is reported and read as blank, keeping the line count.
        """
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self._error(number, ROW, "is not UTF-8 text; save the file as UTF-8 CSV")
                text = "\n"
            yield text.removeprefix("\ufeff") if number == 1 else text

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, {column: stripped value}) with every column of the spec present."""
        absent = dict.fromkeys(self.spec.columns, "")
        for line, cells in self.rows():
            record = dict(absent)
            for column, i in self.index.items():
                record[column] = cells[i].strip()
            yield line, record

    def _check_header(self, header: list[str] | None) -> bool:
        if not header or not any(header):
            self._error(
                1, FILE, f"is empty; expected a header row with {', '.join(self.spec.required)}"
            )
            return False
        names = [name.strip() for name in header]
        self.width = len(names)
        known = set(self.spec.columns)
        for i, name in enumerate(names):
            if name not in known:
                self._error(1, name or f"column {i + 1}", self._unknown_column_message(name))
            elif name in self.index:
                self._error(1, name, "appears twice in the header; keep one")
            else:
                self.index[name] = i
        missing = [name for name in self.spec.required if name not in self.index]
        for name in missing:
            self._error(1, name, "required column is missing from the header")
        self.usable = not missing
        return self.usable

    def _unknown_column_message(self, name: str) -> str:
        expected = ", ".join(self.spec.columns)
        if not name:
            return f"header cell is blank; expected one of: {expected}"
        return f"unknown column; {self.spec.name} has the columns {expected}"

    def _error(self, line: int, column: str, message: str) -> None:
        self.log.add(self.spec.name, line, column, message)


def parse_iso_date(value: str) -> date | None:
    """The date written as YYYY-MM-DD, or None if `value` is not exactly that."""
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def bad_date_message(value: str) -> str:
    return f"{value!r} is not a date; write dates as YYYY-MM-DD, e.g. 2024-09-04"
