"""The in-product watch: case links only within scope, review, takedown letter and its status, alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gugus.audit.models import AuditEvent
from gugus.cases import actions as cases
from gugus.core.errors import GugusError, PermissionDenied
from gugus.watch import actions, selectors
from gugus.watch import model as watch_model
from gugus.watch.ingest import Item
from gugus.watch.model import read_reviewed
from gugus.watch.models import Alert, JobPost, TakedownStatus
from gugus.watch.screening import Screener
from tests.factories import make_person, sign_in

SCAM = ("Loker Kamboja customer service gaji 15jt, tiket gratis, tanpa pengalaman, berangkat cepat! "
        "Hubungi WA 0812-3456-7890. Biaya admin Rp 500.000 transfer ke rek BCA 1234567890")
REPOST = ("UPDATE loker Kamboja customer service gaji 15jt, tiket gratis, tanpa pengalaman, berangkat cepat! "
          "Hubungi WA 0857-1111-2222. Biaya admin Rp 500.000 transfer dulu ya")
OTHER = "Dicari ART ke Arab Saudi visa ziarah, gaji 7jt, langsung berangkat. WA +62 812 3456 7890"
URL = "https://www.facebook.com/groups/lokerluar/posts/77"


@pytest.fixture(autouse=True)
def _small_model(monkeypatch, trained_model):
    monkeypatch.setattr(watch_model, "get_model", lambda: trained_model)


def ingest(*posts, actor=None):
    items = [Item(f"line {n}", post={"url": "", "author": "", "external_id": "", "platform": "",
                                     "posted_at": None, **p}) for n, p in enumerate(posts, 1)]
    return actions.ingest_posts(actor=actor, source="test", items=items, screener=Screener(
        model=watch_model.get_model(), group=False))


@pytest.fixture
def recruiter_case(org):
    """A Malang case whose perpetrator (the recruiter) has the phone number of the scam post."""
    user = org.malang_investigator
    case = cases.create_case(actor=user, reported_on="2025-05-02", summary="Perekrutan ke Kamboja")
    recruiter = make_person(user, "Agus Salim", phone="+62 812-3456-7890")
    cases.add_participant(actor=user, case=case, person=recruiter, role="perpetrator",
                          perpetrator_roles=["RecruiterOrIntermediary"])
    return case


def test_phone_match_is_shown_only_within_scope(org, recruiter_case, client):
    ingest({"text": SCAM, "url": URL})
    post = JobPost.objects.get()
    matches = selectors.case_matches(org.malang_investigator, post)
    assert [(m.case, m.kind, m.role) for m in matches] == [(recruiter_case, "phone", "perpetrator")]
    assert selectors.case_matches(org.jatim_supervisor, post)[0].case == recruiter_case
    assert AuditEvent.objects.filter(action="watch.case_match_view", actor_id=org.malang_investigator.pk).exists()
    # Another kabupaten's investigator, and the analyst (no person data), learn nothing.
    assert selectors.case_matches(org.blitar_investigator, post) == []
    assert selectors.case_matches(org.analyst, post) == []
    assert [p for p, _c in selectors.matched_posts(org.malang_investigator)] == [post]
    assert selectors.matched_posts(org.blitar_investigator) == []

    url = reverse("watch:post_detail", args=[post.pk])
    sign_in(client, org.malang_investigator)
    page = client.get(url).content.decode()
    assert recruiter_case.reference in page and 'data-testid="case-matches"' in page
    for user in (org.blitar_investigator, org.analyst):
        sign_in(client, user)
        page = client.get(url).content.decode()
        assert client.get(url).status_code == 200
        assert recruiter_case.reference not in page and 'data-testid="case-matches"' not in page
    sign_in(client, org.blitar_investigator)
    assert recruiter_case.reference not in client.get(reverse("watch:matches")).content.decode()


def test_roles_without_watch_rights_get_404(org, client):
    ingest({"text": SCAM, "url": URL})
    post = JobPost.objects.get()
    for user in (org.auditor, org.national_admin, org.kbri_staff):
        sign_in(client, user)
        assert client.get(reverse("watch:queue")).status_code == 404
        assert client.get(reverse("watch:post_detail", args=[post.pk])).status_code == 404
    # An investigator may look but not decide.
    sign_in(client, org.malang_investigator)
    assert client.get(reverse("watch:queue")).status_code == 200
    response = client.post(reverse("watch:post_review", args=[post.pk]),
                           {"decision": "confirmed", "reason": "looks like a scam offer"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        actions.review_post(actor=org.malang_investigator, post=post, decision="confirmed", reason="x" * 20)
    assert JobPost.objects.get().status == "new"


def test_queue_lists_high_risk_posts_with_bounded_queries(org, client):
    ingest(*[{"text": SCAM.replace("15jt", f"{n}jt"), "url": f"{URL}{n}"} for n in range(12, 24)],
           {"text": "Dicari kasir minimarket di Malang, gaji UMR, datang langsung bawa CV."})
    sign_in(client, org.analyst)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("watch:queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('href="/pantauan/pos/') == 12 and "kasir" not in page
    assert len(queries) <= 12


def test_review_takedown_letter_and_status(org, client):
    ingest({"text": SCAM, "url": URL, "author": "loker.kamboja.resmi"})
    post = JobPost.objects.get()
    analyst = org.analyst
    with pytest.raises(GugusError) as err:
        actions.review_post(actor=analyst, post=post, decision="confirmed", reason="scam")
    assert err.value.field == "reason"
    with pytest.raises(GugusError):
        actions.request_takedown(actor=analyst, post=post, recipient="komdigi")  # not confirmed yet

    sign_in(client, analyst)
    response = client.post(reverse("watch:post_review", args=[post.pk]),
                           {"decision": "confirmed", "reason": "Tawaran CS ke Kamboja, biaya ke rekening pribadi"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == "confirmed" and post.reviewed_by == analyst
    assert AuditEvent.objects.filter(action="watch.post_confirmed", object_id=str(post.pk)).exists()

    response = client.post(reverse("watch:takedown_create", args=[post.pk]), {"recipient": "komdigi"})
    takedown = post.takedowns.get()
    assert response.status_code == 302 and takedown.status == TakedownStatus.DRAFT
    assert takedown.number == f"TD/{timezone.localdate().year}/00001"
    with pytest.raises(GugusError):  # one open request per recipient
        actions.request_takedown(actor=analyst, post=post, recipient="komdigi")
    with pytest.raises(GugusError):  # confirmed posts with a request stay confirmed
        actions.review_post(actor=analyst, post=post, decision="dismissed", reason="changed my mind here")

    letter = client.get(reverse("watch:takedown_letter", args=[takedown.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF") and len(letter.content) > 2000

    today = timezone.localdate()
    with pytest.raises(GugusError):  # a draft cannot be removed before it is sent
        actions.set_takedown_status(actor=analyst, takedown=takedown, status="removed", date=today)
    with pytest.raises(GugusError) as err:
        actions.set_takedown_status(actor=analyst, takedown=takedown, status="sent",
                                    date=today + dt.timedelta(days=1))
    assert err.value.field == "date"
    detail = reverse("watch:takedown_detail", args=[takedown.pk])
    assert client.post(detail, {"status": "sent", "date": today.isoformat()}).status_code == 302
    with pytest.raises(GugusError):  # before the letter was sent
        actions.set_takedown_status(actor=analyst, takedown=takedown, status="acknowledged",
                                    date=today - dt.timedelta(days=3))
    actions.set_takedown_status(actor=analyst, takedown=takedown, status="acknowledged", date=today,
                                recipient_reference="KOMDIGI/ADU/123")
    client.post(detail, {"status": "removed", "date": today.isoformat(), "note": "Konten tidak dapat diakses"})
    takedown.refresh_from_db()
    assert (takedown.status, takedown.sent_on, takedown.acknowledged_on, takedown.removed_on) == (
        "removed", today, today, today)
    assert takedown.recipient_reference == "KOMDIGI/ADU/123" and "tidak dapat diakses" in takedown.note
    assert AuditEvent.objects.filter(action="watch.takedown_status", object_id=str(takedown.pk)).count() == 3
    with pytest.raises(GugusError):
        actions.set_takedown_status(actor=analyst, takedown=takedown, status="rejected", date=today)

    export = client.get(reverse("watch:decisions_export"))
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert len(lines) == 1 and '"decision": "confirmed"' in lines[0]


def test_reviewer_decisions_feed_watch_train(org, tmp_path):
    ingest({"text": SCAM, "url": URL}, {"text": OTHER})
    first, second = JobPost.objects.order_by("id")
    actions.review_post(actor=org.secretariat, post=first, decision="confirmed", reason="penipuan rekrutmen")
    actions.review_post(actor=org.secretariat, post=second, decision="dismissed", reason="sudah diklarifikasi")
    path = tmp_path / "decisions.jsonl"
    path.write_text("".join(selectors.decisions_jsonl(org.secretariat)), encoding="utf-8")
    texts, labels = read_reviewed([path])
    assert labels == [1, 0] and texts[0] == SCAM
    with pytest.raises(PermissionDenied):
        list(selectors.decisions_jsonl(org.malang_investigator))
    out = tmp_path / "from-command.jsonl"
    call_command("watch-decisions", "--output", str(out))
    assert out.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def _removed_takedown(org):
    ingest({"text": SCAM, "url": URL})
    post = JobPost.objects.get()
    actor = org.secretariat
    actions.review_post(actor=actor, post=post, decision="confirmed", reason="penipuan rekrutmen ke Kamboja")
    takedown = actions.request_takedown(actor=actor, post=post, recipient="platform")
    today = timezone.localdate()
    actions.set_takedown_status(actor=actor, takedown=takedown, status="sent", date=today)
    actions.set_takedown_status(actor=actor, takedown=takedown, status="removed", date=today)
    return takedown


def test_removed_post_reappearing_raises_alerts_on_text_and_phone(org, client):
    takedown = _removed_takedown(org)
    result = ingest({"text": REPOST, "url": "https://www.facebook.com/groups/lain/posts/1"})
    assert result.alerts == 1
    text_alert = Alert.objects.get()
    assert text_alert.kind == "text" and text_alert.takedown == takedown and text_alert.similarity >= 0.6
    result = ingest({"text": OTHER, "url": "https://www.tiktok.com/@agen/video/5"})
    phone_alert = Alert.objects.get(kind="phone")
    assert result.alerts == 1 and phone_alert.post.url.endswith("/video/5")
    # A post with neither raises nothing.
    assert ingest({"text": "Lowongan guru SD di Blitar, kirim lamaran ke dinas pendidikan."}).alerts == 0
    # The removed post itself seen again: still online, one alert however often it is seen.
    assert ingest({"text": SCAM, "url": URL}).alerts == 1
    assert ingest({"text": SCAM, "url": URL}).alerts == 0
    still = Alert.objects.get(post=takedown.post)
    assert (still.kind, still.similarity) == ("text", 1.0)

    sign_in(client, org.analyst)
    page = client.get(reverse("watch:alert_list")).content.decode()
    assert page.count('data-testid="alert-row"') == 3 and takedown.number in page
    response = client.post(reverse("watch:alert_close", args=[phone_alert.pk]),
                           {"note": "Surat takedown baru dikirim"})
    assert response.status_code == 302
    assert client.get(reverse("watch:alert_list")).content.decode().count('data-testid="alert-row"') == 2
    assert AuditEvent.objects.filter(action="watch.alert_close").exists()


def test_upload_page_ingests_an_export_with_per_line_errors(org, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in(client, org.secretariat)
    data = f'{{"text": "{SCAM}", "url": "{URL}"}}\nnot json\n'.encode()
    response = client.post(reverse("watch:upload"), {"source": "Tim siber", "file": SimpleUploadedFile(
        "ekspor.jsonl", data, content_type="application/json")})
    page = response.content.decode()
    assert response.status_code == 200 and "line 2: invalid JSON" in page
    assert JobPost.objects.get().source == "Tim siber"


def test_nav_helpers_for_the_main_menu(org):
    from django.template import engines

    template = engines["django"].from_string(
        "{% load gugus_watch %}{% if user|can_watch %}watch {% open_watch_alerts user %}{% endif %}")
    assert template.render({"user": org.analyst}) == "watch 0"
    assert template.render({"user": org.malang_investigator}) == "watch 0"
    assert template.render({"user": org.auditor}) == ""
