"""Subject access: every app's part of "all the data held about a pupil" at one school.

`registers` never imports its consumers: each app registers a `SubjectAccessSource` from
its `AppConfig.ready()`, and `registers.services.subject_access.subject_access_export`
writes the entries of every registered source into one zip.

A source's invariants: it returns rows of this pupil at this school only (never another
pupil's, even a sibling's), and never a secret (password hashes, API token digests,
sign-in link digests). Rows are written with `record`, so a field added to a model later
is exported without anyone remembering to.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

Collect = Callable[..., Iterable["Entry"]]


@dataclass(frozen=True)
class Entry:
    """One file of the export: its `path` inside the zip, and either JSON-able `data`
    or raw `content` (a stored PDF, an uploaded file)."""

    path: str
    data: Any = None
    content: bytes | None = None

    def payload(self) -> bytes:
        if self.content is not None:
            return self.content
        text = json.dumps(
            self.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True
        )
        return (text + "\n").encode()


@dataclass(frozen=True)
class SubjectAccessSource:
    """`collect(pupil=, school=)` returns the entries, each path under `key/`.

    `description` tells the headteacher (and the README of the zip) what the files hold;
    `covers` names the models whose rows about the pupil are exported, and `leaves_out`
    the models that relate to the pupil but are deliberately not, with the reason (a
    test checks that every model pointing at a pupil is in one or the other).
    """

    key: str
    description: str
    collect: Collect
    covers: tuple[str, ...] = ()
    leaves_out: Mapping[str, str] = field(default_factory=dict)
    order: int = 100


SUBJECT_ACCESS_SOURCES: dict[str, SubjectAccessSource] = {}


def register_subject_access_source(source: SubjectAccessSource) -> None:
    SUBJECT_ACCESS_SOURCES[source.key] = source


def subject_access_sources() -> list[SubjectAccessSource]:
    return sorted(SUBJECT_ACCESS_SOURCES.values(), key=lambda s: (s.order, s.key))


def person(user: models.Model | None) -> str | None:
    """A staff member as the export names them: full name, else username; never more."""
    if user is None:
        return None
    return str(user.get_full_name() or user.get_username())


def _is_user(f: models.Field) -> bool:
    return bool(f.is_relation and f.related_model._meta.label == settings.AUTH_USER_MODEL)


def _value(instance: models.Model, f: models.Field) -> Any:
    if _is_user(f):
        return person(getattr(instance, f.name))
    if f.is_relation:
        return getattr(instance, f.attname)
    value = getattr(instance, f.attname)
    if f.choices and value is not None:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        return {"value": value, "label": labels.get(str(value), "")}
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def user_fields(model: type[models.Model]) -> list[str]:
    """The model's relations to staff accounts, to `select_related` before `record`."""
    return [f.name for f in model._meta.concrete_fields if _is_user(f)]


def record(instance: models.Model, *, exclude: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
    """Every concrete field of a row as JSON-able values: dates ISO, decimals as strings,
    choices as {value, label}, a user as their name, other relations as the row's id
    (under the column name, e.g. `guardian_id`). `extra` adds keys."""
    skip = set(exclude)
    row: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in skip:
            continue
        row[f.name if _is_user(f) else f.attname] = _value(instance, f)
    return {**row, **extra}
