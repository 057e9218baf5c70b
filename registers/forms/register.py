"""The register form: one row per pupil, usable without JavaScript.

Per pupil `p` the form has `code-p` (a select of every 2024 code), `arrival-p` (arrival
time of a late pupil), `minutes-p` (minutes late), and the hidden `was_code-p` and
`was_minutes-p`: what the row showed when the page was loaded, the baseline that
`register_save` compares with the stored mark to detect someone else's save. After a
conflict, `resolving` lists the pupils whose `resolve-p` ("theirs" or "mine") decides.

Rows are rendered by the template from `RegisterRow`s rather than Django's widget
templates: thirty selects of 35 options each would otherwise dominate the page's cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from django import forms
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from registers.codes import CODE_TABLE, CODES, LATE_CODES, Category, Group
from registers.register_rules import (
    MAX_MINUTES_LATE,
    PRESENT_CODES,
    Slot,
    normalise_code,
    parse_clock,
    present_code,
    slot_for_arrival,
)
from registers.selectors.register import RegisterPupil, RegisterSheet
from registers.services.register import Conflict

THEIRS, MINE = "theirs", "mine"
_ARRIVAL_CODES = frozenset({*PRESENT_CODES.values(), *LATE_CODES})


def code_kind(code: str) -> str:
    """How the live counts group a code: present, late, absent, not counted, or unmarked."""
    if not code:
        return "unmarked"
    if code in LATE_CODES:
        return "late"
    category = CODES[code].category
    if category in (Category.PRESENT, Category.AEA):
        return "present"
    if category is Category.NOT_POSSIBLE:
        return "not_counted"
    return "absent"


CODE_INFO = {c.code: {"meaning": c.meaning, "kind": code_kind(c.code)} for c in CODE_TABLE}


@cache
def code_options(selected: str) -> SafeString:
    """The `<option>`s of the code picker, grouped as on DfE code sheets, one selected."""
    parts = [f'<option value=""{" selected" if not selected else ""}>Not marked</option>']
    for group in Group:
        parts.append(f'<optgroup label="{escape(group.value)}">')
        for c in CODE_TABLE:
            if c.group is group:
                chosen = " selected" if c.code == selected else ""
                label = escape(f"{c.code} — {c.meaning}")
                parts.append(f'<option value="{escape(c.code)}"{chosen}>{label}</option>')
        parts.append("</optgroup>")
    return mark_safe("".join(parts))  # every value above is escaped


@dataclass(frozen=True)
class ConflictView:
    """A conflicting row as the page explains it."""

    theirs: Slot
    theirs_by: str
    theirs_at: dt.datetime | None
    mine: str
    untouched: bool

    @property
    def theirs_meaning(self) -> str:
        return CODES[self.theirs.code].meaning

    @property
    def mine_meaning(self) -> str:
        return CODES[self.mine].meaning if self.mine in CODES else ""


@dataclass(frozen=True)
class RegisterRow:
    pupil: RegisterPupil
    pid: str  # the pupil's id as text: the template writes it a dozen times per row
    code: str
    arrival: str
    minutes: str
    was_code: str
    was_minutes: str
    errors: list[str]
    conflict: ConflictView | None
    resolve: str

    @property
    def pupil_id(self) -> int:
        return self.pupil.pupil_id

    @property
    def options(self) -> SafeString:
        return code_options(self.code)

    @property
    def kind(self) -> str:
        return code_kind(self.code) if self.code in CODES or not self.code else "unmarked"

    @property
    def meaning(self) -> str:
        return CODES[self.code].meaning if self.code in CODES else ""

    @property
    def pre_entered(self) -> bool:
        """Showing a mark someone entered before the register (kept unless changed)."""
        current = self.pupil.current
        return bool(current and current.pre_entered and current.code == self.code)

    @property
    def late(self) -> bool:
        return self.code in LATE_CODES or bool(self.arrival or self.minutes)


def _text(value: object) -> str:
    return "" if value is None else str(value)


class RegisterForm(forms.Form):
    def __init__(
        self,
        data: QueryDict | Mapping[str, str] | None = None,
        *,
        sheet: RegisterSheet,
        conflicts: Mapping[int, Conflict] | None = None,
    ) -> None:
        super().__init__(data)
        self.sheet = sheet
        self.conflicts = dict(conflicts or {})
        self.names = {p.pupil_id: p.name for p in sheet.pupils}
        self.resolving = self._resolving()
        self.unmarked: list[int] = []
        if self.is_bound:  # an unbound form only renders rows, straight from the sheet
            for p in sheet.pupils:
                self._add_fields(p)
        self.fields["resolving"] = forms.CharField(required=False)

    def _resolving(self) -> list[int]:
        if self.conflicts:
            return list(self.conflicts)
        raw = self.data.get("resolving", "") if self.is_bound else ""
        ids = {int(part) for part in raw.split(",") if part.strip().isdigit()}
        return [pid for pid in self.names if pid in ids]

    def _add_fields(self, p: RegisterPupil) -> None:
        # Codes are plain text fields checked in `clean`: a ChoiceField per row would
        # normalise the 35 choices thirty times over on every request.
        pid = p.pupil_id
        self.fields[f"code-{pid}"] = forms.CharField(required=False)
        self.fields[f"arrival-{pid}"] = forms.CharField(required=False, max_length=8)
        self.fields[f"minutes-{pid}"] = forms.IntegerField(
            required=False, min_value=0, max_value=MAX_MINUTES_LATE
        )
        self.fields[f"was_code-{pid}"] = forms.CharField(required=False)
        self.fields[f"was_minutes-{pid}"] = forms.IntegerField(required=False, min_value=0)
        if pid in self.resolving:
            self.fields[f"resolve-{pid}"] = forms.ChoiceField(
                choices=[(THEIRS, "Keep theirs"), (MINE, "Use mine")],
                required=not self.conflicts,
                error_messages={"required": "Choose whose mark to keep."},
            )

    # --- Validation ------------------------------------------------------------------------

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        self.entries: dict[int, Slot] = {}
        self.baseline: dict[int, Slot | None] = {}
        for pid in self.names:
            was = cleaned.get(f"was_code-{pid}")
            if was and was not in CODES:
                self.add_error(f"was_code-{pid}", "The form was changed: reload the register.")
            self.baseline[pid] = Slot(was, cleaned.get(f"was_minutes-{pid}")) if was else None
            slot = self._row_slot(pid, cleaned)
            if slot is not None:
                self.entries[pid] = slot
        if self.unmarked:
            names = ", ".join(self.names[pid] for pid in self.unmarked)
            raise forms.ValidationError(
                f"Mark every pupil before saving. Not marked yet: {names}.", code="unmarked"
            )
        return cleaned

    def _row_slot(self, pid: int, cleaned: dict[str, object]) -> Slot | None:
        if pid in self.resolving:
            choice = cleaned.get(f"resolve-{pid}")
            if choice == THEIRS and self.baseline[pid] is not None:
                return self.baseline[pid]
        session = self.sheet.session
        code = normalise_code(str(cleaned.get(f"code-{pid}") or ""), session)
        if code and code not in CODES:
            self.add_error(f"code-{pid}", f"“{code}” is not a 2024 attendance code.")
            return None
        typed = str(cleaned.get(f"arrival-{pid}") or "")
        arrival = parse_clock(typed)
        minutes = cleaned.get(f"minutes-{pid}")
        if typed and arrival is None:
            self.add_error(f"arrival-{pid}", "Enter the arrival time as hh:mm, for example 09:05.")
            return None
        if arrival is not None:
            if code and code not in _ARRIVAL_CODES:
                self.add_error(f"arrival-{pid}", f"An arrival time goes with L or U, not {code}.")
                return None
            return slot_for_arrival(
                arrival=arrival, opens=self.sheet.opens, closes=self.sheet.closes, session=session
            )
        if minutes is not None and code not in LATE_CODES:
            self.add_error(f"minutes-{pid}", "Minutes late go with L or U only.")
            return None
        if not code:
            self.unmarked.append(pid)
            return None
        return Slot(code, minutes if isinstance(minutes, int) else None)

    # --- Rendering -------------------------------------------------------------------------

    def rows(self) -> list[RegisterRow]:
        return [self._row(p) for p in self.sheet.pupils]

    def _value(self, name: str) -> str:
        return _text(self.data.get(name))

    def _row(self, p: RegisterPupil) -> RegisterRow:
        pid = p.pupil_id
        if not self.is_bound:
            code = p.current.code if p.current else ""
            minutes = _text(p.current.minutes_late) if p.current else ""
            return RegisterRow(p, str(pid), code, "", minutes, code, minutes, [], None, "")
        errors = [
            str(e)
            for name in (f"code-{pid}", f"arrival-{pid}", f"minutes-{pid}", f"resolve-{pid}")
            for e in self.errors.get(name, [])
        ]
        if pid in self.unmarked:
            errors.append("Not marked yet.")
        return RegisterRow(
            pupil=p,
            pid=str(pid),
            code=self._value(f"code-{pid}"),
            arrival=self._value(f"arrival-{pid}"),
            minutes=self._value(f"minutes-{pid}"),
            was_code=self._value(f"was_code-{pid}"),
            was_minutes=self._value(f"was_minutes-{pid}"),
            errors=errors,
            conflict=self._conflict_view(p) if pid in self.resolving else None,
            resolve=self._value(f"resolve-{pid}") if pid in self.resolving else "",
        )

    def _conflict_view(self, p: RegisterPupil) -> ConflictView | None:
        pid = p.pupil_id
        mine = normalise_code(self._value(f"code-{pid}"), self.sheet.session)
        if (c := self.conflicts.get(pid)) and c.theirs is not None:
            return ConflictView(c.theirs, c.theirs_by, c.theirs_at, c.mine.code, c.untouched)
        was = self._value(f"was_code-{pid}")
        if was not in CODES:
            return None
        minutes = self._value(f"was_minutes-{pid}")
        theirs = Slot(was, int(minutes) if minutes.isdigit() else None)
        stored = p.current
        if stored and stored.slot == theirs:
            return ConflictView(theirs, stored.recorded_by, stored.recorded_at, mine, False)
        return ConflictView(theirs, "", None, mine, False)

    def error_summary(self) -> list[tuple[str, str]]:
        """`(field id, message)` for the error summary at the top of the page."""
        if not self.is_bound:
            return []
        summary = [("", str(e)) for e in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            pid = int(name.split("-")[1]) if "-" in name else None
            who = f"{self.names[pid]}: " if pid in self.names else ""
            summary += [(name, f"{who}{e}") for e in errors]
        return summary


def tally(rows: list[RegisterRow]) -> dict[str, int]:
    """The live counts' starting figures: rows per kind of mark."""
    counts = dict.fromkeys(("present", "late", "absent", "not_counted", "unmarked"), 0)
    for row in rows:
        counts[row.kind] += 1
    return counts


