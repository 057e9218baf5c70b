"""`seed_demo` and `demo_seed`: a realistic, deterministic demo that matches national figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase

from registers import rules
from registers.codes import LATE_CODES
from registers.models import (
    Enrolment,
    Guardian,
    Mark,
    Membership,
    Pupil,
    Role,
    School,
    SchoolSession,
    Trust,
    User,
)
from registers.permissions import Capability, schools_for
from registers.services.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_TRUST,
    DemoError,
    DemoSummary,
    demo_seed,
    easter_sunday,
)
from registers.signals import demo_seeded
from registers.upn import is_valid_upn

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 3, 21)  # a Friday in the spring term: most of a year of history


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True, scope="module")
def _register_part_only():
    """These tests are about the register's part of the demo: what other apps add
    through `demo_seeded` is tested in those apps."""
    listeners = list(demo_seeded.receivers)
    demo_seeded.receivers.clear()
    demo_seeded.sender_receivers_cache.clear()
    yield
    demo_seeded.receivers[:] = listeners
    demo_seeded.sender_receivers_cache.clear()


def _small(pupils: int = 21, **extra: str) -> str:
    args = ["--pupils", str(pupils), "--today", TODAY.isoformat(), "--seed", "3"]
    for name, value in extra.items():
        args += [f"--{name}", value]
    return _seed(*args)


def _fingerprint() -> tuple[list[tuple], list[tuple], list[tuple]]:
    pupils = list(
        Pupil.objects.order_by("upn").values_list(
            "upn", "forename", "surname", "date_of_birth", "year_group", "fsm", "send", "eal"
        )
    )
    guardians = list(Guardian.objects.order_by("email").values_list("name", "email", "phone"))
    marks = list(
        Mark.objects.order_by("pupil__upn", "date", "session").values_list(
            "pupil__upn", "date", "session", "code_id", "minutes_late"
        )
    )
    return pupils, guardians, marks


def _seeded_fingerprint(seed: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Seed, read everything back, then roll it all away."""
    with transaction.atomic():
        demo_seed(today=TODAY, seed=seed, pupils=14)
        found = _fingerprint()
        transaction.set_rollback(True)
    return found


# --- Options -----------------------------------------------------------------------------


def test_it_seeds_the_number_of_pupils_asked_for() -> None:
    _small(pupils=21)
    assert Pupil.objects.count() == 21
    assert Enrolment.objects.filter(school__urn="140001").count() == 21


def test_it_is_deterministic_for_a_seed() -> None:
    first = _seeded_fingerprint(5)
    assert first == _seeded_fingerprint(5)
    assert first != _seeded_fingerprint(6)


def test_it_prints_a_summary() -> None:
    out = _small()
    assert "21 pupils" in out
    assert "overall absence" in out
    assert "persistently absent" in out


def test_list_logins_prints_every_role_and_seeds_nothing() -> None:
    lines = _seed("--list-logins").splitlines()
    assert [line.split() for line in lines] == [[x.role, x.username] for x in DEMO_LOGINS]
    assert {role.value for role in Role} <= {line.split()[0] for line in lines}
    assert not School.objects.exists()


def test_print_password_prints_only_the_password() -> None:
    assert _seed("--print-password") == DEMO_PASSWORD + "\n"
    assert not User.objects.exists()


def test_if_empty_seeds_an_empty_database_and_then_does_nothing() -> None:
    _seed("--if-empty", "--pupils", "7", "--today", TODAY.isoformat())
    assert Pupil.objects.count() == 7
    before = (Pupil.objects.count(), Mark.objects.count(), User.objects.count())
    out = _seed("--if-empty", "--pupils", "7", "--today", TODAY.isoformat())
    assert "already exists" in out
    assert (Pupil.objects.count(), Mark.objects.count(), User.objects.count()) == before


def test_if_empty_leaves_a_database_with_any_school_alone(school: School) -> None:
    out = _seed("--if-empty", "--pupils", "7")
    assert "already exists" in out
    assert not Pupil.objects.exists()


def test_it_refuses_to_seed_twice() -> None:
    _small(pupils=7)
    with pytest.raises(CommandError, match="already"):
        _small(pupils=7)


@pytest.mark.parametrize(
    "args", [["--pupils", "0"], ["--schools", "0"], ["--years", "-1"], ["--today", "21/03/2025"]]
)
def test_it_refuses_bad_options(args: list[str]) -> None:
    with pytest.raises(CommandError):
        _seed(*args)
    assert not School.objects.exists()


def test_the_service_refuses_bad_options() -> None:
    with pytest.raises(DemoError):
        demo_seed(today=TODAY, pupils=10_000)


