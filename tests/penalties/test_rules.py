"""The pure rules of penalty notices and notices to improve, table-driven, no database.

Every amount and period rule is tested on both sides of its boundary: day 21 and 22
after receipt, day 28 and 29, a second notice 2 years 364 days and 3 years 1 day after
the first, two parents and two children (rules §4.2–§4.4, §4.6, scenarios S17–S21).
"""

from __future__ import annotations

from datetime import date

import pytest

from penalties import rules
from penalties.rules import Delivery, PenaltyTerms
from registers.rules import CalendarRange, Half, SchoolWeeks, calendar_sessions
from tests.conftest import FIXTURE_CALENDAR

D = date.fromisoformat
NATIONAL = rules.terms_on(rules.NATIONAL_TERMS, on=D("2024-08-19"))
OLD = rules.terms_on(rules.NATIONAL_TERMS, on=D("2024-08-18"))


# --- Amounts by date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "first_reduced", "first_full", "second_reduced", "second_full"),
    [
        ("2013-09-01", 6000, 12000, 6000, 12000),
        ("2024-08-18", 6000, 12000, 6000, 12000),  # the day before SI 2024/210
        ("2024-08-19", 8000, 16000, None, 16000),  # in force
        ("2027-01-01", 8000, 16000, None, 16000),
    ],
)
def test_the_terms_in_force_change_on_19_august_2024(
    on, first_reduced, first_full, second_reduced, second_full
) -> None:
    terms = rules.terms_on(rules.NATIONAL_TERMS, on=D(on))
    assert (
        terms.first_reduced_pence,
        terms.first_full_pence,
        terms.second_reduced_pence,
        terms.second_full_pence,
    ) == (first_reduced, first_full, second_reduced, second_full)


def test_there_are_no_terms_before_the_first_row() -> None:
    with pytest.raises(LookupError):
        rules.terms_on(rules.NATIONAL_TERMS, on=D("2013-08-31"))


# --- S17: payment windows --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid_on", "day", "amount"),
    [
        ("2024-12-02", 1, 8000),  # the receipt date is day 1
        ("2024-12-22", 21, 8000),  # last day of the reduced period
        ("2024-12-23", 22, 16000),  # first day after it
        ("2024-12-29", 28, 16000),  # last day of the full period
        ("2024-12-30", 29, None),  # outside: payment does not discharge liability
    ],
)
def test_s17_first_notice_payment_windows(paid_on, day, amount) -> None:
    received = D("2024-12-02")
    assert (D(paid_on) - received).days + 1 == day
    options = rules.payment_options(terms=NATIONAL, prior_notices=0, received_on=received)
    due = rules.payment_due(options=options, paid_on=D(paid_on))
    assert (due.amount_pence if due else None) == amount


@pytest.mark.parametrize(
    ("paid_on", "amount"),
    [
        ("2025-03-24", 16000),
        ("2025-04-13", 16000),  # day 21: no reduced amount for a second notice
        ("2025-04-14", 16000),  # day 22
        ("2025-04-20", 16000),  # day 28, the last day
        ("2025-04-21", None),  # day 29
    ],
)
def test_s17_second_notice_is_full_amount_only(paid_on, amount) -> None:
    options = rules.payment_options(terms=NATIONAL, prior_notices=1, received_on=D("2025-03-24"))
    assert [o.reduced for o in options] == [False]
    assert options[0].last_day == D("2025-04-20")
    due = rules.payment_due(options=options, paid_on=D(paid_on))
    assert (due.amount_pence if due else None) == amount


@pytest.mark.parametrize(
    ("prior", "paid_day", "amount"),
    [(0, 21, 6000), (0, 22, 12000), (0, 28, 12000), (0, 29, None), (1, 21, 6000), (1, 22, 12000)],
)
def test_pre_2024_terms_for_historic_records(prior, paid_day, amount) -> None:
    received = D("2023-03-01")
    options = rules.payment_options(terms=OLD, prior_notices=prior, received_on=received)
    paid_on = date.fromordinal(received.toordinal() + paid_day - 1)
    due = rules.payment_due(options=options, paid_on=paid_on)
    assert (due.amount_pence if due else None) == amount