def fill_unmarked_present(data: QueryDict, sheet: RegisterSheet) -> tuple[QueryDict, int]:
    """A copy of `data` with every unmarked row marked present; how many were filled."""
    filled = data.copy()
    count = 0
    for p in sheet.pupils:
        pid = p.pupil_id
        if not filled.get(f"code-{pid}") and not filled.get(f"arrival-{pid}"):
            filled[f"code-{pid}"] = present_code(sheet.session)
            count += 1
    return filled, count


def after_conflict(
    data: QueryDict,
    sheet: RegisterSheet,
    conflicts: list[Conflict],
    stored: Mapping[int, Slot | None],
) -> QueryDict:
    """`data` with the baseline moved to what is stored now, for the form after a conflict.

    The person's own entries stay; the next save compares against the marks they have now
    seen, and the conflicting rows wait for their choice.
    """
    moved = data.copy()
    for pid in (p.pupil_id for p in sheet.pupils):
        slot = stored.get(pid)
        moved[f"was_code-{pid}"] = slot.code if slot else ""
        moved[f"was_minutes-{pid}"] = _text(slot.minutes_late) if slot else ""
    moved["resolving"] = ",".join(str(c.pupil_id) for c in conflicts)
    for c in conflicts:
        moved.pop(f"resolve-{c.pupil_id}", None)
    return moved
