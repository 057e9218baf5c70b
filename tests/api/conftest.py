"""API fixtures: a class of pupils at the fixture school, tokens, and an API client."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from registers.models import Pupil, School, User
from registers.services.api_tokens import api_token_create
from tests.registers.factories import PupilFactory

DAY = dt.date(2024, 9, 10)  # a Tuesday of the fixture calendar's first term


@dataclass
class Class4B:
    ada: Pupil
    ben: Pupil


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def class4b(school: School) -> Class4B:
    def pupil(forename: str) -> Pupil:
        return PupilFactory(
            forename=forename,
            school=school,
            school__admission_date=dt.date(2024, 9, 2),
            school__registration_group="4B",
        )

    return Class4B(pupil("Ada"), pupil("Ben"))


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def token_client(school: School, *scopes: str, creator: User | None = None) -> APIClient:
    _token, key = api_token_create(
        school=school,
        name=f"Warehouse {'+'.join(scopes)} {uuid.uuid4().hex[:6]}",
        scopes=list(scopes),
        created_by=creator,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def reader(school: School) -> APIClient:
    return token_client(school, "read")


@pytest.fixture
def writer(school: School) -> APIClient:
    return token_client(school, "read", "write-registers")
