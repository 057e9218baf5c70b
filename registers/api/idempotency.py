"""Retried writes are safe: a write sent with an `Idempotency-Key` header runs once; a
retry with the same key and the same body gets the first response again, and the same
key with another body is refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from registers.models import IdempotentResponse

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = f"This {HEADER} was already used for a different request."
    default_code = "idempotency_key_reused"


def _digest(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(stored: IdempotentResponse, digest: str) -> Response:
    if stored.request_digest != digest:
        raise KeyReused()
    return Response(stored.body, status=stored.status_code, headers={"Idempotent-Replayed": "true"})


def idempotent(request: Request, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per (caller, key). Its writes and the stored response commit
    together, so a retry after a lost reply never writes twice; two concurrent retries
    cannot both write (the unique key makes the second roll back and replay)."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return handler()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise exceptions.ValidationError(
            {HEADER: f"Use at most {MAX_KEY_LENGTH} printable characters."}
        )
    digest = _digest(request)
    try:
        with transaction.atomic():
            stored = IdempotentResponse.objects.filter(user=request.user, key=key).first()
            if stored is not None:
                return _replay(stored, digest)
            response = handler()
            if response.status_code < 500:
                IdempotentResponse.objects.create(
                    user=request.user,
                    key=key,
                    request_digest=digest,
                    status_code=response.status_code,
                    body=response.data,
                )
            return response
    except IntegrityError:
        stored = IdempotentResponse.objects.filter(user=request.user, key=key).first()
        if stored is None:
            raise
        return _replay(stored, digest)
