"""`gugus demo-data`: the demo organisation, users, persons and cases; prints the logins. Idempotent.

``--persons N`` adds a synthetic national registry of N persons and (by default) 0.3 N cases on top of the
demo (see gugus/core/scale.py and docs/demo-data.md); a second run with the same ``--seed`` adds nothing.
"""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gugus.core import scale
from gugus.core.demo import setup_demo


class Command(BaseCommand):
    help = ("Create demo task forces, agencies, one user per role, synthetic persons and cases; print the "
            "logins. With --persons N, add a synthetic national registry of N persons.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=None,
                            help="Add a synthetic national registry of this many persons (up to 1,000,000).")
        parser.add_argument("--cases", type=int, default=None,
                            help="Cases of the national registry (default: 0.3 per person).")
        parser.add_argument("--seed", type=int, default=7, help="Seed of the national registry.")
        parser.add_argument("--batch", type=int, default=2000, help="Cases written per transaction.")

    def handle(self, *args, persons=None, cases=None, seed=7, batch=2000, **options):
        if persons is not None and not (0 < persons <= 1_000_000):
            raise CommandError("--persons must be between 1 and 1,000,000.")
        started = time.monotonic()
        result = setup_demo()
        self._room_demos()
        result = setup_demo()  # the rooms may add logins (e.g. an immigration officer); reread them
        self.stdout.write(("Demo data ready") + f" ({time.monotonic() - started:.1f} s).\n")
        if persons:
            self._scale(persons, cases, seed, batch)
        self.stdout.write("Demo logins (user name / password) — two-factor skipped in demo mode:")
        for username, password in result.logins.items():
            if username != result.totp_user:
                self.stdout.write(f"  {username:24} {password}")
        self.stdout.write(
            f"With two-factor sign-in: {result.totp_user} / {result.logins[result.totp_user]}; add the key "
            f"{result.totp_secret} to an authenticator app (or run `oathtool --totp -b {result.totp_secret}`)."
        )
        self.stdout.write(f"Open http://127.0.0.1:8000/ — data directory: {settings.DATA_DIR}")

    def _room_demos(self):
        """Each room adds its own demo records on top of the organisation and cases; each is idempotent.
        Watch comes before migrants: a prevented departure's recruiter is linked to the watch demo's case."""
        from gugus.care.demo import add_care_demo
        from gugus.migrants.demo import add_migrants_demo
        from gugus.plans.demo import add_plans_demo
        from gugus.watch.demo import add_watch_demo

        for add in (add_care_demo, add_plans_demo, add_watch_demo, add_migrants_demo):
            add()

    def _scale(self, persons, cases, seed, batch):
        earlier = scale.already_generated(seed)
        if earlier:
            self.stdout.write(f"National registry with seed {seed} already generated "
                              f"({earlier.get('persons', 0):,} persons, {earlier.get('cases', 0):,} cases); "
                              "use another --seed to add more.")
            return
        tty = sys.stdout.isatty()

        def progress(message):
            if tty:
                self.stdout.write(f"\r{message}", ending="")
                self.stdout.flush()
            else:
                self.stdout.write(message)

        result = scale.generate(persons=persons, cases=cases, seed=seed, batch=batch, progress=progress)
        if tty:
            self.stdout.write("")
        self.stdout.write(
            f"National registry: {result.persons:,} persons ({result.identifiers:,} identifiers), "
            f"{result.cases:,} cases, {result.participants:,} participants, {result.events:,} events, "
            f"{result.stages:,} stages, {result.verdicts:,} verdicts, {result.identifications:,} "
            f"identifications in {result.seconds:.0f} s.")
        victims = result.victims
        total = sum(victims.values()) or 1
        self.stdout.write("Victims: " + ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(victims.items())))
