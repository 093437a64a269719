"""Demo job posts for the demo organisation (gugus/core/demo.py).

``add_watch_demo()`` writes through the actions, as a monitoring team would, and is idempotent (a second
run finds the demo posts and adds nothing):

- a case of penyidik.malang whose recruiter has the phone number :data:`RECRUITER_PHONE`;
- about 200 synthetic posts from the engine's corpus generator (scams, warnings, news, legal
  placements, ordinary ads) with some reposts, and one scam post carrying the recruiter's phone — so
  penyidik.malang (and Polda Jatim) see "this number is a recruiter's phone in case …", others do not;
- that post confirmed by the analyst, a takedown request to Komdigi sent and the post removed;
- a later repost of it with a new phone number, and another offer with the recruiter's phone: two alerts.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from gugus.accounts.models import User
from gugus.cases import actions as cases
from gugus.cases.models import Case
from gugus.watch import actions, corpus
from gugus.watch.ingest import Item
from gugus.watch.models import JobPost, ReviewStatus

SOURCE = "Demo: tim patroli siber"
CASE_KEY = "watch-demo-case"
RECRUITER_PHONE = "0812-7000-3141"
PLATFORMS = ["Facebook", "TikTok", "Instagram", "Telegram", "X"]
REMOVED_TEXT = (
    "DIBUTUHKAN SEGERA customer service online di Sihanoukville, Kamboja. Gaji 15jt/bulan + bonus, tanpa "
    "pengalaman, tiket & visa ditanggung, berangkat minggu depan pakai visa turis. Biaya admin Rp 1.500.000 "
    "transfer ke rek BCA 7310 0423 55 a.n. pribadi. Minat? WA {phone}"
)
SAME_PHONE_TEXT = ("Lowongan admin data entry di Myawaddy, Myanmar, gaji 18 juta, tiket gratis, langsung "
                   "berangkat. Paspor dikirim dulu ke agen. Hubungi {phone}")


def _post(n: int, text: str, platform: str, when: dt.datetime) -> Item:
    return Item(f"demo {n}", post={
        "text": text, "url": f"https://sosmed.example/{platform.lower()}/posts/{n}", "author": f"akun.demo{n % 37}",
        "external_id": f"demo-{n}", "platform": platform, "posted_at": when,
    })


def _recruiter_case(investigator: User) -> Case:
    existing = Case.objects.filter(intake_key=CASE_KEY).first()
    if existing:
        return existing
    case = cases.create_case(actor=investigator, reported_on=timezone.localdate() - dt.timedelta(days=60),
                             summary="Perekrutan daring ke perusahaan penipuan online di Kamboja (data contoh).",
                             intake_key=CASE_KEY)
    recruiter, _warnings = cases.create_person(actor=investigator, full_name="Hendra Gunawan (contoh)", sex="M",
                                               phone=RECRUITER_PHONE, bank_account="7310042355")
    cases.add_participant(actor=investigator, case=case, person=recruiter, role="perpetrator",
                          perpetrator_roles=["RecruiterOrIntermediary"])
    return case


def add_watch_demo(*, posts: int = 200, seed: int = 2026) -> int:
    """Adds the demo posts, review, takedown and alerts. Returns the number of demo posts (0 without the
    demo organisation)."""
    if JobPost.objects.filter(source=SOURCE).exists():
        return JobPost.objects.filter(source=SOURCE).count()
    investigator = User.objects.filter(username="penyidik.malang").first()
    analyst = User.objects.filter(username="analis.pusat").first()
    secretariat = User.objects.filter(username="sekretariat.pusat").first()
    if investigator is None or analyst is None or secretariat is None:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        _recruiter_case(investigator)
        generated = list(corpus.generate(int(posts * 0.85), seed=seed, id_prefix="demo"))
        items = []
        for n, p in enumerate(generated):
            when = now - dt.timedelta(days=30, hours=rng.randint(0, 400))
            items.append(_post(n, p.text, rng.choice(PLATFORMS), when))
        for k in range(posts - len(generated) - 1):
            original = rng.choice([p for p in generated if p.label] or generated)
            copy = corpus.repost(original, rng, f"demo-r{k}")
            when = now - dt.timedelta(days=rng.randint(5, 28))
            items.append(_post(1000 + k, copy.text, rng.choice(PLATFORMS), when))
        removed_item = _post(9000, REMOVED_TEXT.format(phone=RECRUITER_PHONE), "Facebook", now - dt.timedelta(days=21))
        items.append(removed_item)
        actions.ingest_posts(actor=analyst, source=SOURCE, items=items)

        post = JobPost.objects.get(external_id="demo-9000", source=SOURCE)
        actions.review_post(actor=analyst, post=post, decision=ReviewStatus.CONFIRMED,
                            reason="Tawaran kerja ke Kamboja tanpa P3MI, visa turis, biaya ke rekening pribadi.")
        takedown = actions.request_takedown(actor=secretariat, post=post, recipient="komdigi",
                                            letter_date=today - dt.timedelta(days=14))
        actions.set_takedown_status(actor=secretariat, takedown=takedown, status="sent",
                                    date=today - dt.timedelta(days=14))
        actions.set_takedown_status(actor=secretariat, takedown=takedown, status="acknowledged",
                                    date=today - dt.timedelta(days=12), recipient_reference="ADUAN-CONTOH/0412")
        actions.set_takedown_status(actor=secretariat, takedown=takedown, status="removed",
                                    date=today - dt.timedelta(days=7), note="Konten tidak dapat diakses lagi.")
        # It comes back: the same offer with a new number, and a new offer with the recruiter's phone.
        actions.ingest_posts(actor=analyst, source=SOURCE, items=[
            _post(9001, "INFO LAGI!! " + REMOVED_TEXT.format(phone="0857 2211 9090"), "TikTok",
                  now - dt.timedelta(days=2)),
            _post(9002, SAME_PHONE_TEXT.format(phone=RECRUITER_PHONE), "Telegram", now - dt.timedelta(days=1)),
        ])
    return JobPost.objects.filter(source=SOURCE).count()