def test_several_schools_make_a_trust_with_distinct_urns() -> None:
    _small(pupils=7, schools="3")
    trust = Trust.objects.get(name=DEMO_TRUST)
    assert sorted(trust.schools.values_list("urn", flat=True)) == ["140001", "140002", "140003"]
    assert Pupil.objects.count() == 21
    leader = User.objects.get(username="trust")
    assert schools_for(leader, Capability.VIEW_PUPILS).count() == 3


def test_earlier_years_add_history_for_pupils_then_on_roll() -> None:
    _small(pupils=14, years="1")
    last_year = rules.academic_year(TODAY)[0] - dt.timedelta(days=1)
    old_marks = Mark.objects.filter(date__lte=last_year)
    assert old_marks.exists()
    # This year's Reception class had not started school last year.
    assert not old_marks.filter(pupil__year_group="R").exists()


# --- Logins ------------------------------------------------------------------------------


def test_there_is_a_login_for_every_role_with_the_right_membership() -> None:
    _small()
    school = School.objects.get(urn="140001")
    for role in Role:
        login = next(x for x in DEMO_LOGINS if x.role == role)
        membership = Membership.objects.get(user__username=login.username)
        assert membership.role == role
        if role == Role.TRUST_LEADER:
            assert (membership.school, membership.trust) == (None, school.trust)
        else:
            assert (membership.school, membership.trust) == (school, None)


def test_the_teacher_has_one_class_that_exists() -> None:
    _small()
    membership = Membership.objects.get(user__username="teacher")
    assert membership.registration_groups == "4B"
    assert Enrolment.objects.filter(registration_group="4B").exists()


def test_every_login_takes_the_demo_password_and_has_a_name() -> None:
    _small()
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.first_name and user.last_name
        assert user.position or login.role == "parent"


def test_only_admin_is_staff_and_superuser() -> None:
    _small()
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]
    assert list(User.objects.filter(is_superuser=True).values_list("username", "is_staff")) == [
        ("admin", True)
    ]


def test_the_parent_is_a_guardian_of_two_siblings() -> None:
    _small()
    guardian = Guardian.objects.get(user__username="parent")
    links = guardian.pupil_links.all()
    assert links.count() == 2
    assert all(link.parental_responsibility for link in links)
    assert len({link.pupil.surname for link in links}) == 1


# --- Pupils and guardians ----------------------------------------------------------------


def test_pupils_are_plausible() -> None:
    _small(pupils=70)
    year_start = rules.academic_year(TODAY)[0].year
    for pupil in Pupil.objects.prefetch_related("enrolments"):
        assert is_valid_upn(pupil.upn)
        index = "R123456".index(pupil.year_group)
        assert dt.date(year_start - 5 - index, 9, 1) <= pupil.date_of_birth
        assert pupil.date_of_birth <= dt.date(year_start - 4 - index, 8, 31)
        group = pupil.enrolments.get().registration_group
        assert group in {f"{pupil.year_group}B", f"{pupil.year_group}H"}
    assert Counter(Pupil.objects.values_list("year_group", flat=True)) == dict.fromkeys(
        "R123456", 10
    )


def test_every_pupil_has_a_guardian_with_contact_details() -> None:
    _small(pupils=35)
    for pupil in Pupil.objects.prefetch_related("guardian_links__guardian"):
        links = list(pupil.guardian_links.all())
        assert 1 <= len(links) <= 2
        assert [link.priority for link in links] == list(range(1, len(links) + 1))
        for link in links:
            g = link.guardian
            assert g.email.endswith(("@example.com", "@example.org"))
            assert g.phone.startswith("07700 900") and len(g.phone) == 12
            assert g.address and g.postcode


def test_some_families_share_guardians_between_siblings() -> None:
    _small(pupils=70)
    shared = [g for g in Guardian.objects.all() if g.pupil_links.count() > 1]
    assert shared


# --- Marks -------------------------------------------------------------------------------


def test_marks_fall_only_on_sessions_and_on_roll_dates_and_cover_them_all() -> None:
    _small(pupils=28)
    school = School.objects.get(urn="140001")
    sessions = set(
        SchoolSession.objects.filter(school=school, date__lt=TODAY).values_list("date", "session")
    )
    marked: dict[int, set[tuple[dt.date, str]]] = defaultdict(set)
    for pupil_id, day, half in Mark.objects.values_list("pupil_id", "date", "session"):
        marked[pupil_id].add((day, half))
    for enrolment in Enrolment.objects.all():
        expected = {(d, h) for d, h in sessions if enrolment.is_on_roll(d)}
        assert marked[enrolment.pupil_id] == expected


