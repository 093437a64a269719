"""In a real browser: the analyst works the review queue — confirms a scam post, downloads the takedown letter,
records it sent and removed — then ingests an export in which the offer comes back; the alert is shown."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from gugus.watch import actions
from gugus.watch import model as watch_model
from gugus.watch.ingest import Item
from gugus.watch.models import Alert, JobPost
from tests.factories import sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAM = ("Loker Kamboja customer service gaji 15jt, tiket gratis, tanpa pengalaman, berangkat cepat! "
        "Hubungi WA 0812-3456-7890. Biaya admin Rp 500.000 transfer ke rek BCA 1234567890")
REPOST = ("UPDATE loker Kamboja customer service gaji 15jt, tiket gratis, tanpa pengalaman, berangkat cepat! "
          "Hubungi WA 0857-1111-2222. Biaya admin Rp 500.000 transfer dulu ya")


@pytest.fixture(scope="module")
def small_model():
    return watch_model.train(n_seed=1500)


def test_review_takedown_and_reappearance_alert(page, org, tmp_path, monkeypatch, small_model):
    monkeypatch.setattr(watch_model, "get_model", lambda: small_model)
    actions.ingest_posts(actor=None, source="patroli", items=[Item("line 1", post={
        "text": SCAM, "url": "https://sosmed.example/facebook/posts/1", "author": "loker.resmi", "platform": "Facebook",
        "external_id": "", "posted_at": None})])
    post = JobPost.objects.get()
    assert post.level == "high"

    sign_in_browser(page, org.analyst)
    page.goto(page.base + "/pantauan/")
    page.locator(f"a[href='/pantauan/pos/{post.pk}/']").click()
    page.wait_for_url(f"**/pantauan/pos/{post.pk}/")
    review = page.locator(f"form[action='/pantauan/pos/{post.pk}/telaah/']")
    review.locator("input[name=decision][value=confirmed]").check()
    review.locator("#id_reason").fill("Tawaran CS ke Kamboja, biaya ke rekening pribadi")
    review.locator("button.primary").click()
    page.wait_for_url(f"**/pantauan/pos/{post.pk}/")

    takedown_form = page.locator(f"form[action='/pantauan/pos/{post.pk}/takedown/']")
    takedown_form.locator("#id_recipient").select_option("komdigi")
    takedown_form.locator("button.primary").click()
    page.wait_for_url("**/pantauan/takedown/*/")
    page.screenshot(path=str(tmp_path / "takedown.png"), full_page=True)
    page.goto(page.base + f"/pantauan/pos/{post.pk}/")
    page.screenshot(path=str(tmp_path / "post.png"), full_page=True)
    page.go_back()

    with page.expect_download() as download_info:
        page.locator("a[href$='/surat.pdf']").click()
    letter = tmp_path / "letter.pdf"
    download_info.value.save_as(letter)
    assert letter.read_bytes().startswith(b"%PDF")

    today = timezone.localdate().isoformat()
    for status in ("sent", "removed"):
        page.locator("#id_status").select_option(status)
        page.locator("#id_date").fill(today)
        page.locator("form:has(#id_status) button.primary").click()
        page.wait_for_load_state()
    assert post.takedowns.get().status == "removed"
    assert page.get_by_test_id("takedown-status").is_visible()

    export = tmp_path / "ekspor.jsonl"
    export.write_text(json.dumps({"text": REPOST, "url": "https://sosmed.example/tiktok/posts/9"}) + "\n"
                      + "bukan json\n", encoding="utf-8")
    page.goto(page.base + "/pantauan/unggah/")
    page.locator("#id_source").fill("Tim siber")
    page.locator("#id_file").set_input_files(str(export))
    page.locator("form[enctype] button.primary").click()
    result = page.get_by_test_id("ingest-result")
    assert "line 2" in result.inner_text()
    assert Alert.objects.count() == 1

    page.goto(page.base + "/pantauan/peringatan/")
    row = page.get_by_test_id("alert-row")
    assert row.count() == 1 and row.first.is_visible()
    assert post.takedowns.get().number in row.first.inner_text()
    page.screenshot(path=str(tmp_path / "alerts.png"), full_page=True)
