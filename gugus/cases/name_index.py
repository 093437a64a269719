"""The spelling-tolerant name search: an index of the words of persons' names.

A typed name is looked up word by word:

* Every distinct word of the normalised names is stored once (``NameWord``) with its *deletion keys*:
  the word with up to N letters deleted, N by the word's length as in Elasticsearch's AUTO fuzziness
  (0 for one or two letters, 1 for three to five, 2 for longer words). Two words within N edits of each
  other share a key (the symmetric-delete method of SymSpell), so the stored words near a typed word are
  found by an exact index lookup and then confirmed with the Damerau-Levenshtein distance. Words with
  the same Indonesian phonetic key (Yusuf / Jusup) count as near too.
* ``PersonNameWord`` lists the words of each person's name.
* A person matches when each typed word is near a word of their name (from three typed words on, all
  but one suffices). The rarest typed word decides the cost: the persons holding a word near it are the
  candidates, and only they are checked for the other words, through the (person, word) index. A
  common word ("siti", "muhammad") therefore costs little as long as another typed word is rarer; with
  a trigram index its thousands of holders were each fetched and rescored.

Results are ranked by the sum over typed words of the best similarity (1 for the same word, less for
each edit). The write side (`index_names`) is called wherever a name is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import jellyfish
from django.apps import apps as django_apps
from django.db.models import Case, Exists, F, FloatField, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from gugus.linkage.prepare import phonetic_key

MAX_WORD = 64
MAX_TYPED_WORDS = 6
# Counting a word's persons stops here: past it, which of two common words is rarer hardly matters.
RARITY_CAP = 5_000
PHONETIC_SIMILARITY = 0.75
BATCH = 500


def max_edits(length: int) -> int:
    """Edits allowed between two words, by the shorter one's length (Elasticsearch's AUTO fuzziness)."""
    return 0 if length <= 2 else 1 if length <= 5 else 2


def name_words(normalised: str | None) -> list[str]:
    """The distinct words of a normalised name, in order."""
    return list(dict.fromkeys(w[:MAX_WORD] for w in (normalised or "").split() if w))


@lru_cache(maxsize=100_000)
def deletion_keys(word: str) -> frozenset[str]:
    """The word and every string made by deleting up to ``max_edits(len(word))`` of its letters."""
    keys = {word}
    for n in range(1, max_edits(len(word)) + 1):
        for positions in combinations(range(len(word)), n):
            keys.add("".join(c for i, c in enumerate(word) if i not in positions))
    return frozenset(keys)


def word_phonetic(word: str) -> str:
    return (phonetic_key(word) or "")[:MAX_WORD]


def similarity(typed: str, stored: str) -> float | None:
    """How near a stored word is to a typed one (1.0: the same), or None when too far."""
    if typed == stored:
        return 1.0
    distance = jellyfish.damerau_levenshtein_distance(typed, stored)
    near = 1.0 - distance / max(len(typed), len(stored)) if distance <= max_edits(min(len(typed), len(stored))) \
        else None
    phonetic = word_phonetic(typed)
    if len(phonetic) >= 3 and phonetic == word_phonetic(stored):
        return max(near or 0.0, PHONETIC_SIMILARITY)
    return near


# --- write side -----------------------------------------------------------------------------------------------

def index_names(persons: Iterable, *, new: bool = False, apps=django_apps) -> None:
    """(Re)writes the name words of ``persons`` (objects with ``pk`` and ``name_normalised``); ``new``: they
    were just created, there is nothing to replace.

    ``apps`` is the model registry: a migration passes its historical one.
    """
    posting_model = apps.get_model("cases", "PersonNameWord")
    words_of = {p.pk: name_words(p.name_normalised) for p in persons}
    ids = _word_ids({w for words in words_of.values() for w in words}, apps)
    pks = [] if new else list(words_of)
    for start in range(0, len(pks), BATCH):
        posting_model.objects.filter(person_id__in=pks[start:start + BATCH]).delete()
    posting_model.objects.bulk_create(
        [posting_model(person_id=pk, word_id=ids[w]) for pk, words in words_of.items() for w in words],
        batch_size=5_000)


def _word_ids(texts: set[str], apps) -> dict[str, int]:
    """Ids of the words, storing those not yet known with their keys. Safe against a concurrent writer of the
    same new word: the unique text decides, and both then read the stored row."""
    word_model = apps.get_model("cases", "NameWord")
    key_model = apps.get_model("cases", "NameWordKey")
    ids: dict[str, int] = {}
    texts_list = sorted(texts)
    for start in range(0, len(texts_list), BATCH):
        chunk = texts_list[start:start + BATCH]
        ids.update(word_model.objects.filter(text__in=chunk).values_list("text", "id"))
        missing = [t for t in chunk if t not in ids]
        if not missing:
            continue
        word_model.objects.bulk_create([word_model(text=t, phonetic=word_phonetic(t)) for t in missing],
                                       ignore_conflicts=True)
        new = dict(word_model.objects.filter(text__in=missing).values_list("text", "id"))
        key_model.objects.bulk_create([key_model(key=k, word_id=new[t]) for t in missing for k in deletion_keys(t)],
                                      ignore_conflicts=True, batch_size=5_000)
        ids.update(new)
    return ids


# --- read side ------------------------------------------------------------------------------------------------

@dataclass
class TypedWord:
    text: str
    near: dict[int, float]  # stored word id → similarity
    persons: int = 0  # how many persons hold a near word (counted up to RARITY_CAP)


def near_words(typed: list[str]) -> list[TypedWord]:
    """For each typed word, the stored words near it, in two index lookups."""
    from gugus.cases.models import NameWord, NameWordKey

    keys = {k for word in typed for k in deletion_keys(word)}
    candidates = dict(NameWordKey.objects.filter(key__in=keys).values_list("word_id", "word__text"))
    phonetics = {p for word in typed if len(p := word_phonetic(word)) >= 3}
    if phonetics:
        candidates.update(NameWord.objects.filter(phonetic__in=phonetics).values_list("id", "text"))
    out = []
    for word in typed:
        near = {pk: s for pk, text in candidates.items() if (s := similarity(word, text)) is not None}
        out.append(TypedWord(word, near))
    return out


def _count_persons(word: TypedWord) -> int:
    from gugus.cases.models import PersonNameWord

    # person_id, not the row id: the (word, person) index alone answers it.
    return PersonNameWord.objects.filter(word_id__in=word.near).values("person_id")[:RARITY_CAP].count()


def search(qs: QuerySet, normalised: str) -> QuerySet | None:
    """``qs`` narrowed to the persons whose names match the typed name, best first, annotated with
    ``similarity``. None when a required word is near no stored word at all (nobody can match)."""
    from gugus.cases.models import PersonNameWord

    typed = near_words(name_words(normalised)[:MAX_TYPED_WORDS])
    if not typed:
        return None
    required = len(typed) if len(typed) <= 2 else len(typed) - 1
    known = [w for w in typed if w.near]
    if len(known) < required:
        return None
    for word in known:
        word.persons = _count_persons(word)
    # A person matching `required` of the known words misses at most len(known) - required of them, so holds
    # a word near at least one of the (len(known) - required + 1) rarest: their holders are the candidates.
    rarest = sorted(known, key=lambda w: w.persons)[: len(known) - required + 1]
    drivers = {pk for w in rarest for pk in w.near}
    qs = qs.filter(pk__in=PersonNameWord.objects.filter(word_id__in=drivers).values("person_id"))
    scores = []
    for i, word in enumerate(known):
        holds = PersonNameWord.objects.filter(person_id=OuterRef("pk"), word_id__in=word.near)
        best = holds.annotate(s=Case(*[When(word_id=pk, then=Value(s)) for pk, s in word.near.items()],
                                     output_field=FloatField())).order_by("-s").values("s")[:1]
        qs = qs.alias(**{f"_word{i}": Coalesce(Subquery(best), Value(0.0))})
        scores.append(F(f"_word{i}"))
        if required == len(typed) and not any(word is r for r in rarest):
            qs = qs.filter(Exists(holds))
    if required < len(typed):
        hits = sum((Case(When(Exists(PersonNameWord.objects.filter(person_id=OuterRef("pk"), word_id__in=w.near)),
                                  then=1), default=0, output_field=IntegerField()) for w in known), Value(0))
        qs = qs.alias(_hits=hits).filter(_hits__gte=required)
    return qs.annotate(similarity=sum(scores[1:], scores[0])).order_by("-similarity", "-id")
