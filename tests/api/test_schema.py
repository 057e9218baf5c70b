"""The published schema is current, valid, and the live API keeps to it: schemathesis
generates requests for every operation and checks for server errors and responses that
break the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from registers.models import School
from registers.services.api_tokens import api_token_create
from tests.api.conftest import Class4B

PUBLISHED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


@pytest.mark.django_db
def test_the_published_schema_is_current(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert PUBLISHED.read_text() == generated.read_text(), (
        "docs/openapi.yaml is stale: run `make schema` and commit it."
    )


@pytest.fixture
def live_schema(db):
    # As Django's test client does: a request's end must not close the test's
    # connection (it is inside the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def key(school: School, class4b: Class4B) -> str:
    return api_token_create(
        school=school, name="Fuzzer", scopes=["read", "write-registers"], created_by=None
    )[1]


schema = schemathesis.pytest.from_fixture("live_schema")


@schema.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_live_api_keeps_to_its_schema(case, school: School, key: str) -> None:
    if "urn" in (case.path_parameters or {}):
        case.path_parameters["urn"] = school.urn  # reach the data, not only 404s
    case.call_and_validate(
        headers={"Authorization": f"Bearer {key}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
