"""Linkage in the product: incremental matching, the review queue's scope, confirm → cluster, unmerge, audit."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from gugus.accounts.roles import Role
from gugus.audit.models import AuditEvent
from gugus.cases import actions as cases
from gugus.core.errors import GugusError, PermissionDenied
from gugus.linkage import actions, selectors
from gugus.linkage.incremental import match_after_commit, match_person, registry_candidates
from gugus.linkage.models import CandidateStatus, ClusterMember, MatchCandidate, PersonCluster
from tests.factories import make_person, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    """The same woman recorded by Polres Malang (old spelling, title) and Polres Blitar (modern spelling)."""
    malang = make_person(org.malang_investigator, "Hj. Soepartini binti Darmo", sex="F", birth_date="1994-07-12",
                         origin_region="35.07", phone="0812-3456-7890")
    blitar = make_person(org.blitar_investigator, "Supartini", sex="F", birth_date="1994-07-12",
                         origin_region="35.07", phone="+62 812 3456 7890")
    unrelated = make_person(org.blitar_investigator, "Ni Komang Ayu", sex="F", birth_date="1980-01-02")
    return malang, blitar, unrelated


def test_incremental_match_finds_a_spelling_variant_of_another_agency(pair):
    malang, blitar, unrelated = pair
    assert set(registry_candidates(blitar)) == {malang.pk}
    found = match_person(blitar)
    assert len(found) == 1
    candidate = found[0]
    assert (candidate.person_a_id, candidate.person_b_id) == (malang.pk, blitar.pk)
    assert candidate.match_probability >= 0.9 and candidate.status == CandidateStatus.PENDING
    evidence = {e["field"]: e for e in candidate.evidence}
    assert evidence["name"]["agreed"] and evidence["name"]["level"] != "different"
    assert evidence["dob"]["level"] == "exact" and evidence["phone"]["level"] == "exact"
    assert evidence["nik"]["level"] == "missing"
    assert candidate.model_version.startswith(("prior:", "registry:"))
    # Evidence holds labels, never the compared values.
    assert "3456" not in str(candidate.evidence) and "Supartini" not in str(candidate.evidence)
    # Re-running stores the pair once; the run is audited without identities.
    match_person(blitar)
    assert MatchCandidate.objects.count() == 1
    event = AuditEvent.objects.filter(action="linkage.match").order_by("seq").last()
    assert event.data["candidates"] == [candidate.pk] and event.object_id == str(blitar.pk)


def test_match_after_commit_runs_once_the_person_is_stored(org, pair, django_capture_on_commit_callbacks):
    malang, blitar, _ = pair
    with django_capture_on_commit_callbacks(execute=True):
        match_after_commit(blitar)
    assert MatchCandidate.objects.filter(person_a=malang, person_b=blitar).exists()


def test_queue_lists_a_pair_only_to_reviewers_who_see_both_persons(org, pair, client):
    malang, blitar, _ = pair
    candidate = match_person(blitar)[0]
    malang_supervisor = make_user(org.malang, Role.SUPERVISOR, "supervisor.malang")
    assert list(selectors.review_queue(org.jatim_supervisor)) == [candidate]
    assert list(selectors.review_queue(org.secretariat)) == [candidate]
    # Sees the Malang record only: the pair is not listed and its page is a 404.
    assert list(selectors.review_queue(malang_supervisor)) == []
    assert list(selectors.review_queue(org.lotim_supervisor)) == []
    # Sees both, but may not review.
    assert list(selectors.review_queue(org.malang_investigator)) == []
    assert list(selectors.review_queue(org.analyst)) == []

    sign_in(client, malang_supervisor)
    assert "Supartini" not in client.get("/tautan/").content.decode()
    assert client.get(f"/tautan/pasangan/{candidate.pk}/").status_code == 404
    assert client.post(f"/tautan/pasangan/{candidate.pk}/putuskan/", {"decision": "confirm"}).status_code == 404
    assert client.get(f"/tautan/pasangan/{candidate.pk + 999}/").status_code == 404
    sign_in(client, org.malang_investigator)
    assert client.get("/tautan/").status_code == 404

    sign_in(client, org.jatim_supervisor)
    page = client.get("/tautan/").content.decode()
    assert "Supartini" in page and "Soepartini" in page
    assert "Antrean penelaahan" in page  # Indonesian by default (gugus/linkage/locale)
    detail = client.get(f"/tautan/pasangan/{candidate.pk}/").content.decode()
    assert "Polres Malang" in detail and "Polres Blitar" in detail and "1994-07-12" in detail
    assert AuditEvent.objects.filter(action="linkage.view", object_id=str(candidate.pk)).exists()
    listed = AuditEvent.objects.filter(action="person.list", actor_id=org.jatim_supervisor.pk).order_by("seq").first()
    assert sorted(listed.data["ids"]) == [malang.pk, blitar.pk]


def test_queue_page_queries_do_not_grow_with_pairs(org, client, django_assert_max_num_queries):
    people = [make_person(org.malang_investigator if i % 2 else org.blitar_investigator, "Siti Aminah", sex="F",
                          birth_date="1990-01-01", origin_region="35.07") for i in range(8)]
    match_person(people[-1])
    match_person(people[-2])
    assert MatchCandidate.objects.count() >= 10
    sign_in(client, org.jatim_supervisor)
    with django_assert_max_num_queries(20):
        assert client.get("/tautan/").status_code == 200


def test_confirm_clusters_and_the_person_shows_cases_across_agencies_in_scope(org, pair, client):
    malang, blitar, _ = pair
    malang_case = cases.create_case(actor=org.malang_investigator, reported_on="2024-03-01")
    cases.add_participant(actor=org.malang_investigator, case=malang_case, person=malang, role="victim")
    blitar_case = cases.create_case(actor=org.blitar_investigator, reported_on="2024-05-01")
    cases.add_participant(actor=org.blitar_investigator, case=blitar_case, person=blitar, role="victim")
    candidate = match_person(blitar)[0]

    sign_in(client, org.jatim_supervisor)
    response = client.post(f"/tautan/pasangan/{candidate.pk}/putuskan/",
                           {"decision": "confirm", "reason": "same phone"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED and candidate.decided_by == org.jatim_supervisor
    cluster = PersonCluster.objects.get()
    assert set(cluster.members.values_list("person_id", flat=True)) == {malang.pk, blitar.pk}
    # Both agencies' records are kept as they were.
    malang.refresh_from_db()
    assert malang.full_name == "Hj. Soepartini binti Darmo" and malang.owner_agency == org.malang
    event = AuditEvent.objects.get(action="linkage.confirm")
    assert event.actor_id == org.jatim_supervisor.pk and event.data["persons"] == [malang.pk, blitar.pk]
    assert event.reason == "same phone"

    # The province sees both cases from either record; Malang only its own; the queue no longer lists the pair.
    assert {p.case_id for p in selectors.cluster_cases(org.jatim_supervisor, blitar)} == {malang_case.pk,
                                                                                        blitar_case.pk}
    assert {p.case_id for p in selectors.cluster_cases(org.malang_investigator, malang)} == {malang_case.pk}
    assert list(selectors.review_queue(org.jatim_supervisor)) == []
    page = client.get(f"/tautan/orang/{malang.pk}/").content.decode()
    assert malang_case.reference in page and blitar_case.reference in page
    # A decided pair cannot be decided again.
    with pytest.raises(GugusError):
        actions.reject_match(actor=org.jatim_supervisor, candidate=candidate)


def test_person_page_snippet_lists_linked_records_within_scope(org, pair, rf):
    from django.template import Context, Template

    malang, blitar, _ = pair
    actions.confirm_match(actor=org.jatim_supervisor, candidate=match_person(blitar)[0])
    template = Template("{% load gugus_linkage %}{% person_cluster person %}")
    for user, expected in ((org.jatim_supervisor, True), (org.malang_investigator, False)):
        request = rf.get("/")
        request.user = user
        html = template.render(Context({"request": request, "person": malang}))
        assert (f"#{blitar.pk}" in html) is expected


def test_unmerge_takes_a_record_out_and_is_audited(org, pair, client):
    malang, blitar, _ = pair
    actions.confirm_match(actor=org.jatim_supervisor, candidate=match_person(blitar)[0])
    third = make_person(org.jatim_supervisor, "Soepartini", sex="F", birth_date="1994-07-12", scope_code="35.05")
    second = next(c for c in match_person(third) if c.person_a_id == blitar.pk)
    actions.confirm_match(actor=org.jatim_supervisor, candidate=second)
    assert ClusterMember.objects.filter(cluster=PersonCluster.objects.get()).count() == 3

    with pytest.raises(PermissionDenied):
        actions.unmerge_person(actor=org.malang_investigator, person=third, reason="different mother")
    sign_in(client, org.jatim_supervisor)
    assert client.post(f"/tautan/orang/{third.pk}/lepas/", {"reason": ""}).status_code == 200  # reason required
    response = client.post(f"/tautan/orang/{third.pk}/lepas/", {"reason": "different mother's name"})
    assert response.status_code == 302
    assert not ClusterMember.objects.filter(person=third).exists()
    assert set(selectors.cluster_person_ids(malang)) == {malang.pk, blitar.pk}
    event = AuditEvent.objects.get(action="linkage.unmerge")
    assert event.object_id == str(third.pk) and event.reason == "different mother's name"
    assert not event.data["dissolved"]
    assert MatchCandidate.objects.get(pk=second.pk).status == CandidateStatus.UNMERGED
    # Unmerging one of the last two dissolves the cluster.
    actions.unmerge_person(actor=org.jatim_supervisor, person=blitar, reason="checked the KTP")
    assert not PersonCluster.objects.exists() and not ClusterMember.objects.exists()
    assert AuditEvent.objects.filter(action="linkage.unmerge").order_by("seq").last().data["dissolved"]


def test_reject_removes_the_pair_from_the_queue(org, pair):
    _, blitar, _ = pair
    candidate = match_person(blitar)[0]
    actions.reject_match(actor=org.secretariat, candidate=candidate, reason="different mothers")
    assert list(selectors.review_queue(org.secretariat)) == []
    assert AuditEvent.objects.filter(action="linkage.reject", object_id=str(candidate.pk)).exists()
    # Matching again does not re-open a decided pair.
    match_person(blitar)
    assert MatchCandidate.objects.get().status == CandidateStatus.REJECTED


def test_link_registry_refreshes_candidates(org, pair, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    malang, blitar, _ = pair
    call_command("link-registry")
    candidate = MatchCandidate.objects.get()
    assert (candidate.person_a_id, candidate.person_b_id) == (malang.pk, blitar.pk)
    assert AuditEvent.objects.filter(action="linkage.registry_run").exists()


def test_link_registry_trains_saves_the_model_and_incremental_matching_uses_it(org, pair, tmp_path, settings,
                                                                              monkeypatch):
    from gugus.linkage import access
    from gugus.linkage.incremental import load_model, registry_model_path

    settings.DATA_DIR = tmp_path
    monkeypatch.setitem(access.review_config()["thresholds"], "train_min_records", 2)
    malang, blitar, _ = pair
    assert load_model().version.startswith("prior:")
    call_command("link-registry")
    assert registry_model_path().exists()
    assert load_model().version.startswith("registry:")
    event = AuditEvent.objects.get(action="linkage.registry_run")
    assert event.data["trained"] and event.data["model"] == load_model().version
    # The next new record is scored with the registry's model.
    late = make_person(org.jatim_supervisor, "Soepartini", sex="F", birth_date="1994-07-12", scope_code="35.05",
                       phone="081234567890")
    assert {c.model_version for c in match_person(late)} == {load_model().version}
