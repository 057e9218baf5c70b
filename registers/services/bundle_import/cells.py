"""Checking the cells of one row of a small bundle file, reporting each problem."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from registers.upn import upn_error

from .csvfiles import ErrorLog, bad_date_message, parse_iso_date

_FLAGS = {"Y": True, "N": False}


class Cells:
    """The values of one CSV record; each reader logs a problem and returns None on error.

    `failed` turns True at the first problem so the caller can drop the row.
    """

    def __init__(self, *, log: ErrorLog, file: str, line: int, record: dict[str, str]) -> None:
        self.log = log
        self.file = file
        self.line = line
        self.record = record
        self.failed = False

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self.log.add(self.file, self.line, column, message)

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        value = self.record[column]
        if required and not value:
            self.error(column, "is required; the cell is blank")
        elif len(value) > max_length:
            self.error(column, f"is {len(value)} characters long; at most {max_length} fit")
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.record[column]
        if not value:
            if required:
                self.error(column, "is required; write the date as YYYY-MM-DD")
            return None
        parsed = parse_iso_date(value)
        if parsed is None:
            self.error(column, bad_date_message(value))
        return parsed

    def choice(self, column: str, choices: Sequence[str], *, default: str = "") -> str | None:
        """One of `choices` exactly (case-sensitive); blank gives `default` if it is set."""
        value = self.record[column]
        if not value and default:
            return default
        if value not in choices:
            shown = f"{value!r}" if value else "blank"
            self.error(column, f"is {shown}; expected one of {', '.join(choices)}")
            return None
        return value

    def flag(self, column: str) -> bool | None:
        """Y or N; blank is None (no value)."""
        value = self.record[column]
        if not value:
            return None
        if value not in _FLAGS:
            self.error(column, f"is {value!r}; expected Y, N or blank")
            return None
        return _FLAGS[value]

    def positive_int(self, column: str) -> int | None:
        value = self.record[column]
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 32767:
            self.error(column, f"is {value!r}; expected a whole number from 1 (1 = first contact)")
            return None
        return int(value)

    def upn(self, column: str = "upn") -> str:
        value = self.record[column]
        if not value:
            self.error(column, "is required; the cell is blank")
        elif message := upn_error(value):
            self.error(column, f"{value!r} is not a valid UPN: {message}")
        return value

    def email(self, column: str) -> str:
        value = self.text(column, max_length=254)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(column, f"{value!r} is not an email address")
        return value
