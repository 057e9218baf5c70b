"""Reads: the terms in force by scope and date, each parent's count, the register of
interventions and the governors' counts."""

from __future__ import annotations

import datetime as dt

import pytest

from penalties.models import PenaltyTermsConfig
from penalties.selectors import (
    RegisterFilters,
    intervention_counts,
    intervention_register,
    parent_counts,
    terms_for,
)
from penalties.services.notices import alternative_record
from penalties.services.nti import nti_open
from tests.penalties.helpers import issued, requested
from tests.registers.factories import SchoolFactory

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _terms(**scope) -> PenaltyTermsConfig:
    return PenaltyTermsConfig.objects.create(
        effective_from=scope.pop("effective_from", D("2025-01-01")),
        first_reduced_pence=7000,
        first_reduced_days=21,
        first_full_pence=14000,
        first_full_days=28,
        second_full_pence=14000,
        second_full_days=28,
        **scope,
    )


def test_terms_school_over_authority_over_national(letterhead) -> None:
    assert terms_for(school=letterhead, on=D("2025-02-01")).terms.first_reduced_pence == 8000
    _terms(local_authority="Hertfordshire")
    assert terms_for(school=letterhead, on=D("2025-02-01")).scope == "local_authority"
    _terms(school=letterhead, effective_from=D("2025-02-01"))
    in_force = terms_for(school=letterhead, on=D("2025-02-01"))
    assert (in_force.scope, in_force.terms.first_reduced_pence) == ("school", 7000)
    # The day before the school's row: the authority's row.
    assert terms_for(school=letterhead, on=D("2025-01-31")).scope == "local_authority"
    # Before either: the national row in force then.
    assert terms_for(school=letterhead, on=D("2024-09-01")).scope == "national"
    # Another authority's row never applies.
    other = SchoolFactory(local_authority="Essex")
    assert terms_for(school=other, on=D("2025-02-01")).scope == "national"


def test_terms_rows_refuse_bad_values(letterhead) -> None:
    from django.core.exceptions import ValidationError

    row = PenaltyTermsConfig(
        effective_from=D("2025-01-01"),
        first_reduced_pence=20000,
        first_reduced_days=21,
        first_full_pence=16000,
        first_full_days=28,
        second_full_pence=16000,
        second_full_days=28,
        improvement_weeks=6,
    )
    with pytest.raises(ValidationError, match="reduced amount must be less"):
        row.full_clean()


def test_parent_counts_before_a_request(letterhead, family, lead) -> None:
    issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    issued(letterhead, family.c1, [family.p1], D("2025-06-10"), lead)
    requested(letterhead, family.c1, [family.p2], D("2025-06-11"), lead)
    counts = {c.guardian: c for c in parent_counts(pupil=family.c1, on=D("2026-02-02"))}
    assert set(counts) == {family.p1, family.p2}  # never the carer without responsibility
    p1, p2 = counts[family.p1], counts[family.p2]
    assert (p1.in_period, p1.pending, p1.can_request, p1.lifts_on) == (
        2,
        0,
        False,
        D("2027-09-20"),
    )
    assert (p2.in_period, p2.pending, p2.can_request, p2.next_is_second) == (0, 1, True, True)
    assert parent_counts(pupil=family.c2, on=D("2026-02-02"))[0].in_period == 0


def test_register_filters_and_trust_scope(letterhead, sibling_school, family, lead) -> None:
    issued(letterhead, family.c1, [family.p1, family.p2], D("2025-01-13"), lead)
    nti_open(school=letterhead, pupil=family.c2, user=lead, today=D("2025-02-03"))
    alternative_record(
        school=letterhead, pupil=family.c1, kind="early_help", note="Early help assessment.",
        user=lead, today=D("2025-03-03"),
    )  # fmt: skip
    everything = intervention_register(schools=[letterhead], filters=RegisterFilters())
    # Newest first; a notice to improve not yet issued is dated by its creation (now).
    assert [r.kind for r in everything] == [
        "notice_to_improve", "alternative", "penalty_notice", "penalty_notice",
    ]  # fmt: skip
    only_year_6 = RegisterFilters(year_group="6")
    assert [r.pupil for r in intervention_register(schools=[letterhead], filters=only_year_6)] == [
        family.c2
    ]
    january = RegisterFilters(kind="penalty_notice", status="issued", end=D("2025-01-31"))
    assert len(intervention_register(schools=[letterhead], filters=january)) == 2
    assert intervention_register(schools=[sibling_school], filters=RegisterFilters()) == []


def test_intervention_counts_for_the_governors_report(letterhead, other_school, family, lead):
    issued(letterhead, family.c1, [family.p1, family.p2], D("2025-01-13"), lead)
    requested(letterhead, family.c2, [family.p1], D("2025-03-03"), lead)
    nti_open(school=letterhead, pupil=family.c2, user=lead, today=D("2025-02-03"))
    counts = intervention_counts(
        schools=[letterhead, other_school], start=D("2025-01-01"), end=D("2025-02-28")
    )
    assert counts["penalty_notice"] == {"total": 2, "issued": 2}
    assert counts["alternative"] == {"total": 0}
    spring = intervention_counts(schools=[letterhead], start=D("2025-03-01"), end=D("2025-03-31"))
    assert spring["penalty_notice"] == {"total": 1, "requested": 1}


def test_the_threshold_decision_form_is_offered_the_highest_parent_count(
    letterhead, family, lead
) -> None:
    from escalation.forms import ThresholdDecisionForm
    from escalation.prefill import prior_notices_known

    issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    requested(letterhead, family.c1, [family.p2], D("2025-06-11"), lead)

    known = prior_notices_known(pupil=family.c1, on=D("2026-02-02"))

    assert known is not None and known.value == 1
    assert known.explanation.startswith("From the register of legal interventions, since ")
    assert f"{family.p1.name} (" in known.explanation and " 1" in known.explanation
    assert "1 requested" in known.explanation
    form = ThresholdDecisionForm(known_prior_notices=known)
    field = form.fields["prior_notices_3_years"]
    assert field.initial == 1 and field.help_text.startswith(known.explanation)
    assert "cannot be issued" in field.help_text
