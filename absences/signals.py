"""What the absences app announces, for apps that act on it (letters sends the outcome
of a leave request). `absences` imports none of its listeners.

`leave_decided` is sent after the decision's transaction commits, with keyword arguments
`leave_request` (an `absences.models.LeaveRequest`) and `decided_by` (the staff `User`).
"""

from django.dispatch import Signal

leave_decided = Signal()
