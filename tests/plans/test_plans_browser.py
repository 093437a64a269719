"""In a real browser: the secretariat opens the RAD, records a meeting with a follow-up task that is already
due, finds it on the overdue list, and downloads the annual evaluation report."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from gugus.plans import actions
from gugus.plans.models import FollowUp
from tests.factories import enrol_totp, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_meeting_follow_up_overdue_and_evaluation_download(page, org, tf, rad, tmp_path):
    actions.file_progress(actor=org.jatim_supervisor, activity=rad.activity, year=2025, values={rad.typed: 46},
                          obstacles="Jadwal bentrok dengan musim tanam")
    secretariat = tf.jatim_secretariat
    sign_in_browser(page, secretariat, enrol_totp(secretariat))
    page.goto(page.base + "/rencana-aksi/")
    page.get_by_role("link", name="RAD Jatim").click()
    page.goto(page.url + "?year=2025")
    assert "153,3%" in page.content()
    if os.environ.get("GUGUS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["GUGUS_SCREENSHOTS"], "plan.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("a[href$='/evaluasi/2025.pdf']").click()
    path = tmp_path / "evaluasi.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    page.goto(page.base + "/rapat/baru/")
    page.locator("#id_task_force").select_option(str(tf.jatim.pk))
    page.locator("#id_title").fill("Rakor evaluasi RAD")
    page.locator("#id_date").fill("2025-05-20")
    page.locator("#id_participants").select_option([str(org.jatim.pk), str(org.malang.pk)])
    page.locator("#id_decisions").fill("Polda menyusun jadwal pelatihan")
    page.locator("form button.primary").click()
    page.wait_for_url("**/rapat/*/")
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page.locator("#id_description").fill("Susun jadwal pelatihan petugas")
    page.locator("#id_owner_agency").select_option(str(org.jatim.pk))
    page.locator("#id_due_date").fill(yesterday)
    page.locator("input[name=form][value=follow_up] ~ button.primary").click()
    page.wait_for_load_state()
    assert FollowUp.objects.filter(description="Susun jadwal pelatihan petugas").exists()
    page.goto(page.base + "/rapat/tindak-lanjut/terlambat/")
    assert "Susun jadwal pelatihan petugas" in page.content()
    if os.environ.get("GUGUS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["GUGUS_SCREENSHOTS"], "overdue.png"), full_page=True)
