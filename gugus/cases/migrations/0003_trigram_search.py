"""PostgreSQL: trigram index for spelling-tolerant name search (SQLite uses phonetic keys instead)."""

from django.db import migrations

UP = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS cases_person_name_trgm ON cases_person USING gin (name_normalised gin_trgm_ops);
"""
DOWN = "DROP INDEX IF EXISTS cases_person_name_trgm;"


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_registry")]
    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
