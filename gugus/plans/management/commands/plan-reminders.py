"""`gugus plan-reminders`: e-mails the owner agencies of follow-up tasks that are due soon or overdue.

Safe to run as often as you like (cron, hourly or daily): each task is reminded at most once per day.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gugus.plans.actions import send_reminders


class Command(BaseCommand):
    help = "Remind owner agencies of follow-up tasks due soon or overdue (at most once per task per day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--days-before", type=int, default=None,
                            help="Remind this many days before the due date (default: data/plans.toml).")

    def handle(self, *args, date=None, days_before=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD.") from None
        counts = send_reminders(today=today, days_before=days_before)
        self.stdout.write(f"Reminded {counts['tasks']} task(s), {counts['overdue']} overdue; "
                          f"{counts['emails']} e-mail(s) sent.")
