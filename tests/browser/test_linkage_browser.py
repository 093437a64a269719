"""In a real browser: a provincial supervisor opens the linkage review queue, compares the evidence of a pair
recorded by two agencies, confirms it (the records become one linked person with both agencies' cases), then
unmerges it again."""

from __future__ import annotations

import pytest

from gugus.audit.models import AuditEvent
from gugus.cases import actions as cases
from gugus.linkage.incremental import match_person
from gugus.linkage.models import CandidateStatus, ClusterMember, MatchCandidate
from tests.factories import make_person, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_queue_confirm_and_unmerge(page, org, tmp_path):
    malang = make_person(org.malang_investigator, "Moh. Joesoef", sex="M", birth_date="1988-02-03",
                         origin_region="35.07")
    blitar = make_person(org.blitar_investigator, "Muhammad Yusuf", sex="M", birth_date="1988-02-03",
                         origin_region="35.07", phone="081234500011")
    for user, person, day in ((org.malang_investigator, malang, "2024-03-01"),
                              (org.blitar_investigator, blitar, "2024-06-01")):
        case = cases.create_case(actor=user, reported_on=day)
        cases.add_participant(actor=user, case=case, person=person, role="victim")
    candidate = match_person(blitar)[0]

    sign_in_browser(page, org.jatim_supervisor)
    page.goto(page.base + "/tautan/")
    queue = page.get_by_test_id("linkage-queue")
    assert "Moh. Joesoef" in queue.inner_text() and "Muhammad Yusuf" in queue.inner_text()
    queue.locator(f"a[href='/tautan/pasangan/{candidate.pk}/']").click()
    page.wait_for_url(f"**/tautan/pasangan/{candidate.pk}/")
    evidence = page.get_by_test_id("evidence").inner_text()
    assert "Polres Malang" in evidence and "Polres Blitar" in evidence and "1988-02-03" in evidence
    page.screenshot(path=str(tmp_path / "linkage-pair.png"), full_page=True)

    page.locator("input[name=decision][value=confirm]").check()
    page.locator("#id_reason").fill("Nama lama dan baru, tanggal lahir sama")
    page.locator("form[action$='/putuskan/'] button[type=submit]").click()
    page.wait_for_url(f"**/tautan/orang/{malang.pk}/")
    assert page.get_by_test_id("cluster-members").locator("tbody tr").count() == 2
    assert page.get_by_test_id("cluster-cases").locator("tbody tr").count() == 2
    assert MatchCandidate.objects.get(pk=candidate.pk).status == CandidateStatus.CONFIRMED

    page.locator("#id_reason").fill("Ibu kandung berbeda menurut KTP")
    page.locator("form[action$='/lepas/'] button[type=submit]").click()
    page.wait_for_url(f"**/tautan/orang/{malang.pk}/")
    assert page.get_by_test_id("cluster-members").locator("tbody tr").count() == 1
    assert not ClusterMember.objects.exists()
    assert list(AuditEvent.objects.filter(action__in=["linkage.confirm", "linkage.unmerge"])
                .order_by("seq").values_list("action", flat=True)) == ["linkage.confirm", "linkage.unmerge"]
