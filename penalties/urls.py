"""URLs of the penalties app, under /schools/<URN>/ (see attendance_project/urls.py)."""

from django.urls import URLPattern

from penalties.views import pack, pupil, register

urlpatterns: list[URLPattern] = [
    *register.urlpatterns,
    *pupil.urlpatterns,
    *pack.urlpatterns,
]
