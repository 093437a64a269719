"""In a real browser: a report from the public reaches the right region's intake queue and becomes a case;
a scam offer pasted into the checker shows its red flags and can be reported."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from gugus.portal import offers
from gugus.portal.models import Report
from tests.factories import PASSWORD, current_code, enrol_totp
from tests.portal.conftest import make_task_forces

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAM = ("LOKER KAMBOJA!!! Dibutuhkan admin / customer service, gaji 15jt, tanpa pengalaman, tiket & visa "
        "ditanggung, berangkat cepat pakai visa turis. Biaya admin 2jt transfer ke rek BCA 1234567890 a.n. "
        "pribadi. Hubungi WA 081234567890")


@pytest.fixture(scope="module")
def screener():
    from gugus.watch import model as watch_model
    from gugus.watch.screening import Screener

    return Screener(model=watch_model.train(n_seed=2000), group=False)


@pytest.fixture(autouse=True)
def _portal(settings, tmp_path, screener):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    offers.set_screener(screener)
    yield
    cache.clear()


def sign_in(page, user, device, next_path: str) -> None:
    page.goto(page.base + next_path)
    assert "/masuk/" in page.url
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Lanjutkan").click()
    page.wait_for_url("**/masuk/kode/**")
    page.get_by_label("Kode sekali pakai").fill(current_code(device))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(lambda url: "/masuk/" not in url)
    if next_path not in page.url:
        page.goto(page.base + next_path)


def test_a_report_reaches_the_right_regions_intake_queue_and_becomes_a_case(page, regions, tmp_path):
    _tf, users = make_task_forces()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(page.base + "/portal/")
    assert page.get_by_test_id("quick-exit").get_attribute("href") == "https://www.google.com/"
    page.locator("a.card").first.click()
    page.wait_for_url("**/portal/lapor/")

    page.locator("#id_what").fill("Kakak saya dijanjikan kerja di Malaysia, sekarang disekap dan tidak digaji.")
    page.locator("#id_province").select_option("35")
    # portal.js narrows the regency list to the chosen province.
    assert page.locator("#id_regency optgroup[label='Jawa Tengah']").is_hidden()
    page.locator("#id_regency").select_option("35.07")
    page.locator("#id_contact_way").select_option("whatsapp")
    page.locator("#id_contact").fill("081298765432")
    page.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)
    page.locator("form.report button[type=submit]").click()
    code = page.get_by_test_id("tracking-code").inner_text()
    secret = page.get_by_test_id("secret").inner_text()
    assert "portal" in page.url and code not in page.url and secret not in page.url
    report = Report.objects.get(tracking_code=code)
    assert report.task_force.name == "Gugus Tugas Kab. Malang"

    # The status page takes the code and the secret by POST.
    page.goto(page.base + "/portal/status/")
    page.locator("#id_tracking_code").fill(code)
    page.locator("#id_secret").fill(secret)
    page.locator("main form button[type=submit]").click()
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "received"

    # The Kab. Malang secretariat finds it in its queue and opens a case.
    page.set_viewport_size({"width": 1366, "height": 768})
    malang = users.malang
    sign_in(page, malang, enrol_totp(malang), "/portal/staf/pengaduan/")
    queue = page.get_by_test_id("intake-queue")
    assert queue.get_by_role("link", name=code).is_visible()
    queue.get_by_role("link", name=code).click()
    assert page.get_by_text("081298765432").is_visible()
    page.locator("button[name=do][value=case]").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == "case" and report.case is not None
    assert page.get_by_role("link", name=report.case.reference).is_visible()

    # The reporter now reads that the report is being followed up.
    page.context.clear_cookies()
    page.goto(page.base + "/portal/status/")
    page.locator("#id_tracking_code").fill(code)
    page.locator("#id_secret").fill(secret)
    page.locator("main form button[type=submit]").click()
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "case"


def test_a_scam_offer_shows_its_red_flags_and_can_be_reported(page, regions, tmp_path):
    make_task_forces()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/portal/cek-lowongan/")
    page.locator("#id_text").fill(SCAM)
    page.locator("main > form button[type=submit]").click()
    result = page.get_by_test_id("check-result")
    assert result.get_attribute("data-level") == "high"
    flags = result.locator("ul.flags li")
    assert flags.count() >= 3
    codes = [flags.nth(i).get_attribute("data-code") for i in range(flags.count())]
    assert "DEST_SCAM_HOTSPOT" in codes and "FEE_TO_PERSONAL_ACCOUNT" in codes
    assert flags.first.inner_text().strip()  # explained in words, not codes
    page.screenshot(path=str(tmp_path / "check-phone.png"), full_page=True)

    result.locator("button[type=submit]").click()
    page.wait_for_url("**/portal/lapor/")
    assert "LOKER KAMBOJA" in page.locator("#id_what").input_value()
    page.locator("#id_province").select_option("35")
    page.locator("form.report button[type=submit]").click()
    code = page.get_by_test_id("tracking-code").inner_text()
    report = Report.objects.get(tracking_code=code)
    assert report.from_offer_check and report.task_force.name == "Gugus Tugas Jawa Timur"
