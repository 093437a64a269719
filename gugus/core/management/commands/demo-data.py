"""`gugus demo-data`: the demo organisation, users and persons; prints the logins. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand

from gugus.core.demo import setup_demo


class Command(BaseCommand):
    help = "Create demo task forces, agencies, one user per role and synthetic persons; print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=40, help="Synthetic persons to create (first run).")

    def handle(self, *args, persons=40, **options):
        result = setup_demo(persons=persons)
        self.stdout.write(("Demo data created." if result.created else "Demo data already present.") + "\n")
        self.stdout.write("Demo logins (user name / password) — two-factor skipped in demo mode:")
        for username, password in result.logins.items():
            if username != result.totp_user:
                self.stdout.write(f"  {username:24} {password}")
        self.stdout.write(
            f"With two-factor sign-in: {result.totp_user} / {result.logins[result.totp_user]}; add the key "
            f"{result.totp_secret} to an authenticator app (or run `oathtool --totp -b {result.totp_secret}`)."
        )
        self.stdout.write(f"Open http://127.0.0.1:8000/ — data directory: {settings.DATA_DIR}")
