from django.urls import path

from registers import views

urlpatterns = [
    path("", views.home, name="home"),
]
