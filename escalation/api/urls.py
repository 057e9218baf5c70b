from django.urls import URLPattern, path

from escalation.api import views

urlpatterns: list[URLPattern] = [
    path("schools/<str:urn>/status/", views.StatusList.as_view(), name="api_status"),
    path("schools/<str:urn>/flags/", views.FlagCounts.as_view(), name="api_flags"),
    path("schools/<str:urn>/cases/", views.CaseList.as_view(), name="api_cases"),
]
