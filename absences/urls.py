"""URLs of the absences app (included at the root): the public form, the parent portal,
the office's pages under /schools/<URN>/ and the development outbox."""

from django.urls import URLPattern

from absences.views import calling, leave, office, outbox, portal, public

urlpatterns: list[URLPattern] = [
    *public.urlpatterns,
    *portal.urlpatterns,
    *office.urlpatterns,
    *leave.urlpatterns,
    *calling.urlpatterns,
    *outbox.urlpatterns,
]
