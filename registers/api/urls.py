from django.urls import URLPattern, path

from registers.api import views

urlpatterns: list[URLPattern] = [
    path("schools/", views.SchoolList.as_view(), name="api_schools"),
    path("schools/<str:urn>/", views.SchoolDetail.as_view(), name="api_school"),
    path("schools/<str:urn>/calendar/", views.CalendarList.as_view(), name="api_calendar"),
    path("schools/<str:urn>/sessions/", views.SessionList.as_view(), name="api_sessions"),
    path("schools/<str:urn>/pupils/", views.PupilList.as_view(), name="api_pupils"),
    path(
        "schools/<str:urn>/pupils/<int:pupil_id>/",
        views.PupilDetail.as_view(),
        name="api_pupil",
    ),
    path(
        "schools/<str:urn>/pupils/<int:pupil_id>/guardians/",
        views.GuardianList.as_view(),
        name="api_guardians",
    ),
    path("schools/<str:urn>/marks/", views.MarkListCreate.as_view(), name="api_marks"),
    path(
        "schools/<str:urn>/marks/history/", views.MarkHistoryView.as_view(), name="api_mark_history"
    ),
    path("schools/<str:urn>/registers/", views.RegisterWrite.as_view(), name="api_registers"),
    path("schools/<str:urn>/report/", views.AttendanceReport.as_view(), name="api_report"),
]
