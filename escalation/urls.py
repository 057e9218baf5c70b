"""The dashboard's routes, under /schools/<URN>/ (see attendance_project/urls.py)."""

from escalation.views import decisions, flags, overview, pupil

urlpatterns = [
    *overview.urlpatterns,
    *flags.urlpatterns,
    *pupil.urlpatterns,
    *decisions.urlpatterns,
]
