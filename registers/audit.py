"""The access audit: every successful request by a signed-in person for a page about one
pupil (its URL names `pupil_id`) or for a download (an attachment: exports, letters,
reports, referral packs) is recorded, whichever app serves it, so a new page is audited
without anyone remembering to."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from registers.models import AccessEvent, AccessKind, Pupil, School

AUDITED_METHODS = {"GET", "HEAD", "POST"}


def _filename(response: HttpResponse) -> str:
    disposition = response.get("Content-Disposition", "")
    return (
        disposition.split("filename=", 1)[1].strip('"')[:200] if "filename=" in disposition else ""
    )


def access_kind(request: HttpRequest, response: HttpResponse) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None or response.status_code != 200 or request.method not in AUDITED_METHODS:
        return None
    if "attachment" in response.get("Content-Disposition", ""):
        return AccessKind.EXPORT
    if "pupil_id" in match.kwargs:
        return AccessKind.API if request.path.startswith("/api/") else AccessKind.VIEW
    return None


def record_access(request: HttpRequest, response: HttpResponse, kind: str) -> None:
    match = request.resolver_match
    assert match is not None
    user = request.user
    urn = match.kwargs.get("urn")
    pupil_id = match.kwargs.get("pupil_id")
    if not (isinstance(pupil_id, int) and Pupil.objects.filter(pk=pupil_id).exists()):
        pupil_id = None
    school = getattr(request, "school", None)  # set by `school_view` for the URL's URN
    if not urn:
        school = None
    elif school is None or school.urn != urn:
        school = School.objects.filter(urn=urn).first()
    AccessEvent.objects.create(
        user=user,
        user_name=(user.get_full_name() or user.get_username())[:200],
        school=school,
        pupil_id=pupil_id,
        kind=kind,
        view_name=(match.view_name or "")[:100],
        path=request.get_full_path()[:500],
        detail=_filename(response),
    )


class AccessAuditMiddleware:
    """Record pupil-level reads and every download by signed-in people (after the view)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "access_recorded", False):
            return response  # the view's service recorded it, with more detail
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            kind = access_kind(request, response)
            if kind is not None:
                record_access(request, response, kind)
        return response