def test_no_marks_today_or_later() -> None:
    _small()
    assert Mark.objects.exists()
    assert not Mark.objects.filter(date__gte=TODAY).exists()


def test_minutes_late_only_on_late_marks_and_within_the_register_rules() -> None:
    _small(pupils=70)
    late = Mark.objects.filter(code_id__in=LATE_CODES)
    assert not Mark.objects.exclude(code_id__in=LATE_CODES).filter(minutes_late__isnull=False)
    assert all(
        1 <= m <= 30 for m in late.filter(code_id="L").values_list("minutes_late", flat=True)
    )
    assert all(m > 30 for m in late.filter(code_id="U").values_list("minutes_late", flat=True))


# --- National figures on a default-size school --------------------------------------------


class TestDefaultDemo(TestCase):
    """One 420-pupil seed, shared by the class (seeding takes a few seconds)."""

    summary: DemoSummary

    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = demo_seed(today=TODAY, seed=1)

    def test_a_default_run_is_one_420_pupil_primary(self) -> None:
        assert (self.summary.schools, self.summary.pupils) == (1, 420)
        groups = Counter(Enrolment.objects.values_list("registration_group", flat=True))
        assert set(groups) == {f"{y}{h}" for y in "R123456" for h in "BH"}
        assert set(groups.values()) == {30}

    def test_the_absence_figures_are_near_national_ones(self) -> None:
        summary = self.summary
        assert 6.0 <= float(summary.overall_absence or 0) <= 8.5
        assert 1.8 <= float(summary.unauthorised or 0) <= 3.2
        assert 15.0 <= float(summary.persistent_rate or 0) <= 25.0
        assert 1.0 <= float(summary.severe_rate or 0) <= 3.5

    def test_the_summary_is_counted_with_the_rules(self) -> None:
        year = Mark.objects.filter(date__gte=rules.academic_year(TODAY)[0])
        assert self.summary.counts == rules.count_codes(year.values_list("code_id", flat=True))
        assert self.summary.marks == Mark.objects.count()
        per_pupil: dict[int, list[str]] = defaultdict(list)
        for pupil_id, code in year.values_list("pupil_id", "code_id"):
            per_pupil[pupil_id].append(code)
        counts = [rules.count_codes(codes) for codes in per_pupil.values()]
        persistent = [
            rules.is_persistent_absence(absent=c.absent, possible=c.possible) for c in counts
        ]
        assert self.summary.persistent == sum(persistent)

    def test_the_code_mix_is_realistic(self) -> None:
        codes = self.summary.codes
        authorised = {c: codes.get(c, 0) for c in ("I", "M", "C", "R")}
        assert max(authorised, key=lambda c: authorised[c]) == "I"
        assert all(authorised.values())
        for code in ("O", "G", "U", "N", "L", "V", "P", "B"):
            assert codes.get(code, 0) > 0, code
        assert codes["L"] > codes["U"]

    def test_n_is_recent_and_unresolved_only(self) -> None:
        sessions = SchoolSession.objects.filter(date__lt=TODAY)
        days = sorted(set(sessions.values_list("date", flat=True)))
        n_dates = set(Mark.objects.filter(code_id="N").values_list("date", flat=True))
        assert n_dates
        assert min(n_dates) >= days[-3]

    def test_term_time_holidays_are_blocks_of_a_few_days_for_a_few_pupils(self) -> None:
        days_by_pupil: dict[int, set[dt.date]] = defaultdict(set)
        for pupil_id, day in Mark.objects.filter(code_id="G").values_list("pupil_id", "date"):
            days_by_pupil[pupil_id].add(day)
        assert 0.01 <= len(days_by_pupil) / self.summary.pupils <= 0.15
        assert all(len(days) <= 10 for days in days_by_pupil.values())

    def test_mondays_and_fridays_are_missed_more_than_midweek(self) -> None:
        codes_by_weekday: dict[int, list[str]] = defaultdict(list)
        for day, code in Mark.objects.values_list("date", "code_id"):
            codes_by_weekday[day.weekday()].append(code)
        counts = {wd: rules.count_codes(codes) for wd, codes in codes_by_weekday.items()}
        rate = {wd: c.absent / c.possible for wd, c in counts.items()}
        assert min(rate[0], rate[4]) > rate[2]


def test_easter_sunday_is_right_for_known_years() -> None:
    known = {2024: (3, 31), 2025: (4, 20), 2026: (4, 5), 2027: (3, 28), 2038: (4, 25)}
    assert {y: (easter_sunday(y).month, easter_sunday(y).day) for y in known} == known
