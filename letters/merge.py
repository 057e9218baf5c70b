"""Merge fields: the listed names a letter's text may use, and the pure functions that
check and fill them. No database access here; tested table-driven.

A field is written `{{ name }}` (spaces optional). Text is plain: a blank line starts a
new paragraph and a line starting with "- " is a bullet. Filling is all-or-nothing: an
unknown or missing field raises, so a sent letter never carries a blank or a brace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

FIELD_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
STRAY_RE = re.compile(r"\{\{|\}\}|\{%|%\}")


@dataclass(frozen=True)
class MergeField:
    name: str
    label: str
    example: str


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("school_name", "The school's name", "Test School A"),
    MergeField("school_phone", "The school's telephone number", "01234 567890"),
    MergeField("school_email", "The school's email address", "office@school.example"),
    MergeField("guardian_name", "The parent or carer the letter is addressed to", "Alex Example"),
    MergeField("pupil_name", "The pupil's full name", "Sam Example"),
    MergeField("pupil_forename", "The pupil's first name", "Sam"),
    MergeField("year_group", "The pupil's year group", "Year 4"),
    MergeField("letter_date", "The date of the letter", "3 March 2025"),
    MergeField("figures_date", "The date the figures are as at", "28 February 2025"),
    MergeField("attendance_rate", "Attendance this school year, in per cent", "91.3"),
    MergeField("concern_rate", "The school's expected attendance, in per cent", "96"),
    MergeField("sessions_possible", "Sessions (half days) possible this year", "230"),
    MergeField("sessions_attended", "Sessions attended this year", "210"),
    MergeField("sessions_missed", "Sessions missed this year", "20"),
    MergeField("days_missed", "School days missed this year (sessions ÷ 2)", "10"),
    MergeField("authorised_sessions", "Sessions of authorised absence this year", "14"),
    MergeField("unauthorised_sessions", "Sessions of unauthorised absence this year", "6"),
    MergeField("illness_sessions", "Sessions missed through illness this year", "10"),
    MergeField("late_count", "Late arrivals counted in the lateness period", "11"),
    MergeField("late_before_close", "Late before the register closed (L), in the period", "8"),
    MergeField("late_after_close", "Late after the register closed (U), in the period", "3"),
    MergeField("lateness_period", "The period the late arrivals are counted over", "this half term"),
    MergeField("lateness_limit", "The number of late arrivals that prompts a letter", "10"),
    MergeField("threshold_sessions", "Unauthorised sessions in the threshold window", "10"),
    MergeField("threshold_window", "The 10 school weeks of the threshold window", "6 January to 14 March 2025"),
    MergeField("threshold_met_on", "The date the national threshold was met", "12 March 2025"),
    MergeField("improvement_start", "First day of the improvement period", "17 March 2025"),
    MergeField("improvement_end", "Last day of the improvement period", "2 May 2025"),
    MergeField("improvement_weeks", "Length of the improvement period, in school weeks", "6"),
    MergeField("improvement_target", "What sufficient improvement looks like", "no unauthorised absence"),
    MergeField("meeting_arrangements", "When and where the meeting is", "on 10 March 2025 at 9:00 in the school office"),
    MergeField("leave_dates", "The dates of the leave requested", "2 to 6 June 2025"),
    MergeField("leave_school_days", "School days of leave requested", "5"),
    MergeField("leave_decision", "Granted or refused", "refused"),
    MergeField("leave_decision_reason", "The reason given for the decision", "The request does not describe exceptional circumstances."),
    MergeField("leave_decided_by", "Who decided the request", "Pat Head, Headteacher"),
    MergeField("staff_contact_name", "The named member of staff to contact", "Jo Lead"),
    MergeField("staff_contact_position", "Their position", "Attendance lead"),
    MergeField("signatory_name", "Who signs the letter", "Pat Head"),
    MergeField("signatory_position", "Their position", "Headteacher"),
)  # fmt: skip

FIELD_NAMES: frozenset[str] = frozenset(f.name for f in MERGE_FIELDS)
EXAMPLE_VALUES: dict[str, str] = {f.name: f.example for f in MERGE_FIELDS}


class MergeError(ValueError):
    """Text that cannot become a letter: unknown, missing or malformed fields."""


def fields_used(text: str) -> list[str]:
    """The field names `text` uses, in order of first use."""
    seen: dict[str, None] = {}
    for match in FIELD_RE.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def text_errors(text: str, *, allowed: frozenset[str] = FIELD_NAMES) -> list[str]:
    """Why `text` cannot be saved as letter text; empty when it can."""
    errors = [
        f"“{{{{ {name} }}}}” is not a merge field this letter can use."
        for name in fields_used(text)
        if name not in allowed
    ]
    if STRAY_RE.search(FIELD_RE.sub("", text)):
        errors.append("Unmatched braces: write a merge field as {{ field_name }}.")
    return errors


def merge(text: str, values: Mapping[str, str]) -> str:
    """`text` with every field replaced by its value; raises MergeError if any is
    unknown, has no value or is empty, or the text has stray braces."""
    errors = text_errors(text, allowed=frozenset(values))
    missing = [n for n in fields_used(text) if n in values and not str(values[n]).strip()]
    errors += [f"“{name}” has no value for this letter." for name in missing]
    if errors:
        raise MergeError(" ".join(errors))
    return FIELD_RE.sub(lambda m: str(values[m.group(1)]), text)


@dataclass(frozen=True)
class Block:
    """A paragraph (`items` of one line) or a bulleted list (`items` of several)."""

    kind: str  # "p" or "ul"
    items: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """Plain text as paragraphs and bulleted lists (blank line = new paragraph)."""
    found: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            found.append(Block("ul", tuple(line[2:].strip() for line in lines)))
        else:
            found.append(Block("p", (" ".join(lines),)))
    return found