def test_no_payment_options_for_a_third_notice() -> None:
    with pytest.raises(ValueError, match="3-year limit"):
        rules.payment_options(terms=NATIONAL, prior_notices=2, received_on=D("2025-01-06"))


def test_s18_two_parents_two_children_collect_480_and_at_most_640() -> None:
    received = D("2025-01-13")
    notices = [(p, c) for p in ("P1", "P2") for c in ("C1", "C2")]
    assert len(notices) == 4
    paid_day = {"P1": D("2025-02-02"), "P2": D("2025-02-06")}  # day 21, day 25
    total = 0
    for parent, _child in notices:
        options = rules.payment_options(terms=NATIONAL, prior_notices=0, received_on=received)
        total += rules.payment_due(options=options, paid_on=paid_day[parent]).amount_pence
    assert total == 48000
    late = rules.payment_options(terms=NATIONAL, prior_notices=0, received_on=received)
    assert 4 * rules.payment_due(options=late, paid_on=D("2025-02-09")).amount_pence == 64000


# --- Terms validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"first_reduced_pence": 0}, "more than £0"),
        ({"first_reduced_days": 28}, "reduced period must be shorter"),
        ({"first_reduced_pence": 16000}, "reduced amount must be less"),
        ({"second_reduced_pence": 8000}, "needs its period"),
        ({"improvement_weeks": 2}, "3 to 6 school weeks"),
        ({"improvement_weeks": 7}, "3 to 6 school weeks"),
        ({"deemed_receipt_working_days": 11}, "0 to 10 working days"),
    ],
)
def test_it_refuses_bad_terms(change, message) -> None:
    values = {**NATIONAL.__dict__, **change}
    with pytest.raises(ValueError, match=message):
        PenaltyTerms(**values)


