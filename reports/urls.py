"""The reports' routes, under /schools/<URN>/ (see attendance_project/urls.py)."""

from reports.views import urlpatterns

__all__ = ["urlpatterns"]
