"""Tests for UPN validation: the DfE check letter and the 13-character format."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registers.upn import is_valid_upn, make_upn, upn_error


@pytest.mark.parametrize(
    "upn",
    [
        "U919200124501",  # the example bundle's pupils
        "H919200124502",
        "X919200124503",
        "B801200005001",  # python-stdnum's documented example
        "P207000016049",  # a published worked example, once its arithmetic is corrected
        "E91920012450A",  # temporary UPN: a final A has value 0
        "Q91920012450Z",  # temporary UPN: a final Z has value 22
    ],
)
def test_it_accepts_valid_upns(upn: str) -> None:
    assert upn_error(upn) is None
    assert is_valid_upn(upn)


@pytest.mark.parametrize(
    ("upn", "message"),
    [
        ("A801200005001", "should be B"),
        ("Q207000016049", "should be P"),
        ("U91920012450", "13 characters"),
        ("U9192001245011", "13 characters"),
        (" U919200124501", "13 characters"),
        ("", "13 characters"),
        ("u919200124501", "capital letters"),
        ("E91920012450a", "capital letters"),
        ("U91920A124501", "must be digits"),
        ("U919200124５01", "must be digits"),  # a full-width digit is not a digit here
        ("E91920012450I", "other than I, O or S"),
        ("E91920012450-", "other than I, O or S"),
        ("1919200124501", "should be U"),
    ],
)
def test_it_explains_why_a_upn_is_invalid(upn: str, message: str) -> None:
    error = upn_error(upn)
    assert error is not None and message in error
    assert not is_valid_upn(upn)


@pytest.mark.parametrize(
    ("kwargs", "upn"),
    [
        ({"la": 919, "establishment": 2001, "year": 24, "serial": 501}, "U919200124501"),
        ({"la": 919, "establishment": 2001, "year": 2024, "serial": 502}, "H919200124502"),
        ({"la": 801, "establishment": 2000, "year": 5, "serial": 1}, "B801200005001"),
    ],
)
def test_it_makes_upns_with_their_check_letter(kwargs: dict[str, int], upn: str) -> None:
    assert make_upn(**kwargs) == upn
    assert is_valid_upn(upn)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"la": 1000, "establishment": 1, "year": 24, "serial": 1},
        {"la": 919, "establishment": 10000, "year": 24, "serial": 1},
        {"la": 919, "establishment": 1, "year": -1, "serial": 1},
        {"la": 919, "establishment": 1, "year": 24, "serial": 1000},
    ],
)
def test_it_refuses_to_make_a_upn_from_out_of_range_parts(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        make_upn(**kwargs)


upns = st.builds(
    make_upn,
    la=st.integers(0, 999),
    establishment=st.integers(0, 9999),
    year=st.integers(0, 99),
    serial=st.integers(0, 999),
)


@given(upns)
def test_every_made_upn_is_valid(upn: str) -> None:
    assert upn_error(upn) is None


@given(upns, st.integers(1, 12), st.integers(1, 9))
def test_any_single_digit_typo_is_caught(upn: str, position: int, shift: int) -> None:
    typo = str((int(upn[position]) + shift) % 10)
    assert not is_valid_upn(upn[:position] + typo + upn[position + 1 :])


@given(upns, st.integers(1, 11))
def test_swapping_two_adjacent_different_digits_is_caught(upn: str, position: int) -> None:
    a, b = upn[position], upn[position + 1]
    swapped = upn[:position] + b + a + upn[position + 2 :]
    assert is_valid_upn(swapped) is (a == b)
