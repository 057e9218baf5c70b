"""What other apps already know that a decision form would otherwise ask for by hand.

`escalation` never imports its consumers: the penalties app, which keeps the register of
penalty notices, registers a provider from its `AppConfig.ready()` that counts a child's
notices per parent, and the threshold decision form starts from that count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from registers.models import Pupil


@dataclass(frozen=True)
class KnownCount:
    """A count another app holds, and how it was counted, in words for the form."""

    value: int
    explanation: str


PriorNoticesProvider = Callable[..., KnownCount | None]
_PRIOR_NOTICES: list[PriorNoticesProvider] = []


def register_prior_notices(provider: PriorNoticesProvider) -> None:
    """`provider(pupil=, on=)`: the most penalty notices any parent of the child has had
    for the child in the 3 years before `on`, or None if it does not know."""
    if provider not in _PRIOR_NOTICES:
        _PRIOR_NOTICES.append(provider)


def prior_notices_known(*, pupil: Pupil, on: dt.date) -> KnownCount | None:
    for provider in _PRIOR_NOTICES:
        known = provider(pupil=pupil, on=on)
        if known is not None:
            return known
    return None
