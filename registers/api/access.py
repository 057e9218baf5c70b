"""Who may call what: tokens and signed-in staff, scoped to schools (one place)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from registers.models import ApiToken, School, TokenScope
from registers.models.api import TOKEN_PREFIX, token_digest
from registers.permissions import Capability, capabilities_at

SCOPE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    TokenScope.READ: frozenset(
        {Capability.VIEW_SCHOOL, Capability.VIEW_PUPILS, Capability.VIEW_REPORTS}
    ),
    TokenScope.WRITE_REGISTERS: frozenset({Capability.TAKE_REGISTER, Capability.CORRECT_MARKS}),
    TokenScope.REPORT_ABSENCES: frozenset({Capability.REPORT_ABSENCES}),
}
LAST_USED_EVERY = dt.timedelta(minutes=1)  # how often a token's `last_used_at` is written


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer att_…`. The key's digest is looked up; revoked keys fail."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Bearer <token>'.")
        key = parts[1].decode("latin-1")
        if not key.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed("That is not an API token.")
        token = (
            ApiToken.objects.select_related("school", "user")
            .filter(digest=token_digest(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown API token.")
        if not token.is_live:
            raise exceptions.AuthenticationFailed("This API token has been revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema."""

    target_class = "registers.api.access.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A per-school API token (`att_…`), created by an administrator.",
        }


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def caller_capabilities(request: Request, school: School) -> frozenset[Capability]:
    token = token_of(request)
    if token is not None:
        if token.school_id != school.pk:
            return frozenset()
        return frozenset().union(*(SCOPE_CAPABILITIES.get(s, frozenset()) for s in token.scopes))
    return capabilities_at(request.user, school)


def api_school(request: Request, urn: str, capability: Capability) -> School:
    """The school with this URN if the caller may use `capability` there.

    404 when the caller has nothing to do with the school (so a caller cannot learn what
    another school holds); 403 when they may see the school but not do this (a governor
    asking for pupils, a read-only token writing)."""
    school = School.objects.filter(urn=urn).select_related("trust").first()
    held = caller_capabilities(request, school) if school is not None else frozenset()
    if not held:
        raise exceptions.NotFound("No such school.")
    if capability not in held:
        token = token_of(request)
        if token is not None:
            needed = [s for s, caps in SCOPE_CAPABILITIES.items() if capability in caps]
            raise exceptions.PermissionDenied(
                f"This token lacks the {' or '.join(needed)} scope needed here."
            )
        raise exceptions.PermissionDenied("Your role at this school does not allow this.")
    return school


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (settings `REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['token']`)."""

    scope = "token"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        token = token_of(request)
        return (
            None if token is None else self.cache_format % {"scope": self.scope, "ident": token.pk}
        )


class StaffRateThrottle(SimpleRateThrottle):
    """Requests per signed-in person through the API (rate `user`)."""

    scope = "user"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if token_of(request) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
