"""URLs of the letters app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
