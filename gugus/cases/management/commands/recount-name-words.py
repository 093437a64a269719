"""`gugus recount-name-words`: count again how many persons hold each word of the name index.

The name search only uses the counts to start from the rarest typed word; a word stored for the first time
gets its count then, and later writes leave it alone (no hot row for every write). Run it nightly (the
Celery beat schedule does) or after a bulk import.
"""

import time

from django.core.management.base import BaseCommand

from gugus.cases.name_index import recount_words


class Command(BaseCommand):
    help = "Count again how many persons hold each word of the name search's index."

    def handle(self, *args, **options):
        started = time.monotonic()
        words = recount_words()
        self.stdout.write(f"Recounted {words:,} name words in {time.monotonic() - started:.1f} s.")
