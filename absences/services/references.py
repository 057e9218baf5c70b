"""Reference numbers parents quote: short, unguessable, without look-alike characters."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I


def reference_new(prefix: str) -> str:
    """E.g. "AB-7KQ4-M2XP": 8 random characters, 40 bits."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"
