from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from registers.querysets import EnrolmentQuerySet
from registers.upn import upn_error

from .schools import School, User


def validate_upn(value: str) -> None:
    message = upn_error(value)
    if message:
        raise ValidationError(message)


class YearGroup(models.TextChoices):
    N1 = "N1", "Nursery 1"
    N2 = "N2", "Nursery 2"
    R = "R", "Reception"
    Y1 = "1", "Year 1"
    Y2 = "2", "Year 2"
    Y3 = "3", "Year 3"
    Y4 = "4", "Year 4"
    Y5 = "5", "Year 5"
    Y6 = "6", "Year 6"
    Y7 = "7", "Year 7"
    Y8 = "8", "Year 8"
    Y9 = "9", "Year 9"
    Y10 = "10", "Year 10"
    Y11 = "11", "Year 11"
    Y12 = "12", "Year 12"
    Y13 = "13", "Year 13"
    Y14 = "14", "Year 14"


class SendStatus(models.TextChoices):
    NONE = "N", _("No special educational needs")
    SUPPORT = "K", _("SEN support")
    EHC_PLAN = "E", _("EHC plan")


class Pupil(models.Model):
    """A child, identified nationally by UPN; their time at each school is an `Enrolment`."""

    upn = models.CharField("UPN", max_length=13, unique=True, validators=[validate_upn])
    surname = models.CharField(max_length=100)
    forename = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    year_group = models.CharField(max_length=2, choices=YearGroup.choices)
    fsm = models.BooleanField("FSM", default=False, help_text=_("Eligible for free school meals"))
    pupil_premium = models.BooleanField(default=False)
    eal = models.BooleanField(
        "EAL", default=False, help_text=_("English as an additional language")
    )
    cla = models.BooleanField("CLA", default=False, help_text=_("Child looked after"))
    social_worker = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    send = models.CharField("SEND", max_length=1, choices=SendStatus.choices, default="N")
    guardians = models.ManyToManyField("Guardian", through="PupilGuardian", related_name="pupils")

    class Meta:
        ordering = ["surname", "forename"]

    def __str__(self) -> str:
        return f"{self.forename} {self.surname}"


class Enrolment(models.Model):
    """A pupil's time on roll at a school; a pupil who leaves and rejoins has two."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="enrolments")
    admission_date = models.DateField()
    leaving_date = models.DateField(null=True, blank=True)
    registration_group = models.CharField(max_length=20, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["school", "pupil", "admission_date"]
        indexes = [models.Index(fields=["school", "registration_group"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True) | Q(leaving_date__gte=F("admission_date")),
                name="enrolment_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["pupil", "school", "admission_date"], name="enrolment_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} at {self.school.urn} from {self.admission_date}"

    def is_on_roll(self, on) -> bool:
        return self.admission_date <= on and (self.leaving_date is None or on <= self.leaving_date)


class Guardian(models.Model):
    """A parent or carer; a parent who signs in is linked to a user."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True, help_text=_("Postal address, one line per line."))
    postcode = models.CharField(max_length=10, blank=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="guardian"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.name


class PupilGuardian(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=50, blank=True)
    parental_responsibility = models.BooleanField(default=True)
    lives_with = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=1, help_text=_("1 = first contact"))

    class Meta:
        ordering = ["pupil", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "guardian"], name="pupil_guardian_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.relationship}) of {self.pupil}"
