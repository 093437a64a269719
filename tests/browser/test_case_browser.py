"""In a real browser: an investigator records a case with a victim and a perpetrator, runs the
identification and reads its reasons, moves the case to P-21, and finds the victim by a misspelt name."""

from __future__ import annotations

import pytest

from gugus.cases.models import Case
from tests.factories import enrol_totp, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_identify_and_prosecute_a_case(page, org, tmp_path):
    investigator = org.malang_investigator
    sign_in_browser(page, investigator, enrol_totp(investigator))

    page.goto(page.base + "/kasus/baru/")
    page.locator("#id_reported_on").fill("2024-03-01")
    page.locator("#id_police_report_number").fill("LP/B/77/III/2024")
    page.locator("#id_summary").fill("Korban direkrut lewat Facebook untuk kerja di Kamboja")
    page.locator("form button.primary").click()
    page.wait_for_url("**/kasus/*/")
    case = Case.objects.get()

    def add_person(role, name, **fields):
        page.locator("details[data-panel=participant_form] summary").click()  # the form loads when opened
        form = page.locator("form[action$='/pihak/']")
        form.locator("#id_role").select_option(role)
        form.locator("#id_full_name").fill(name)
        for field, value in fields.items():
            form.locator(f"#id_{field}").fill(value)
        form.locator("button.primary").click()
        page.wait_for_load_state()

    add_person("victim", "Siti Aminah", birth_date="2007-05-02", nik="3507014205070001")
    add_person("perpetrator", "Agus Salim", phone="0812-3456-7890")
    assert page.get_by_role("link", name="Siti Aminah").is_visible()
    assert page.get_by_role("link", name="Agus Salim").is_visible()

    page.locator("details[data-panel=identification_form] summary").click()
    form = page.locator("form[action$='/identifikasi/']")
    form.locator("input[name=process][value=recruitment]").check()
    form.locator("input[name=means][value=deception]").check()
    form.locator("input[name=purpose][value=forced_labour]").check()
    form.locator("#id_movement").select_option("from_indonesia_abroad")
    form.locator("button.primary").click()
    page.wait_for_load_state()
    outcome = page.get_by_test_id("identification-outcome").inner_text()
    assert "TPPO" in outcome
    assert page.locator(".reasons li").count() >= 3
    assert "Pasal 4" in page.content()
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)

    for stage, date in [("lp", "2024-03-01"), ("penyidikan", "2024-03-08"), ("berkas_dikirim", "2024-04-02"),
                        ("p21", "2024-04-25")]:
        details = page.locator("details[data-panel=stage_form]")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        form = page.locator("form[action$='/tahap/']")
        form.locator("#id_stage").select_option(stage)
        form.locator("#id_date").fill(date)
        form.locator("button.primary").click()
        page.wait_for_load_state()
    assert "P-21" in page.get_by_test_id("current-stage").inner_text()
    case.refresh_from_db()
    assert case.current_stage == "p21"

    page.goto(page.base + "/orang/?q=siti+aminnah")
    assert page.get_by_role("link", name="Siti Aminah").is_visible()
