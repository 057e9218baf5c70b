"""Threshold episodes (rules §0.5, §3.3 item 5) on the §6.0 calendar, hand-checked.

School weeks used here: SW3 = w/c 16 Sep 2024, SW8 = 21 Oct, SW9 = 4 Nov, SW12 =
25 Nov, SW15 = 16 Dec, SW16 = 6 Jan 2025, SW17 = 13 Jan, SW24 = 10 Mar, SW25 = 17 Mar.
A window is the 10 school weeks ending with the met session's week, or with today's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from escalation import rules as r
from escalation.dashboard.flags import FLAGS_BY_SLUG, Filters, flag_list
from escalation.models import PupilStatus, ThresholdDecision
from escalation.services.status import status_recompute_full, status_recompute_pupils
from escalation.services.support import threshold_decision_record
from registers.models import Pupil, School, User
from registers.rules import CalendarRange, Half, SchoolWeeks, calendar_sessions
from tests.conftest import FIXTURE_CALENDAR
from tests.escalation.helpers import fill, sessions_between, write
from tests.registers.factories import EnrolmentFactory, PupilFactory

D = dt.date.fromisoformat
AM, PM = Half.AM, Half.PM
SESSIONS = calendar_sessions(
    CalendarRange(D(start), D(end), kind, frozenset(Half[h] for h in halves.split()))
    for start, end, kind, halves, _label in FIXTURE_CALENDAR
)
WEEKS = SchoolWeeks.from_dates(day for day, _half in SESSIONS)


def marks(start: str, end: str, code: str, halves=(AM, PM)) -> list[tuple[dt.date, Half, str]]:
    """`code` on every fixture session from start to end inclusive."""
    return [(d, h, code) for d, h in SESSIONS if D(start) <= d <= D(end) and h in halves]


S8 = marks("2025-03-10", "2025-03-14", "G")  # a week of refused holiday: SW24
S9 = marks("2024-09-16", "2024-09-17", "O") + marks("2024-09-18", "2024-09-18", "O", [AM])
S9 += marks("2024-11-25", "2024-11-26", "O") + marks("2024-11-27", "2024-11-27", "O", [AM])
S12 = marks("2025-01-13", "2025-01-17", "N")  # SW17, no contact all week
AFTER_S8 = marks("2025-03-17", "2025-03-21", "O")  # SW25


def test_the_fixture_numbers_its_school_weeks_as_the_rules_file() -> None:
    assert [WEEKS.number(D(day)) for day in ("2024-09-16", "2024-11-25", "2025-03-10")] == [
        3,
        12,
        24,
    ]
    assert WEEKS.number(D("2025-07-21")) == 40


@pytest.mark.parametrize(
    ("name", "qualifying", "as_of", "boundaries", "expected"),
    [
        (
            "S8: met on the 10th G, in one week",
            S8, "2025-03-14", [],
            r.Episode(True, D("2025-03-14"), False, D("2024-12-16"), D("2025-03-16"), 10, 0,
                      (D("2025-03-14"), PM), False),
        ),
        (
            "S8 before Friday: 8 sessions, 2 more would meet it",
            S8, "2025-03-13", [],
            r.Episode(False, None, False, D("2024-12-16"), D("2025-03-16"), 8, 2, None, False),
        ),
        (
            "S8 three months on: the window holds none, the episode still awaits a decision",
            S8, "2025-06-20", [],
            r.Episode(True, D("2025-03-14"), False, D("2024-12-16"), D("2025-03-16"), 10, 0,
                      (D("2025-03-14"), PM), False),
        ),
        (
            "S8 decided: the next episode starts empty although the window still holds 10",
            S8, "2025-03-14", [(D("2025-03-14"), PM)],
            r.Episode(False, None, False, D("2024-12-16"), D("2025-03-16"), 0, 10, None, False),
        ),
        (
            "S8 decided, then 2 O on Monday 17 March: 2 count, 8 more would meet it",
            S8 + AFTER_S8[:2], "2025-03-17", [(D("2025-03-14"), PM)],
            r.Episode(False, None, False, D("2025-01-06"), D("2025-03-23"), 2, 8, None, False),
        ),
        (
            "S8 decided, then a week of O: a new episode met on Friday 21 March",
            S8 + AFTER_S8, "2025-03-21", [(D("2025-03-14"), PM)],
            r.Episode(True, D("2025-03-21"), False, D("2025-01-06"), D("2025-03-23"), 10, 0,
                      (D("2025-03-21"), PM), False),
        ),
        (
            "S9: the half term is no school week, met on Wed 27 Nov AM",
            S9, "2024-11-29", [],
            r.Episode(True, D("2024-11-27"), False, D("2024-09-16"), D("2024-12-01"), 10, 0,
                      (D("2024-11-27"), AM), False),
        ),
        (
            "S9 with a boundary after the first block: 5 count (and 5 never met it)",
            S9, "2024-11-29", [(D("2024-09-18"), AM)],
            r.Episode(False, None, False, D("2024-09-16"), D("2024-12-01"), 5, 5, None, True),
        ),
        (
            "S12: ten N meet it provisionally",
            S12, "2025-01-17", [],
            r.Episode(True, D("2025-01-17"), True, D("2024-10-21"), D("2025-01-19"), 10, 0,
                      (D("2025-01-17"), PM), False),
        ),
        (
            "S12 branch c: the N re-coded O, met on the same day and no longer provisional",
            marks("2025-01-13", "2025-01-17", "O"), "2025-01-24", [],
            r.Episode(True, D("2025-01-17"), False, D("2024-10-21"), D("2025-01-19"), 10, 0,
                      (D("2025-01-17"), PM), False),
        ),
        (
            "S12 branch a, decided before the N were re-coded I: the decision is withdrawn",
            [], "2025-01-20", [(D("2025-01-17"), PM)],
            r.Episode(False, None, False, D("2024-11-04"), D("2025-01-26"), 0, 10, None, True),
        ),
        (
            "S12 branch d, decided: 9 remain, the decided episode is no longer met",
            [m for m in S12 if m[:2] != (D("2025-01-15"), PM)], "2025-01-20",
            [(D("2025-01-17"), PM)],
            r.Episode(False, None, False, D("2024-11-04"), D("2025-01-26"), 0, 10, None, True),
        ),
    ],
)  # fmt: skip
def test_the_current_episode(name, qualifying, as_of, boundaries, expected) -> None:
    episode = r.threshold_episode(
        qualifying=qualifying, weeks=WEEKS, as_of=D(as_of), boundaries=boundaries
    )
    assert episode == expected, name


def test_a_decided_episode_reaching_before_the_loaded_sessions_is_not_judged() -> None:
    episode = r.threshold_episode(
        qualifying=[],
        weeks=WEEKS,
        as_of=D("2025-09-10"),
        boundaries=[(D("2025-07-14"), AM)],
        known_from=D("2025-07-01"),
    )
    assert not episode.decided_withdrawn


# --- Stored statuses and recorded decisions -------------------------------------------


@pytest.fixture
def pupil(school: School) -> Pupil:
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, admission_date=D("2024-09-01"))
    fill(school, pupil, "2024-09-03", "2025-03-21")
    return pupil


def _recompute(school: School, pupil: Pupil, as_of: str) -> PupilStatus:
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=D(as_of))
    return PupilStatus.objects.get(school=school, pupil=pupil)


def _decide(school: School, pupil: Pupil, user: User, on: str) -> ThresholdDecision:
    decision = ThresholdDecision(
        support_appropriate="no",
        sufficient_support_provided="n/a",
        penalty_best_tool="yes",
        equality_considerations="None identified.",
        outcome="penalty",
        rationale="A week's holiday after leave was refused.",
    )
    return threshold_decision_record(
        decision=decision, school=school, pupil=pupil, user=user, today=D(on)
    )


@pytest.mark.django_db
def test_a_decision_closes_the_episode_and_the_next_counts_after_it(
    school: School, pupil: Pupil, lead: User
) -> None:
    write(school, pupil, [(d, h.name, c) for d, h, c in S8])
    status = _recompute(school, pupil, "2025-03-14")
    assert status.decision_needed and status.threshold_episode_met_on == D("2025-03-14")
    decision = _decide(school, pupil, lead, "2025-03-14")
    assert (decision.met_on, decision.last_session_on, decision.last_session_pm) == (
        D("2025-03-14"),
        D("2025-03-14"),
        True,
    )
    assert (decision.window_start, decision.window_end) == (D("2024-12-16"), D("2025-03-16"))
    assert decision.sessions_in_window == 10
    status = PupilStatus.objects.get(school=school, pupil=pupil)
    assert status.threshold_met_now and not status.decision_needed
    assert status.threshold_episode_sessions_to_meet == 10
    with pytest.raises(ValidationError):
        _decide(school, pupil, lead, "2025-03-14")

    write(school, pupil, [(d, h.name, c) for d, h, c in AFTER_S8[:2]])
    status = _recompute(school, pupil, "2025-03-17")
    assert not status.decision_needed
    assert (status.threshold_episode_sessions, status.threshold_episode_sessions_to_meet) == (2, 8)
    write(school, pupil, [(d, h.name, c) for d, h, c in AFTER_S8[2:]])
    status = _recompute(school, pupil, "2025-03-21")
    assert status.decision_needed and status.threshold_episode_met_on == D("2025-03-21")
    second = _decide(school, pupil, lead, "2025-03-21")
    assert (second.last_session_on, second.sessions_in_window) == (D("2025-03-21"), 10)
    assert ThresholdDecision.objects.filter(pupil=pupil).count() == 2


@pytest.mark.django_db
def test_a_correction_that_unmeets_a_decided_episode_keeps_the_decision(
    school: School, pupil: Pupil, lead: User
) -> None:
    write(school, pupil, [(d, h.name, c) for d, h, c in S12])
    status = _recompute(school, pupil, "2025-01-17")
    assert status.decision_needed and status.threshold_episode_provisional
    decision = _decide(school, pupil, lead, "2025-01-17")
    assert decision.provisional

    # S12 branch a: on Monday 20 January the parent's evidence of illness arrives.
    write(
        school,
        pupil,
        [(d, h, "I") for d, h in sessions_between(school, "2025-01-13", "2025-01-17")],
    )
    status = _recompute(school, pupil, "2025-01-20")
    assert not status.threshold_met_now and not status.decision_needed
    assert status.threshold_decision_withdrawn
    assert ThresholdDecision.objects.filter(pk=decision.pk).exists()
    result = status_recompute_full(schools=[school], today=D("2025-01-20"))
    assert result.differed == []
    assert PupilStatus.objects.get(school=school, pupil=pupil).threshold_decision_withdrawn


@pytest.mark.django_db
def test_an_unanswered_episode_stays_to_be_decided_after_the_window_moves_on(
    school: School, pupil: Pupil
) -> None:
    write(school, pupil, [(d, h.name, c) for d, h, c in S8])
    status = _recompute(school, pupil, "2025-06-20")
    assert not status.threshold_met_now
    assert status.decision_needed and status.threshold_episode_met_on == D("2025-03-14")
    assert PupilStatus.objects.decision_needed().get() == status


@pytest.mark.django_db
def test_the_decision_needed_list_holds_only_undecided_met_episodes(
    school: School, pupil: Pupil, lead: User
) -> None:
    def names(slug: str) -> list[int]:
        flag = FLAGS_BY_SLUG[slug]
        rows = flag_list(
            school=school, flag=flag, n=flag.n_default, today=D("2025-03-17"), filters=Filters()
        )
        return [s.pupil_id for s in rows]

    write(school, pupil, [(d, h.name, c) for d, h, c in S8])
    _recompute(school, pupil, "2025-03-17")
    assert names("decision-needed") == [pupil.pk] == names("threshold")
    _decide(school, pupil, lead, "2025-03-17")
    assert names("decision-needed") == [] and names("threshold") == [pupil.pk]


@pytest.mark.django_db
def test_the_pupil_page_asks_for_a_decision_only_while_the_episode_is_undecided(
    client: Client, school: School, pupil: Pupil, lead: User
) -> None:
    client.force_login(lead)
    url = reverse("dashboard_pupil", kwargs={"urn": school.urn, "pupil_id": pupil.pk})
    write(school, pupil, [(d, h.name, c) for d, h, c in S12])
    _recompute(school, pupil, "2025-01-17")
    assert "A decision is needed" in client.get(url).content.decode()
    _decide(school, pupil, lead, "2025-01-17")
    page = client.get(url).content.decode()
    assert "A decision is needed" not in page and "10 more would meet it" in page
    write(
        school,
        pupil,
        [(d, h, "I") for d, h in sessions_between(school, "2025-01-13", "2025-01-17")],
    )
    _recompute(school, pupil, "2025-01-20")
    page = client.get(url).content.decode()
    assert "no longer meets the threshold" in page and "A decision is needed" not in page
