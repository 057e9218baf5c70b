import datetime as dt


class IsoDateConverter:
    """`2025-01-13` in a URL path, as a date; an impossible date is a 404, not a 500."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(value) from exc

    def to_url(self, value: dt.date) -> str:
        return value.isoformat()


class SessionConverter:
    regex = "AM|PM"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
