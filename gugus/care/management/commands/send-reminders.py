"""`gugus send-reminders`: in-app and e-mail reminders of services due soon or overdue.

Run it daily from a scheduler (cron, systemd timer, Celery beat). It is idempotent per service per day:
running it twice on the same day sends nothing new.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gugus.care.actions import send_reminders


class Command(BaseCommand):
    help = "Remind providers and requesting agencies of victim services due soon or overdue (once a day each)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD); for catching up.")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        count = send_reminders(today=today)
        self.stdout.write(f"{count} reminder(s) sent.")
