"""A database guard for the 3-year limit (rules §4.4): whatever writes the row (the
services, the admin, an import, raw SQL), the database refuses a penalty notice that would
put 3 counting notices to one parent for one child inside 3 years.

A notice counts once issued, unless withdrawn or declined. Three dates lie inside one
3-year period when the earliest is after the latest less 3 years (29 February less 3 years
is 28 February, as in `penalties.rules.three_years_before`). On PostgreSQL the trigger
first locks the parent's row, so two transactions issuing at once are checked one after
the other.
"""

from django.db import migrations

COUNTING = "('issued', 'paid', 'prosecuted')"
MESSAGE = "penalty notice limit: this parent already has 2 notices for this child within 3 years"

PAIR = f"""
    SELECT 1 FROM penalties_penaltynotice a
    JOIN penalties_penaltynotice b ON a.id < b.id
    WHERE a.guardian_id = NEW.guardian_id AND a.pupil_id = NEW.pupil_id
      AND b.guardian_id = NEW.guardian_id AND b.pupil_id = NEW.pupil_id
      AND a.status IN {COUNTING} AND b.status IN {COUNTING}
      AND a.issued_on IS NOT NULL AND b.issued_on IS NOT NULL
"""

SQLITE_WITHIN = """
      AND a.id IS NOT NEW.id AND b.id IS NOT NEW.id
      AND min(a.issued_on, b.issued_on, NEW.issued_on) >
          printf('%04d', CAST(substr(max(a.issued_on, b.issued_on, NEW.issued_on), 1, 4)
                 AS INTEGER) - 3) || substr(max(a.issued_on, b.issued_on, NEW.issued_on), 5)
"""


def _sqlite_trigger(event: str) -> str:
    return f"""
CREATE TRIGGER penalties_pn_limit_{event.lower()} BEFORE {event} ON penalties_penaltynotice
WHEN NEW.issued_on IS NOT NULL AND NEW.status IN {COUNTING}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}') WHERE EXISTS ({PAIR} {SQLITE_WITHIN});
END;
"""


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION penalties_pn_limit() RETURNS trigger AS $$
BEGIN
    IF NEW.issued_on IS NULL OR NEW.status NOT IN {COUNTING} THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM registers_guardian WHERE id = NEW.guardian_id FOR UPDATE;
    IF EXISTS ({PAIR}
      AND a.id IS DISTINCT FROM NEW.id AND b.id IS DISTINCT FROM NEW.id
      AND LEAST(a.issued_on, b.issued_on, NEW.issued_on) >
          (GREATEST(a.issued_on, b.issued_on, NEW.issued_on) - interval '3 years')::date
    ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER penalties_pn_limit BEFORE INSERT OR UPDATE ON penalties_penaltynotice
FOR EACH ROW EXECUTE FUNCTION penalties_pn_limit();
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(_sqlite_trigger("INSERT"))
        schema_editor.execute(_sqlite_trigger("UPDATE"))
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS penalties_pn_limit_insert")
        schema_editor.execute("DROP TRIGGER IF EXISTS penalties_pn_limit_update")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS penalties_pn_limit ON penalties_penaltynotice;"
            "DROP FUNCTION IF EXISTS penalties_pn_limit();"
        )


class Migration(migrations.Migration):
    dependencies = [("penalties", "0002_national_terms")]

    operations = [migrations.RunPython(create, drop)]
