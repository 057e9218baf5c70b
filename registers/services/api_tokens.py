"""Creating and revoking integration tokens (the REST API's per-school keys)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registers.models import ApiToken, School, TokenScope, User
from registers.models.api import new_token_key, token_digest


@transaction.atomic
def api_token_create(
    *, school: School, name: str, scopes: list[str], created_by: User | None
) -> tuple[ApiToken, str]:
    """A new token and its key. The key is returned once and never stored: only its
    SHA-256 digest is. A service account named after the integration carries the
    token's writes in the audit trail; it has no password and no memberships, so it can
    neither sign in nor reach anything but this school through this token."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the integration that will use this token."})
    unknown = sorted(set(scopes) - set(TokenScope.values))
    if unknown or not scopes:
        raise ValidationError(
            {
                "scopes": f"Choose scopes from {', '.join(TokenScope.values)} (got {unknown or 'none'})."
            }
        )
    if ApiToken.objects.filter(school=school, name=name, revoked_at__isnull=True).exists():
        raise ValidationError({"name": "This school already has a live token of that name."})
    key = new_token_key()
    user = User(username=f"api-{school.urn}-{key[4:16]}", first_name=name[:150])
    user.position = "API integration"
    user.set_unusable_password()
    user.save()
    token = ApiToken.objects.create(
        school=school,
        name=name,
        scopes=sorted(set(scopes)),
        digest=token_digest(key),
        prefix=key[:10],
        user=user,
        created_by=created_by,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke at once: the next request with the key is refused. Kept for the audit."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
