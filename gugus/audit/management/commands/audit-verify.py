"""`gugus audit-verify`: checks the audit log's hash chain; exits non-zero at the first broken event."""

from django.core.management.base import BaseCommand, CommandError

from gugus.audit.actions import verify_chain


class Command(BaseCommand):
    help = "Verify the tamper-evident hash chain of the audit log."

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain BROKEN at event #{result.first_broken}: {result.problem}. "
                f"{result.checked} events before it are intact."
            )
        self.stdout.write(f"Audit chain intact: {result.checked} events verified.")
