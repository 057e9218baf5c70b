from django.urls import include, path

from registers.views import (
    audit,
    bulk,
    corrections,
    deletion,
    grid,
    home,
    register_settings,
    subject_access,
    taking,
)

# Everything about one school lives under /schools/<URN>/; each view module declares its
# own patterns relative to that prefix.
school_patterns = [
    *taking.urlpatterns,
    *corrections.urlpatterns,
    *grid.urlpatterns,
    *bulk.urlpatterns,
    *register_settings.urlpatterns,
    *audit.urlpatterns,
    *deletion.urlpatterns,
    *subject_access.urlpatterns,
]

urlpatterns = [
    path("", home.home, name="home"),
    path("schools/", home.switch_school, name="switch_school"),
    path("schools/<str:urn>/", include(school_patterns)),
]
