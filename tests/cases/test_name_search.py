"""The name search's word index (gugus.cases.name_index): what it finds, what it keeps apart, and that it
stays in step with every way a name is written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gugus.cases import actions, name_index
from gugus.cases.models import NameWord, NameWordKey, PersonNamePair, PersonNameWord
from gugus.cases.selectors import search_persons
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def names(found) -> list[str]:
    return [p.full_name for p in found]


def test_deletion_keys_follow_the_word_length():
    assert name_index.deletion_keys("ab") == {"ab"}
    assert name_index.deletion_keys("lau") == {"lau", "au", "lu", "la"}
    keys = name_index.deletion_keys("maria")
    assert "mria" in keys and "mra" not in keys  # five letters: one edit
    assert "mrani" in name_index.deletion_keys("mariani")  # seven letters: two edits


@pytest.mark.parametrize(("typed", "stored", "near"), [
    ("aminah", "aminah", True),
    ("aminnah", "aminah", True),  # a letter added
    ("amniah", "aminah", True),  # two letters swapped
    ("rahmawti", "rahmawati", True),  # a letter dropped
    ("rahmwti", "rahmawati", True),  # two edits in a long word
    ("lao", "lau", True),
    ("leo", "lau", False),  # two edits in a three-letter word
    ("sri", "siti", False),
    ("yusuf", "jusup", True),  # two edits, but the same Indonesian phonetic key
    ("budi", "bayu", False),
])
def test_similarity_allows_edits_by_length(typed, stored, near):
    assert (name_index.similarity(typed, stored) is not None) is near


def test_index_keeps_one_row_per_word_and_rewrites_a_renamed_person(org):
    person = make_person(org.malang_investigator, "Siti Aminah")
    make_person(org.malang_investigator, "Siti Rahmawati")
    assert NameWord.objects.filter(text="siti").count() == 1
    assert PersonNameWord.objects.filter(word__text="siti").count() == 2
    assert NameWordKey.objects.filter(key="amnah", word__text="aminah").exists()
    assert PersonNamePair.objects.filter(person_id=person.pk).count() == 1

    actions.update_person(actor=org.malang_investigator, person=person, expected_version=person.version,
                          full_name="Siti Maemunah")
    words = set(PersonNameWord.objects.filter(person_id=person.pk).values_list("word__text", flat=True))
    assert words == {"siti", "maemunah"}
    pair = PersonNamePair.objects.get(person_id=person.pk)
    assert {pair.word_a.text, pair.word_b.text} == {"siti", "maemunah"} and pair.word_a_id < pair.word_b_id
    assert names(search_persons(org.malang_investigator, query="siti aminah")) == []
    assert names(search_persons(org.malang_investigator, query="siti maemuna")) == ["Siti Maemunah"]


def test_a_typo_in_any_word_finds_the_person_best_match_first(org):
    for name in ("Maria Lau", "Maria Lestari", "Mario Lau", "Maria Laura Nahak", "Yohanes Lau"):
        make_person(org.malang_investigator, name)
    found = names(search_persons(org.malang_investigator, query="maria lao"))
    assert found[0] == "Maria Lau"
    assert set(found) == {"Maria Lau", "Mario Lau"}  # every typed word must be near a word of the name
    assert names(search_persons(org.malang_investigator, query="Maira Lau"))[0] == "Maria Lau"


def test_from_three_words_one_may_be_missing(org):
    make_person(org.malang_investigator, "Ni Luh Putu Ayu")  # normalised: "luh wayan ayu"
    make_person(org.malang_investigator, "Dewi Ayu Lestari")
    found = names(search_persons(org.malang_investigator, query="Dewi Ayu Lestary Wulandari"))
    assert found == ["Dewi Ayu Lestari"]


def test_one_word_finds_its_holders_nearest_first(org):
    for name in ("Aminah", "Siti Aminah", "Amina Lestari", "Budi Santoso"):
        make_person(org.malang_investigator, name)
    found = names(search_persons(org.malang_investigator, query="aminah"))
    assert set(found[:2]) == {"Aminah", "Siti Aminah"} and found[2:] == ["Amina Lestari"]


def test_two_edits_are_tried_only_when_one_edit_finds_nobody(org):
    make_person(org.malang_investigator, "Sri Rahmawati")
    # "rahnawti": two edits from "rahmawati", and not the same phonetic key.
    assert names(search_persons(org.malang_investigator, query="sri rahnawti")) == ["Sri Rahmawati"]
    make_person(org.malang_investigator, "Sri Rahnawati")  # one edit away: now the only match
    assert names(search_persons(org.malang_investigator, query="sri rahnawti")) == ["Sri Rahnawati"]


def test_word_order_and_old_spelling_do_not_matter(org):
    make_person(org.malang_investigator, "Djoko Soesilo")
    assert names(search_persons(org.malang_investigator, query="susilo joko")) == ["Djoko Soesilo"]


def test_a_name_typed_as_one_word_falls_back_to_the_whole_name(org):
    make_person(org.malang_investigator, "Nur Haliza")
    assert names(search_persons(org.malang_investigator, query="nurhaliza" if connection.vendor == "postgresql"
                                else "nur hal")) == ["Nur Haliza"]


def test_search_stays_inside_the_scope(org):
    make_person(org.malang_investigator, "Baiq Nurhasanah")
    assert names(search_persons(org.malang_investigator, query="baiq nurhasana")) == ["Baiq Nurhasanah"]
    assert names(search_persons(org.lotim_investigator, query="baiq nurhasana")) == []


def test_a_common_word_costs_queries_not_rows(org):
    """The candidates come from the rarer word: how many persons share the common one does not change the
    number of queries, and the common word's holders are not all returned."""
    for i in range(30):
        make_person(org.malang_investigator, f"Siti {'Aminah' if i == 0 else 'Rahayu'}")
    with CaptureQueriesContext(connection) as queries:
        found = names(search_persons(org.malang_investigator, query="siti aminnah"))
    assert found == ["Siti Aminah"]
    assert len(queries) <= 8


def test_the_migration_backfill_indexes_persons_recorded_before_it(org):
    import importlib

    from django.apps import apps

    person = make_person(org.malang_investigator, "Ahmad Fauzi")
    # As before the migration: no words of any person's name in the index.
    PersonNamePair.objects.all().delete()
    PersonNameWord.objects.all().delete()
    NameWord.objects.update(persons=0)

    importlib.import_module("gugus.cases.migrations.0006_name_words").index_existing(apps, None)
    assert names(search_persons(org.malang_investigator, query="ahmat fauzi")) == ["Ahmad Fauzi"]
    assert PersonNameWord.objects.filter(person_id=person.pk).count() == 2
    assert PersonNamePair.objects.filter(person_id=person.pk).count() == 1
    assert NameWord.objects.get(text="fauzi").persons == 1


def test_word_counts_start_at_first_store_and_the_nightly_job_recounts_them(org):
    from gugus.ops import tasks

    make_person(org.malang_investigator, "Siti Aminah")
    assert NameWord.objects.get(text="siti").persons == 1
    make_person(org.malang_investigator, "Siti Rahayu")
    assert NameWord.objects.get(text="siti").persons == 1  # a known word's count is left alone on write
    assert "Recounted" in tasks.recount_name_words.delay().get()
    assert NameWord.objects.get(text="siti").persons == 2
    assert NameWord.objects.get(text="rahayu").persons == 1
