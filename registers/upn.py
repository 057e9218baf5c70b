"""The DfE Unique Pupil Number (UPN): format and check letter (contract §1 pupils.csv).

A UPN is 13 characters: a check letter, the 3-digit LA number, the 4-digit establishment
number, the last 2 digits of the year of allocation and a 3-digit serial. A temporary UPN
ends in a letter instead of the serial's last digit. The check letter makes a typo in a
UPN fail the import instead of silently creating a second pupil.
"""

from __future__ import annotations

# A–Z without I, O and S (easily read as 1, 0 and 5). A letter's value is its index; the
# same alphabet gives the check letter and the final letter of a temporary UPN.
_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_DIGITS = "0123456789"
_LENGTH = 13


def _value(char: str) -> int:
    return _DIGITS.index(char) if char in _DIGITS else _LETTERS.index(char)


def check_letter(body: str) -> str:
    """The check letter for characters 2–13 of a UPN.

    Character i (i = 2…13) has weight i; the weighted sum mod 23 indexes `_LETTERS`.
    Since 23 is prime and every weight and digit difference is below it, any single
    changed digit or swap of two adjacent different digits changes the letter.
    """
    total = sum(weight * _value(char) for weight, char in enumerate(body, start=2))
    return _LETTERS[total % len(_LETTERS)]


def upn_error(upn: str) -> str | None:
    """A message saying why `upn` is not a valid UPN, or None if it is."""
    if len(upn) != _LENGTH:
        return f"A UPN has {_LENGTH} characters; this has {len(upn)}."
    if upn != upn.upper():
        return "A UPN is written in capital letters."
    if any(char not in _DIGITS for char in upn[1:12]):
        return "Characters 2 to 12 of a UPN must be digits."
    if upn[12] not in _DIGITS and upn[12] not in _LETTERS:
        return "The last character of a UPN must be a digit or a letter other than I, O or S."
    expected = check_letter(upn[1:])
    if upn[0] != expected:
        return f"The check letter (first character) should be {expected}, not {upn[0]!r}."
    return None


def is_valid_upn(upn: str) -> bool:
    return upn_error(upn) is None


def make_upn(*, la: int, establishment: int, year: int, serial: int) -> str:
    """A permanent UPN with its check letter, e.g. for the demo seeder.

    `year` is the year of allocation (its last two digits are used).
    """
    for name, value, top in (
        ("la", la, 999),
        ("establishment", establishment, 9999),
        ("serial", serial, 999),
    ):
        if not 0 <= value <= top:
            raise ValueError(f"{name} must be between 0 and {top}, not {value}")
    if year < 0:
        raise ValueError(f"year must not be negative, not {year}")
    body = f"{la:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return check_letter(body) + body
