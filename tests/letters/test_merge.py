"""Merge fields, pure: table-driven, no database."""

from __future__ import annotations

import pytest

from letters import merge
from letters.kinds import SPECS


@pytest.mark.parametrize(
    ("text", "used"),
    [
        ("Dear {{ guardian_name }}", ["guardian_name"]),
        (
            "{{pupil_name}} and {{ pupil_name }} and {{  school_name  }}",
            ["pupil_name", "school_name"],
        ),
        ("No fields at all.", []),
    ],
)
def test_it_lists_the_fields_used(text: str, used: list[str]) -> None:
    assert merge.fields_used(text) == used


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Dear {{ parent_name }}", "“{{ parent_name }}” is not a merge field"),
        ("Rate {{ attendance_rate }}% {{ attendance }}", "“{{ attendance }}” is not a merge field"),
        ("Dear {{ guardian_name }", "Unmatched braces"),
        ("Dear guardian_name }}", "Unmatched braces"),
        ("{% if x %}Hello{% endif %}", "Unmatched braces"),
    ],
)
def test_it_refuses_unknown_fields_and_stray_braces(text: str, problem: str) -> None:
    errors = merge.text_errors(text)
    assert any(problem in e for e in errors), errors


def test_every_built_in_wording_uses_only_listed_fields() -> None:
    for kind, spec in SPECS.items():
        assert merge.text_errors(spec.subject) == [], kind
        assert merge.text_errors(spec.body) == [], kind


def test_it_fills_every_field() -> None:
    text = "Dear {{ guardian_name }}, {{ pupil_forename }} is at {{attendance_rate}}%."
    values = {"guardian_name": "Alex", "pupil_forename": "Sam", "attendance_rate": "91.3"}
    assert merge.merge(text, values) == "Dear Alex, Sam is at 91.3%."


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"guardian_name": "Alex"}, "“{{ attendance_rate }}” is not a merge field this letter"),
        ({"guardian_name": "Alex", "attendance_rate": "  "}, "“attendance_rate” has no value"),
    ],
)
def test_it_refuses_to_leave_a_blank(values: dict[str, str], problem: str) -> None:
    with pytest.raises(merge.MergeError, match=problem):
        merge.merge("Dear {{ guardian_name }}: {{ attendance_rate }}%", values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.\n\nTwo\ncontinues.", [("p", ("One.",)), ("p", ("Two continues.",))]),
        ("Intro\n\n- a\n- b\n\nEnd", [("p", ("Intro",)), ("ul", ("a", "b")), ("p", ("End",))]),
        ("\r\n\r\nOnly\r\n", [("p", ("Only",))]),
        ("", []),
    ],
)
def test_it_splits_text_into_paragraphs_and_lists(text: str, expected: list) -> None:
    assert [(b.kind, b.items) for b in merge.blocks(text)] == expected
