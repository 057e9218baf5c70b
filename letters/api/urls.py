from django.urls import URLPattern, path

from letters.api import views

urlpatterns: list[URLPattern] = [
    path("schools/<str:urn>/letters/", views.LetterList.as_view(), name="api_letters"),
    path(
        "schools/<str:urn>/letters/<int:letter_id>/pdf/",
        views.LetterPdf.as_view(),
        name="api_letter_pdf",
    ),
]
