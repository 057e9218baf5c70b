from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from attendance_project import views

urlpatterns = [
    path("", include("registers.urls")),
    path("schools/<str:urn>/", include("escalation.urls")),
    path("schools/<str:urn>/", include("letters.urls")),
    path("schools/<str:urn>/", include("penalties.urls")),
    path("schools/<str:urn>/", include("reports.urls")),
    path("", include("absences.urls")),  # public report form and the parent portal
    path("api/v1/", include("attendance_project.api_urls")),
    path("health/", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),  # two-factor sign-in
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Attendance administration"
admin.site.site_title = "Attendance"
