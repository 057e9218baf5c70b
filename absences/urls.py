"""URLs of the absences app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
