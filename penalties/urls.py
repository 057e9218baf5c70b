"""URLs of the penalties app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
