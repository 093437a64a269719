"""In a real browser: Polres Malang records the victim's consent and refers her to KBRI Phnom Penh; KBRI's
officer signs in with a one-time code, finds the referral in the inbox, accepts it, and then sees this case —
and nothing else of Polres Malang's."""

from __future__ import annotations

import pytest

from gugus.care import actions as care
from gugus.care.models import Referral
from gugus.cases import actions as cases
from tests.factories import make_person, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/masuk/**")


def test_referral_sent_by_one_agency_and_accepted_by_another(page, org, tmp_path):
    sender, receiver = org.malang_investigator, org.kbri_staff
    case = cases.create_case(actor=sender, reported_on="2024-03-01", summary="Kerja paksa di Kamboja")
    person = make_person(sender, "Sri Wahyuni", sex="F", birth_date="1995-01-01", origin_region="35.07.01")
    victim = cases.add_participant(actor=sender, case=case, person=person, role="victim")
    other = cases.create_case(actor=sender, reported_on="2024-02-01", summary="Kasus lain Polres Malang")
    care.record_consent(actor=sender, victim=victim, given_on="2024-03-02", method="written", given_by="victim",
                        share_identity=True, share_case_details=True, any_receiver=True)

    sign_in_browser(page, sender)
    page.goto(page.base + f"/kasus/{case.pk}/layanan/")
    details = page.locator("details:has(form[action$='/rujukan/'])")
    details.locator("summary").click()
    form = page.locator(f"form[action='/kasus/{case.pk}/rujukan/']")
    form.locator("#id_to_agency").select_option(label="KBRI Phnom Penh")
    form.locator("input[name=services][value=Repatriation]").check()
    form.locator("#id_message").fill("Mohon fasilitasi pemulangan korban.")
    form.locator("button.primary").click()
    page.wait_for_load_state()
    referral = Referral.objects.get()
    assert referral.shares_identity and referral.status == "sent"
    page.screenshot(path=str(tmp_path / "care-sender.png"), full_page=True)
    sign_out(page)

    sign_in_browser(page, receiver)
    # Before accepting, the case is closed to KBRI (a mission abroad sees only what it records or is sent).
    assert page.goto(page.base + f"/kasus/{case.pk}/").status == 404
    page.goto(page.base + "/rujukan/")
    inbox = page.get_by_test_id("incoming")
    assert "Sri Wahyuni" not in inbox.inner_text()
    inbox.get_by_role("link").first.click()
    page.get_by_test_id("accept").click()
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.grant is not None
    page.get_by_test_id("open-case").click()
    page.wait_for_url(f"**/kasus/{case.pk}/")
    assert page.get_by_role("link", name="Sri Wahyuni").is_visible()
    page.screenshot(path=str(tmp_path / "care-receiver-case.png"), full_page=True)
    # …and nothing else: the sender's other case stays 404, and the case list shows only this one.
    assert page.goto(page.base + f"/kasus/{other.pk}/").status == 404
    page.goto(page.base + "/kasus/")
    listed = page.locator("table.list tbody").inner_text()
    assert case.reference in listed and other.reference not in listed