# --- Receipt ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delivery", "issued", "posted", "actual", "received", "rule"),
    [
        (Delivery.POST, "2024-11-28", "2024-11-28", "2024-12-02", "2024-12-02", "actual"),
        (Delivery.HAND, "2024-12-02", None, None, "2024-12-02", "hand"),
        (Delivery.EMAIL, "2024-12-02", None, None, "2024-12-02", "email"),
        (Delivery.POST, "2024-12-02", "2024-12-02", None, "2024-12-04", "deemed"),  # Mon → Wed
        (Delivery.POST, "2024-11-28", "2024-11-28", None, "2024-12-02", "deemed"),  # Thu → Mon
        (Delivery.POST, "2024-12-23", "2024-12-24", None, "2024-12-30", "deemed"),  # Christmas
        (Delivery.POST, "2025-04-17", "2025-04-17", None, "2025-04-23", "deemed"),  # Easter
        (Delivery.POST, "2025-05-02", "2025-05-02", None, "2025-05-07", "deemed"),  # May bank hol.
    ],
)
def test_receipt_date_actual_or_deemed(delivery, issued, posted, actual, received, rule) -> None:
    receipt = rules.receipt_date(
        delivery=delivery,
        issued_on=D(issued),
        posted_on=D(posted) if posted else None,
        actual_received_on=D(actual) if actual else None,
    )
    assert receipt.received_on == D(received)
    assert rule in receipt.rule


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"delivery": Delivery.POST}, "posting date"),
        ({"delivery": Delivery.POST, "posted_on": D("2024-12-01")}, "posted before"),
        ({"delivery": Delivery.HAND, "actual_received_on": D("2024-12-01")}, "received before"),
    ],
)
def test_receipt_refuses_impossible_dates(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        rules.receipt_date(issued_on=D("2024-12-02"), **kwargs)


@pytest.mark.parametrize(
    ("year", "holidays"),
    [
        (
            2025,
            {"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
             "2025-12-25", "2025-12-26"},
        ),
        (
            # Christmas on a Saturday, Boxing Day on a Sunday: substitutes on 27 and 28 Dec;
            # New Year's Day on a Saturday: 3 Jan.
            2022,
            {"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-05-30", "2022-08-29",
             "2022-12-27", "2022-12-26"},
        ),
    ],
)  # fmt: skip
def test_bank_holidays(year, holidays) -> None:
    assert rules.bank_holidays(year) == {D(h) for h in holidays}


# --- The 3-year limit (S19–S21) ------------------------------------------------------------------

FIRST, SECOND = D("2024-09-20"), D("2025-06-10")


@pytest.mark.parametrize(
    ("proposed", "history", "count", "breached"),
    [
        # S19: one prior notice → allowed (second-notice rates).
        ("2025-06-10", [FIRST], 1, False),
        # A second notice 2 years 364 days after the first: the first still counts.
        ("2027-09-19", [FIRST], 1, False),
        # 3 years 1 day after the first: it no longer counts.
        ("2027-09-21", [FIRST], 0, False),
        # S20: two prior notices within 3 Feb 2023 – 2 Feb 2026 → no notice.
        ("2026-02-02", [FIRST, SECOND], 2, True),
        # S21: 19 Sep 2027 (period 20 Sep 2024 – 19 Sep 2027) holds both → not allowed.
        ("2027-09-19", [FIRST, SECOND], 2, True),
        # S21: 20 Sep 2027 (period 21 Sep 2024 – 20 Sep 2027) holds one → allowed.
        ("2027-09-20", [FIRST, SECOND], 1, False),
        # S21: 11 Jun 2028 (period 12 Jun 2025 – 11 Jun 2028) holds none → first-notice rates.
        ("2028-06-11", [FIRST, SECOND], 0, False),
        # Two days before: 10 Jun 2025 is still inside (period 10 Jun 2025 – 9 Jun 2028).
        ("2028-06-09", [FIRST, SECOND], 1, False),
        ("2028-06-10", [FIRST, SECOND], 0, False),
        # S20b: the first notice was withdrawn, so only the second is in the history.
        ("2026-02-02", [SECOND], 1, False),
    ],
)
def test_three_year_count(proposed, history, count, breached) -> None:
    assert rules.notices_in_period(issued_on=history, proposed_on=D(proposed)) == count
    assert rules.limit_breached_by(issued_on=history, proposed_on=D(proposed)) is breached


@pytest.mark.parametrize(
    ("proposed", "reduced"),
    [
        ("2027-09-19", []),  # 2 years 364 days after the first: a second notice, £160 only
        ("2027-09-21", [8000]),  # 3 years 1 day after: first-notice rates again
    ],
)
def test_a_second_notice_either_side_of_three_years(proposed, reduced) -> None:
    prior = rules.notices_in_period(issued_on=[FIRST], proposed_on=D(proposed))
    options = rules.payment_options(terms=NATIONAL, prior_notices=prior, received_on=D(proposed))
    assert [o.amount_pence for o in options if o.reduced] == reduced
    assert [o.amount_pence for o in options if not o.reduced] == [16000]


def test_limit_period_is_the_three_years_ending_with_the_date() -> None:
    assert rules.limit_period(proposed_on=D("2027-09-19")) == (D("2024-09-20"), D("2027-09-19"))
    assert rules.limit_period(proposed_on=D("2028-02-29")) == (D("2025-03-01"), D("2028-02-29"))


def test_a_notice_recorded_late_cannot_slip_between_two_others() -> None:
    # Two notices on 1 Jan 2025 and 1 Jun 2026; one dated 1 Dec 2025 would be a third
    # inside 3 years although only one notice is dated before it.
    history = [D("2025-01-01"), D("2026-06-01")]
    assert rules.notices_in_period(issued_on=history, proposed_on=D("2025-12-01")) == 1
    assert rules.limit_breached_by(issued_on=history, proposed_on=D("2025-12-01"))


@pytest.mark.parametrize(
    ("proposed", "history", "lifts"),
    [
        ("2026-02-02", [FIRST, SECOND], "2027-09-20"),
        ("2027-09-20", [FIRST, SECOND], None),
        ("2026-02-02", [SECOND], None),
        ("2026-03-01", [D("2024-02-29"), D("2025-01-01")], "2027-03-01"),
    ],
)
def test_limit_lifts_on(proposed, history, lifts) -> None:
    expected = D(lifts) if lifts else None
    assert rules.limit_lifts_on(issued_on=history, proposed_on=D(proposed)) == expected


@pytest.mark.parametrize(
    ("parent", "child", "history", "count"),
    [
        ("P1", "C1", {("P1", "C1"): [FIRST]}, 1),
        ("P1", "C2", {("P1", "C1"): [FIRST]}, 0),  # S19: the limit is per parent per child
        ("P2", "C1", {("P1", "C1"): [FIRST]}, 0),
        ("P2", "C2", {("P1", "C1"): [FIRST], ("P2", "C2"): [FIRST, SECOND]}, 2),
    ],
)
def test_the_count_is_per_parent_per_child(parent, child, history, count) -> None:
    dates = history.get((parent, child), [])
    assert rules.notices_in_period(issued_on=dates, proposed_on=D("2026-02-02")) == count


# --- Improvement period ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def weeks() -> SchoolWeeks:
    """The school weeks of the §6.0 fixture calendar."""
    ranges = [
        CalendarRange(
            start=D(start), end=D(end), kind=kind, halves=frozenset({Half[s]} if s else ())
        )
        for start, end, kind, s, _label in FIXTURE_CALENDAR
    ]
    return SchoolWeeks.from_dates(d for d, _h in calendar_sessions(ranges))


@pytest.mark.parametrize(
    ("issued", "school_weeks", "start", "end"),
    [
        # Issued Fri 10 Jan 2025: starts Mon 13 Jan (SW17), 6 weeks SW17–SW22; SW22 is
        # w/c 24 Feb because half term (17–21 Feb) is not a school week.
        ("2025-01-10", 6, "2025-01-13", "2025-02-28"),
        ("2025-01-10", 3, "2025-01-13", "2025-01-31"),
        # Issued Wed 11 Dec 2024: starts Thu 12 Dec (SW14); 3 weeks SW14–SW16 skip Christmas.
        ("2024-12-11", 3, "2024-12-12", "2025-01-10"),
        # Issued Fri 20 Dec 2024, the last day of term: starts Mon 6 Jan 2025.
        ("2024-12-20", 6, "2025-01-06", "2025-02-14"),
        # Ends in the one-session week of Mon 21 Jul 2025 (SW40).
        ("2025-06-13", 6, "2025-06-16", "2025-07-21"),
    ],
)
def test_improvement_period_in_school_weeks(weeks, issued, school_weeks, start, end) -> None:
    period = rules.improvement_period(weeks=weeks, issued_on=D(issued), school_weeks=school_weeks)
    assert (period.start, period.end) == (D(start), D(end))
    assert period.last_week - period.first_week + 1 == school_weeks


@pytest.mark.parametrize(("school_weeks", "error"), [(2, ValueError), (7, ValueError)])
def test_improvement_period_is_3_to_6_weeks(weeks, school_weeks, error) -> None:
    with pytest.raises(error):
        rules.improvement_period(weeks=weeks, issued_on=D("2025-01-10"), school_weeks=school_weeks)


def test_improvement_period_needs_the_calendar_to_reach_its_end(weeks) -> None:
    with pytest.raises(LookupError, match="next term"):
        rules.improvement_period(weeks=weeks, issued_on=D("2025-12-01"), school_weeks=6)


@pytest.mark.parametrize(
    ("sessions", "allowed", "met"), [(0, 0, True), (1, 0, False), (2, 2, True)]
)
def test_improvement_met(sessions, allowed, met) -> None:
    assert rules.improvement_met(unauthorised_sessions=sessions, allowed=allowed) is met
