"""The admin: every registered model's pages open for a superuser; marks stay read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from registers.models import (
    Enrolment,
    Mark,
    MarkChange,
    MarkSource,
    Pupil,
    RegisterDeletion,
    RetentionPurge,
    School,
    User,
)
from registers.services.api_tokens import api_token_create
from tests.registers.factories import (
    GuardianFactory,
    MarkFactory,
    MembershipFactory,
    PupilFactory,
    PupilGuardianFactory,
)

pytestmark = pytest.mark.django_db

# The register's own models (and auth's); apps built on it test their admin themselves.
REGISTERED = sorted(
    (
        item
        for item in admin.site._registry.items()
        if item[0]._meta.app_label in {"registers", "auth"}
    ),
    key=lambda item: item[0]._meta.label,
)
IDS = [model._meta.label for model, _admin in REGISTERED]


def _url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client: Client, superuser: User, school: School) -> Client:
    """Signed in as a superuser, with a row in every register table."""
    MembershipFactory(school=school)
    pupil = PupilFactory(school=school, surname="Abernethy")
    PupilGuardianFactory(pupil=pupil, guardian=GuardianFactory())
    mark = MarkFactory(school=school, pupil=pupil, code_id="L", minutes_late=10)
    MarkChange.objects.create(
        mark=mark,
        previous_code_id="N",
        previous_recorded_at=mark.recorded_at,
        previous_source=MarkSource.REGISTER,
        new_code_id="L",
        new_minutes_late=10,
        changed_by=superuser,
        changed_by_name="Root",
        changed_by_position="Admin",
        changed_at=mark.recorded_at,
        reason="Arrived with a note",
        source=MarkSource.CORRECTION,
    )
    Group.objects.create(name="Office")
    left = PupilFactory(school=school, surname="Leaver")
    RegisterDeletion.objects.create(
        enrolment=left.enrolments.get(),
        ground="k",
        ground_met_on=dt.date(2025, 1, 6),
        deletion_date=dt.date(2025, 1, 6),
        recorded_by_name="Root",
        recorded_at=timezone.now(),
        pupil_name="A Leaver",
        pupil_upn=left.upn,
        pupil_date_of_birth=left.date_of_birth,
        pupil_year_group=left.year_group,
    )
    RetentionPurge.objects.create(
        started_at=timezone.now(),
        today=dt.date(2031, 9, 1),
        register_cutoff=dt.date(2025, 9, 1),
        audit_cutoff=dt.date(2025, 9, 1),
        counts={"registers.Mark": 3},
    )
    api_token_create(school=school, name="Trust warehouse", scopes=["read"], created_by=None)
    client.force_login(superuser)
    return client


def test_the_register_models_are_registered() -> None:
    assert {Mark, Pupil, School, User} <= {model for model, _admin in REGISTERED}


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_every_changelist_opens(admin_client: Client, model, model_admin) -> None:
    assert admin_client.get(_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_every_add_page_opens_where_adding_is_allowed(
    admin_client: Client, superuser: User, model, model_admin
) -> None:
    request = RequestFactory().get("/")
    request.user = superuser
    expected = 200 if model_admin.has_add_permission(request) else 403
    assert admin_client.get(_url(model, "add")).status_code == expected


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_every_change_page_opens(admin_client: Client, model, model_admin) -> None:
    obj = model._default_manager.first()
    assert obj is not None, f"add a {model._meta.label} row to the admin_client fixture"
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


def test_pupil_search_finds_by_surname(admin_client: Client, school: School) -> None:
    PupilFactory(school=school, surname="Zylberstein")
    response = admin_client.get(_url(Pupil, "changelist"), {"q": "Abernethy"})
    assert response.status_code == 200
    assert [p.surname for p in response.context["cl"].result_list] == ["Abernethy"]


def test_pupil_filter_by_year_group(admin_client: Client, school: School) -> None:
    PupilFactory(school=school, year_group="R", surname="Young")
    response = admin_client.get(_url(Pupil, "changelist"), {"year_group__exact": "R"})
    assert [p.surname for p in response.context["cl"].result_list] == ["Young"]


def test_mark_search_finds_by_upn(admin_client: Client, school: School) -> None:
    other = MarkFactory(school=school)
    response = admin_client.get(_url(Mark, "changelist"), {"q": other.pupil.upn})
    assert list(response.context["cl"].result_list) == [other]


def test_mark_filter_by_category(admin_client: Client, school: School) -> None:
    ill = MarkFactory(school=school, code_id="I")
    response = admin_client.get(_url(Mark, "changelist"), {"code__category__exact": "authorised"})
    assert list(response.context["cl"].result_list) == [ill]


def test_a_mark_cannot_be_changed_in_the_admin(admin_client: Client) -> None:
    mark = Mark.objects.get()
    response = admin_client.post(
        _url(Mark, "change", mark.pk), {"code": "O", "minutes_late": "", "source": "register"}
    )
    assert response.status_code == 403
    mark.refresh_from_db()
    assert (mark.code_id, mark.minutes_late) == ("L", 10)


def test_a_mark_cannot_be_deleted_in_the_admin(admin_client: Client) -> None:
    mark = Mark.objects.get()
    assert admin_client.post(_url(Mark, "delete", mark.pk), {"post": "yes"}).status_code == 403
    assert Mark.objects.filter(pk=mark.pk).exists()


def test_marks_cannot_be_bulk_deleted_in_the_admin(admin_client: Client) -> None:
    mark = Mark.objects.get()
    response = admin_client.post(
        _url(Mark, "changelist"),
        {"action": "delete_selected", "_selected_action": [mark.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Mark.objects.filter(pk=mark.pk).exists()


def test_a_mark_cannot_be_added_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get(_url(Mark, "add")).status_code == 403


@pytest.mark.parametrize("model", [Pupil, Enrolment, Mark, MarkChange, RegisterDeletion])
def test_register_records_cannot_be_deleted_in_the_admin(admin_client: Client, model) -> None:
    obj = model._default_manager.first()
    response = admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"})

    assert response.status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", [Pupil, Enrolment])
def test_the_changelist_offers_no_delete_action(admin_client: Client, model) -> None:
    response = admin_client.get(_url(model, "changelist"))

    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )


def test_a_school_with_pupils_cannot_be_deleted_in_the_admin(
    admin_client: Client, school: School
) -> None:
    assert admin_client.post(_url(School, "delete", school.pk), {"post": "yes"}).status_code == 403
    assert School.objects.filter(pk=school.pk).exists()


def test_the_pupil_page_offers_no_enrolment_delete(admin_client: Client) -> None:
    pupil = Pupil.objects.get(surname="Abernethy")
    response = admin_client.get(_url(Pupil, "change", pupil.pk))

    assert "enrolments-0-DELETE" not in response.content.decode()
