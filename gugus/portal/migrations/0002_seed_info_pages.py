"""Seeds the public information pages from data/info.toml (pages that already exist are left alone)."""

import tomllib
from pathlib import Path

from django.db import migrations


def seed(apps, schema_editor):
    InfoPage = apps.get_model("portal", "InfoPage")
    data = tomllib.loads((Path(__file__).resolve().parent.parent / "data" / "info.toml").read_text(encoding="utf-8"))
    for page in data["page"]:
        InfoPage.objects.get_or_create(slug=page["slug"], defaults={
            "order": page["order"], "title_id": page["title_id"], "title_en": page["title_en"],
            "body_id": page["body_id"].strip(), "body_en": page["body_en"].strip(),
        })


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
