from __future__ import annotations

import pytest
from django.test import Client

from attendance_project import views


@pytest.mark.django_db
def test_it_reports_ok_when_database_and_broker_answer(client: Client) -> None:
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "problems": {}}


@pytest.mark.django_db
def test_it_names_the_broker_when_the_broker_is_down(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(views, "_check_broker", lambda: "Connection refused")

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "problems": {"broker": "Connection refused"}}


@pytest.mark.django_db
def test_it_names_the_database_when_the_database_is_down(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(views, "_check_database", lambda: "could not connect")

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["problems"] == {"database": "could not connect"}


def test_it_refuses_anything_but_get(client: Client) -> None:
    assert client.post("/health/").status_code == 405
