"""The packaged model's prior is scaled to the registry's size: the same pair is less likely one person in a
million-record registry than in a small one, because more people share its name and birth date."""

from __future__ import annotations

import pytest

from gugus.cases.models import Person
from gugus.linkage import incremental
from gugus.linkage.incremental import PRIOR_TRAINED_ON, person_row, prior_for_registry, score_rows
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_prior_falls_as_one_over_the_registry_size():
    assert prior_for_registry(6.5e-5, 500) == 6.5e-5  # small registries keep the trained prior
    assert prior_for_registry(6.5e-5, PRIOR_TRAINED_ON) == 6.5e-5
    assert prior_for_registry(6.5e-5, 1_000_000) == pytest.approx(6.5e-5 / 50)


def test_the_same_pair_scores_lower_in_a_larger_registry(org, monkeypatch):
    # Name and birth date agree, nothing else is known: the prior decides much of the answer.
    a = make_person(org.malang_investigator, "Siti Rahmawati", sex="F", birth_date="1990-03-04")
    b = make_person(org.blitar_investigator, "Siti Rahmawati", sex="F", birth_date="1990-03-04")
    rows = [person_row(p) for p in Person.objects.filter(pk__in=[a.pk, b.pk])]
    # Term frequencies from the rows themselves, so that only the registry's size changes between the runs.
    small = score_rows(rows, focus=[b.pk], min_probability=0.0, registry_tf=False)[0].match_probability
    real_count = Person.objects.count
    monkeypatch.setattr(incremental.Person.objects, "count", lambda: 1_000_000 if real_count() else 0)
    large = score_rows(rows, focus=[b.pk], min_probability=0.0, registry_tf=False)[0].match_probability
    assert large < small
