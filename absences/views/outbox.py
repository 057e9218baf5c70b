"""The development outbox: emails kept by `absences.mail.OutboxBackend`, DEBUG only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from absences.models import OutboxMessage
from registers.permissions import Capability, schools_for


def _check(request: HttpRequest) -> None:
    """DEBUG on, and staff: an administrator or someone with a school role."""
    if not settings.DEBUG:
        raise Http404("The outbox exists only with DEBUG on")
    user = request.user
    if not (user.is_staff or schools_for(user, Capability.VIEW_SCHOOL).exists()):
        raise Http404("Staff only")


@require_GET
@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    _check(request)
    return render(
        request, "absences/outbox/list.html", {"emails": OutboxMessage.objects.all()[:100]}
    )


@require_GET
@login_required
def outbox_message(request: HttpRequest, message_id: int) -> HttpResponse:
    _check(request)
    return render(
        request,
        "absences/outbox/message.html",
        {"email": get_object_or_404(OutboxMessage, pk=message_id)},
    )


urlpatterns: list[URLPattern] = [
    path("outbox/", outbox, name="absences_outbox"),
    path("outbox/<int:message_id>/", outbox_message, name="absences_outbox_message"),
]
