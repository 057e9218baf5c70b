"""URLs of the letters app, under /schools/<URN>/ (see attendance_project/urls.py)."""

from letters.views import batches, parents, staff, templates

urlpatterns = [
    *staff.urlpatterns,
    *batches.urlpatterns,
    *templates.urlpatterns,
    *parents.urlpatterns,
]
