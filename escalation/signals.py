"""What the engine announces, for the apps that act on its cases (letters, penalties).
`escalation` imports none of its listeners. Both are sent after the transaction commits.

- `case_decided`: keyword arguments `case`, `event` (the `CaseEvent`: its `kind` says
  accepted / deferred / declined, `action` the proposed action such as a letter) and `user`.
- `threshold_decided`: keyword arguments `decision` (a `ThresholdDecision`) and `user`.
"""

from django.dispatch import Signal

case_decided = Signal()
threshold_decided = Signal()
