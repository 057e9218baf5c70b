"""`manage.py recompute_status` and the policy selector."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from escalation.models import Duty, PolicyConfig, PupilStatus
from escalation.selectors import policy_for
from tests.escalation.helpers import write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db


def test_the_command_recomputes_statuses_and_raises_duties(school) -> None:
    pupil = PupilFactory(school=school)
    write(school, pupil, [("2024-10-21", "AM", "N")])
    out, err = StringIO(), StringIO()

    call_command("recompute_status", "--as-of", "2024-11-05", stdout=out, stderr=err)

    status = PupilStatus.objects.get(pupil=pupil)
    assert (status.as_of, status.unauthorised) == (dt.date(2024, 11, 5), 1)
    assert Duty.objects.filter(pupil=pupil, key="2024-10-21 AM").exists()
    assert "1 statuses for" in out.getvalue()
    assert "pupil" in err.getvalue()  # the progress bar


def test_the_command_refuses_an_unknown_school(school) -> None:
    with pytest.raises(CommandError, match="999999"):
        call_command("recompute_status", "--school", "999999", stdout=StringIO())


def test_a_schools_policy_wins_over_its_authoritys(school) -> None:
    school.local_authority = "Dudley"
    school.save()
    PolicyConfig.objects.create(local_authority="Dudley", settings={"concern_below_rate": 95})
    assert str(policy_for(school).concern_below_rate) == "95"
    PolicyConfig.objects.create(school=school, settings={"concern_below_rate": "94.5"})
    assert str(policy_for(school).concern_below_rate) == "94.5"
