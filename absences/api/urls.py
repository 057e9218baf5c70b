from django.urls import URLPattern, path

from absences.api import views

urlpatterns: list[URLPattern] = [
    path(
        "schools/<str:urn>/absence-reports/",
        views.AbsenceReports.as_view(),
        name="api_absence_reports",
    ),
]
