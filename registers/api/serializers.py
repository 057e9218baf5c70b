"""What the register's endpoints read and write."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registers.codes import CODES
from registers.models import CalendarEntry, Guardian, Mark, Pupil, School, SchoolSession, Session


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "08:45"})
class ClockTime(serializers.TimeField):
    """A register time as HH:MM, Europe/London wall-clock time."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%H:%M", **kwargs)


class SchoolSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="trust.name", default=None, read_only=True)
    am_opens = ClockTime(read_only=True)
    am_closes = ClockTime(read_only=True)
    pm_opens = ClockTime(read_only=True)
    pm_closes = ClockTime(read_only=True)

    class Meta:
        model = School
        fields = [
            "urn", "name", "phase", "trust", "local_authority",
            "am_opens", "am_closes", "pm_opens", "pm_closes",
        ]  # fmt: skip


class CalendarEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarEntry
        fields = ["start_date", "end_date", "kind", "sessions", "label"]


class SessionSerializer(serializers.ModelSerializer):
    school_week = serializers.IntegerField(source="week.number", read_only=True)

    class Meta:
        model = SchoolSession
        fields = ["date", "session", "school_week"]


class PupilSerializer(serializers.ModelSerializer):
    registration_group = serializers.CharField(read_only=True)
    admission_date = serializers.DateField(read_only=True)
    leaving_date = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Pupil
        fields = [
            "id", "upn", "forename", "surname", "date_of_birth", "year_group",
            "registration_group", "admission_date", "leaving_date",
            "fsm", "pupil_premium", "send", "eal", "cla", "social_worker", "young_carer",
        ]  # fmt: skip


class GuardianSerializer(serializers.ModelSerializer):
    relationship = serializers.CharField(read_only=True)
    parental_responsibility = serializers.BooleanField(read_only=True)
    lives_with = serializers.BooleanField(read_only=True)
    priority = serializers.IntegerField(read_only=True, help_text="1 = first contact")

    class Meta:
        model = Guardian
        fields = [
            "id", "name", "relationship", "parental_responsibility", "lives_with", "priority",
            "phone", "email", "address", "postcode",
        ]  # fmt: skip


class MarkSerializer(serializers.ModelSerializer):
    pupil = serializers.IntegerField(source="pupil_id", read_only=True)
    upn = serializers.CharField(source="pupil.upn", read_only=True)
    code = serializers.CharField(source="code_id", read_only=True)
    meaning = serializers.SerializerMethodField()

    class Meta:
        model = Mark
        fields = [
            "pupil", "upn", "date", "session", "code", "meaning", "minutes_late",
            "recorded_at", "source",
        ]  # fmt: skip

    def get_meaning(self, mark: Mark) -> str:
        return CODES[mark.code_id].meaning


def _code(value: str) -> str:
    if value not in CODES:
        raise serializers.ValidationError(f"{value!r} is not a 2024 attendance code.")
    return value


class SlotSerializer(serializers.Serializer):
    pupil = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    code = serializers.CharField(max_length=2, validators=[_code])
    minutes_late = serializers.IntegerField(
        min_value=0, max_value=600, required=False, allow_null=True
    )


class BaselineSlotSerializer(serializers.Serializer):
    pupil = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    code = serializers.CharField(max_length=2, allow_null=True, validators=[_code])
    minutes_late = serializers.IntegerField(
        min_value=0, max_value=600, required=False, allow_null=True
    )


class RegisterWriteSerializer(serializers.Serializer):
    """A whole register for one group and session, saved as the register screen does."""

    registration_group = serializers.CharField(max_length=20)
    date = serializers.DateField()
    session = serializers.ChoiceField(choices=Session.choices)
    marks = SlotSerializer(many=True, allow_empty=False, max_length=500)
    baseline = BaselineSlotSerializer(
        many=True,
        required=False,
        max_length=500,
        help_text=(
            "What the caller last read for each pupil (code null when unmarked). A mark "
            "stored since then by someone else makes the save fail with 409 and nothing "
            "written. Without it, the marks stored now are the baseline (last write wins)."
        ),
    )

    def validate_marks(self, value: list[dict]) -> list[dict]:
        pupils = [m["pupil"] for m in value]
        if len(pupils) != len(set(pupils)):
            raise serializers.ValidationError("Each pupil may appear once.")
        return value


class MarkWriteSerializer(serializers.Serializer):
    """One session's mark for one pupil, recorded or amended with a reason."""

    pupil = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    date = serializers.DateField()
    session = serializers.ChoiceField(choices=Session.choices)
    code = serializers.CharField(max_length=2, validators=[_code])
    minutes_late = serializers.IntegerField(
        min_value=0, max_value=600, required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=500, help_text="Why the mark is recorded or amended.")


class WriteResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ConflictSerializer(serializers.Serializer):
    pupil = serializers.IntegerField()
    stored_code = serializers.CharField(allow_null=True)
    stored_by = serializers.CharField()
    submitted_code = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    label = serializers.CharField()
    previous_code = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    minutes_late = serializers.IntegerField(allow_null=True)
    at = serializers.DateTimeField()
    by_name = serializers.CharField()
    by_position = serializers.CharField()
    reason = serializers.CharField()
    source = serializers.CharField()
