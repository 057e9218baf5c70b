"""Letters to parents: each school's versioned wording, its letter settings, and every
letter sent, kept as a record.

A `Letter` row snapshots everything the letter shows (`data`: letterhead, address,
pupil, figures, wording already merged, staff names) when it is generated, so its PDF can
be rendered, and later rendered again byte for byte, from the row alone. The PDF is a
file under MEDIA_ROOT (not a database column: 500 letters of ~40 kB would bloat every
backup and query of the table), and its SHA-256 is on the row, so a file that was
changed or lost is detected when it is served or checked.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from letters.kinds import LetterKind
from registers.models import Guardian, Pupil, School, User


class LatenessPeriod(models.TextChoices):
    HALF_TERM = "half_term", _("This half term")
    YEAR = "year", _("This school year")


class LetterSettings(models.Model):
    """Per school: who is named on letters, and when a lateness letter is due."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    staff_contact_name = models.CharField(
        max_length=200, blank=True, help_text=_("Blank: the person who writes the letter.")
    )
    staff_contact_position = models.CharField(max_length=100, blank=True)
    signatory_name = models.CharField(
        max_length=200, blank=True, help_text=_("Blank: the headteacher named for the school.")
    )
    signatory_position = models.CharField(max_length=100, blank=True, default="Headteacher")
    lateness_limit = models.PositiveSmallIntegerField(
        default=10, help_text=_("Late arrivals (L or U) that prompt a lateness letter.")
    )
    lateness_period = models.CharField(
        max_length=10, choices=LatenessPeriod.choices, default=LatenessPeriod.HALF_TERM
    )

    class Meta:
        verbose_name_plural = "letter settings"
        constraints = [
            models.CheckConstraint(condition=Q(lateness_limit__gte=1), name="letters_late_min"),
        ]

    def __str__(self) -> str:
        return f"Letter settings of {self.school_id}"


class LetterTemplate(models.Model):
    """One saved version of a school's wording for one kind; never edited in place.
    Version 0 is the built-in wording (`letters.kinds.SPECS`) and has no row."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    version = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["school", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "version"], name="lettertemplate_unique_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="lettertemplate_version"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version} at {self.school_id}"


class BatchStatus(models.TextChoices):
    RENDERING = "rendering", _("Producing letters")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class LetterBatch(models.Model):
    """Letters of one kind generated together for a list of pupils, printed as one PDF."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    as_at = models.DateField()
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.RENDERING
    )
    pupils_total = models.PositiveIntegerField(default=0)
    letters_total = models.PositiveIntegerField(default=0)
    letters_rendered = models.PositiveIntegerField(default=0)
    letters_failed = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, blank=True, help_text=_("[{pupil, guardian, error}] not produced.")
    )
    merged_pdf = models.FileField(upload_to="letters/batches/", blank=True)
    archive = models.FileField(upload_to="letters/batches/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "letter batches"

    def __str__(self) -> str:
        return f"Batch {self.pk} of {self.kind} at {self.school_id}"

    @property
    def letters_processed(self) -> int:
        return self.letters_rendered + self.letters_failed

    @property
    def percent_done(self) -> int:
        if not self.letters_total:
            return 100
        return min(100, round(100 * self.letters_processed / self.letters_total))


class LetterStatus(models.TextChoices):
    QUEUED = "queued", _("Being produced")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be produced")


class EmailStatus(models.TextChoices):
    NOT_SENT = "", _("Not emailed")
    QUEUED = "queued", _("Email queued")
    SENT = "sent", _("Emailed")
    FAILED = "failed", _("Email failed")


class LetterQuerySet(models.QuerySet):
    def for_school(self, school: School) -> LetterQuerySet:
        return self.filter(school=school)

    def ready(self) -> LetterQuerySet:
        return self.filter(status=LetterStatus.READY)


class Letter(models.Model):
    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    as_at = models.DateField(help_text=_("The date the letter's figures are as at."))
    letter_date = models.DateField()
    case = models.ForeignKey(
        "escalation.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        LetterBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    template = models.ForeignKey(
        LetterTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    template_version = models.PositiveIntegerField(help_text=_("0 = the built-in wording."))
    data = models.JSONField(help_text=_("Everything the letter shows, frozen when generated."))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=LetterStatus.choices, default=LetterStatus.QUEUED
    )
    render_error = models.TextField(blank=True)
    pdf = models.FileField(upload_to="letters/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NOT_SENT, blank=True
    )
    email_to = models.EmailField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["school", "pupil"], name="letter_school_pupil"),
            models.Index(fields=["guardian", "pupil"], name="letter_guardian_pupil"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.data.get('recipient', {}).get('name', '?')}"

    @property
    def recipient_name(self) -> str:
        return self.data.get("recipient", {}).get("name", "")

    @property
    def subject(self) -> str:
        return self.data.get("subject", "")

    @property
    def filename(self) -> str:
        pupil = self.data.get("pupil", {}).get("name", "pupil").replace(" ", "-")
        return f"letter-{self.pk}-{self.kind}-{pupil}.pdf"


class LetterNotWritten(models.Model):
    """A letter a decision called for that could not be written (no parent with an
    address, a missing name in the letter settings …), kept so the school sees it on the
    pupil page and the letters page until a letter of that kind is written for the pupil
    (`resolved_by`) or someone records that it was dealt with another way."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    occasion = models.CharField(max_length=200, help_text=_("What called for the letter."))
    reason = models.TextField()
    created_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "pupil"], name="letternotwritten_pupil")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} not written for pupil {self.pupil_id}"
