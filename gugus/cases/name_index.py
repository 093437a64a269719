"""The spelling-tolerant name search: an index of the words of persons' names.

A typed name is looked up word by word:

* Every distinct word of the normalised names is stored once (``NameWord``) with its *deletion keys*:
  the word with up to N letters deleted, N by the word's length as in Elasticsearch's AUTO fuzziness
  (0 for one or two letters, 1 for three to five, 2 for longer words). Two words within N edits of each
  other share a key (the symmetric-delete method of SymSpell), so the stored words near a typed word are
  found by an exact index lookup and then confirmed with the Damerau-Levenshtein distance. Words with
  the same Indonesian phonetic key (Yusuf / Jusup) count as near too. Words one edit away are tried
  first; two edits only when that finds nobody.
* ``PersonNameWord`` lists the words of each person's name, ``PersonNamePair`` every two of them.
* A person matches when each typed word is near a word of their name (from three typed words on, all
  but one suffices), ranked by the sum of the typed words' best similarities (1 for the same word, less
  for each edit), ties newest first; at most ``RESULTS`` persons.
* The work is set by the rarer typed word: its near words' pairs are read and kept when the other word
  of the pair is near the other typed word. "Siti Aminah" thus reads the pairs of "aminah" (a few
  thousand), never the tens of thousands of holders of "siti", which a trigram index of the whole name
  had to fetch and rescore one by one.

The write side (`index_names`) is called wherever a name is written; `recount_words` refreshes the word
counts that tell which typed word is rarer.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import jellyfish
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import CharField, Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, StrIndex

from gugus.linkage.prepare import phonetic_key

MAX_WORD = 64
MAX_TYPED_WORDS = 6
# A name search shows at most this many persons (four pages): past them, the user narrows the name.
RESULTS = 100
PHONETIC_SIMILARITY = 0.75
BATCH = 500


def max_edits(length: int) -> int:
    """Edits allowed between two words, by the shorter one's length (Elasticsearch's AUTO fuzziness)."""
    return 0 if length <= 2 else 1 if length <= 5 else 2


def name_words(normalised: str | None) -> list[str]:
    """The distinct words of a normalised name, in order."""
    return list(dict.fromkeys(w[:MAX_WORD] for w in (normalised or "").split() if w))


@lru_cache(maxsize=100_000)
def deletion_keys(word: str, edits: int = 2) -> frozenset[str]:
    """The word and every string made by deleting up to ``max_edits(len(word))`` (at most ``edits``) of its
    letters."""
    keys = {word}
    for n in range(1, min(edits, max_edits(len(word))) + 1):
        for positions in combinations(range(len(word)), n):
            keys.add("".join(c for i, c in enumerate(word) if i not in positions))
    return frozenset(keys)


def word_phonetic(word: str) -> str:
    return (phonetic_key(word) or "")[:MAX_WORD]


def similarity(typed: str, stored: str, edits: int = 2, *, typed_phonetic: str | None = None,
               stored_phonetic: str | None = None) -> float | None:
    """How near a stored word is to a typed one (1.0: the same), or None when further than the word lengths
    allow (or than ``edits``). The phonetic keys may be passed when known."""
    if typed == stored:
        return 1.0
    allowed = min(edits, max_edits(min(len(typed), len(stored))))
    distance = jellyfish.damerau_levenshtein_distance(typed, stored) if abs(len(typed) - len(stored)) <= allowed \
        else allowed + 1
    near = 1.0 - distance / max(len(typed), len(stored)) if distance <= allowed else None
    phonetic = word_phonetic(typed) if typed_phonetic is None else typed_phonetic
    if len(phonetic) >= 3 and phonetic == (word_phonetic(stored) if stored_phonetic is None else stored_phonetic):
        return max(near or 0.0, PHONETIC_SIMILARITY)
    return near


# --- write side -----------------------------------------------------------------------------------------------

def index_names(persons: Iterable, *, new: bool = False, apps=django_apps) -> None:
    """(Re)writes the name words of ``persons`` (objects with ``pk`` and ``name_normalised``); ``new``: they
    were just created, there is nothing to replace.

    ``apps`` is the model registry: a migration passes its historical one.
    """
    posting_model = apps.get_model("cases", "PersonNameWord")
    pair_model = apps.get_model("cases", "PersonNamePair")
    words_of = {p.pk: name_words(p.name_normalised) for p in persons}
    ids = _word_ids(Counter(w for words in words_of.values() for w in words), apps)
    pks = [] if new else list(words_of)
    for start in range(0, len(pks), BATCH):
        posting_model.objects.filter(person_id__in=pks[start:start + BATCH]).delete()
        pair_model.objects.filter(person_id__in=pks[start:start + BATCH]).delete()
    posting_model.objects.bulk_create(
        [posting_model(person_id=pk, word_id=ids[w]) for pk, words in words_of.items() for w in words],
        batch_size=5_000)
    pair_model.objects.bulk_create(
        [pair_model(person_id=pk, word_a_id=a, word_b_id=b) for pk, words in words_of.items()
         for a, b in combinations(sorted({ids[w] for w in words}), 2)],
        batch_size=5_000)


def _word_ids(texts: Counter, apps) -> dict[str, int]:
    """Ids of the words, storing those not yet known with their keys and how many of these persons hold them
    (known words keep their count until `recount_words`: no hot row to lock on every write). Safe against a
    concurrent writer of the same new word: the unique text decides, and both then read the stored row."""
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
        word_model.objects.bulk_create([word_model(text=t, phonetic=word_phonetic(t), persons=texts[t])
                                        for t in missing], ignore_conflicts=True)
        new = dict(word_model.objects.filter(text__in=missing).values_list("text", "id"))
        key_model.objects.bulk_create([key_model(key=k, word_id=new[t]) for t in missing for k in deletion_keys(t)],
                                      ignore_conflicts=True, batch_size=5_000)
        ids.update(new)
    return ids


def recount_words(*, apps=django_apps) -> int:
    """Sets every word's count of persons from the index (nightly, and after the migration's backfill)."""
    word_model = apps.get_model("cases", "NameWord")
    posting_model = apps.get_model("cases", "PersonNameWord")
    if connection.vendor == "postgresql":
        # One pass over the postings. (A count per word, correlated, is planned without statistics right
        # after the migration filled the table: it then scanned the whole table once per word.)
        words, postings = word_model._meta.db_table, posting_model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {words} w SET persons = coalesce(c.n, 0) FROM {words} x "
                           f"LEFT JOIN (SELECT word_id, count(*) AS n FROM {postings} GROUP BY word_id) c "
                           f"ON c.word_id = x.id WHERE x.id = w.id AND w.persons IS DISTINCT FROM coalesce(c.n, 0)")
        return word_model.objects.count()
    holders = (posting_model.objects.filter(word_id=OuterRef("pk")).order_by().values("word_id")
               .annotate(n=Count("*")).values("n"))
    return word_model.objects.update(persons=Coalesce(Subquery(holders), 0))


# --- read side ------------------------------------------------------------------------------------------------

@dataclass
class TypedWord:
    text: str
    near: dict[int, float]  # stored word id → similarity
    persons: int = 0  # how many persons hold a near word (as last counted)


def near_words(typed: list[str], edits: int = 2) -> list[TypedWord]:
    """For each typed word, the stored words within ``edits`` (and the word lengths' allowance), or with the
    same phonetic key, in two index lookups."""
    from gugus.cases.models import NameWord, NameWordKey

    keys = {word: deletion_keys(word, edits) for word in typed}
    by_key: dict[str, list[tuple]] = {}
    for key, *word in NameWordKey.objects.filter(key__in=set().union(*keys.values())).values_list(
            "key", "word_id", "word__text", "word__phonetic", "word__persons"):
        by_key.setdefault(key, []).append(tuple(word))
    phonetics = {word: word_phonetic(word) for word in typed}
    by_phonetic: dict[str, list[tuple]] = {}
    if wanted := {p for p in phonetics.values() if len(p) >= 3}:
        for word in NameWord.objects.filter(phonetic__in=wanted).values_list("id", "text", "phonetic", "persons"):
            by_phonetic.setdefault(word[2], []).append(word)
    out = []
    for word in typed:
        candidates = {row[0]: row for row in by_phonetic.get(phonetics[word], [])}
        for key in keys[word]:
            candidates.update({row[0]: row for row in by_key.get(key, [])})
        typed_word = TypedWord(word, {})
        for pk, text, phonetic, persons in candidates.values():
            s = similarity(word, text, edits, typed_phonetic=phonetics[word], stored_phonetic=phonetic)
            if s is not None:
                typed_word.near[pk] = s
                typed_word.persons += persons
        out.append(typed_word)
    return out


def search(qs: QuerySet, normalised: str) -> QuerySet | None:
    """``qs`` narrowed to the (at most ``RESULTS``) persons whose names best match the typed name, best first
    (``search_rank`` 1, 2, …). None when nobody matches word by word.

    Words one edit apart are tried first; two edits (words of six letters or more) only when that finds
    nobody. A long word's two-edit neighbours are ten times as many, and nearly always a worse match.
    """
    if qs.query.is_empty():
        return qs
    words = name_words(normalised)[:MAX_TYPED_WORDS]
    if not words:
        return None
    required = len(words) if len(words) <= 2 else len(words) - 1
    # Unfiltered (a national user): no scope to apply, and joining the whole person table would cost more.
    scope = qs.values("pk") if qs.query.has_filters() else None
    ranked = []
    for edits in (1, 2):
        if edits == 2 and all(max_edits(len(w)) < 2 for w in words):
            break
        known = [w for w in near_words(words, edits) if w.near]
        if len(known) >= required and (ranked := _ranked(known, required, scope)):
            break
    if not ranked:
        return None
    # The rank is the id's place in ",id1,id2,…,": one parameter, where a CASE of 100 branches took Django
    # longer to build than the database to run.
    order = "," + ",".join(str(pk) for pk, _ in ranked) + ","
    place = StrIndex(Value(order), Concat(Value(","), Cast("pk", CharField()), Value(",")))
    return qs.filter(pk__in=[pk for pk, _ in ranked]).annotate(search_rank=place).order_by("search_rank")


def _ranked(known: list[TypedWord], required: int, scope: QuerySet | None) -> list[tuple[int, float]]:
    """The best ``RESULTS`` (person id, summed similarity) from the index alone; the person rows are read only
    for the page (and, for a user with a limited scope, the candidates' ids through the scope)."""
    if len(known) == 1:
        return _ranked_one_word(known[0], scope)
    scores = _pair_matches(known, required)
    if scope is not None and scores:
        ids = list(scores)
        visible = set()
        for start in range(0, len(ids), BATCH):
            visible.update(scope.filter(pk__in=ids[start:start + BATCH]).values_list("pk", flat=True))
        scores = {pk: s for pk, s in scores.items() if pk in visible}
    return sorted(scores.items(), key=lambda item: (-item[1], -item[0]))[:RESULTS]


def _pair_matches(known: list[TypedWord], required: int) -> dict[int, float]:
    """Persons matching at least ``required`` typed words, with their summed similarity.

    Such a person holds a pair of words near two of the typed words, so the pairs index gives the
    candidates (one lookup per two typed words, for the pairs of near words); with two typed words the pair
    is the whole match, with more the candidates' other words come from the word index.
    """
    from gugus.cases.models import PersonNamePair, PersonNameWord

    # A match holds a word near one of the (len(known) - required + 1) rarest typed words, paired with a word
    # near another typed word: read the pairs of the rare words (from either side of the pair) and keep
    # those whose other word is near a typed word. "+ 0" keeps the other word a filter: as a second index
    # condition PostgreSQL would try every combination of the two lists.
    rare = [w for w in sorted(known, key=lambda w: w.persons)[: len(known) - required + 1]]
    rare_ids = sorted({pk for w in rare for pk in w.near})
    other_ids = sorted({pk for w in known for pk in w.near})
    table = connection.ops.quote_name(PersonNamePair._meta.db_table)
    parts, params = [], []
    for side, other in (("word_a_id", "word_b_id"), ("word_b_id", "word_a_id")):
        rare_in, rare_params = _any(side, rare_ids)
        other_in, other_params = _any(f"{other} + 0", other_ids)
        parts.append(f"SELECT person_id, word_a_id, word_b_id FROM {table} WHERE {rare_in} AND {other_in}")
        params += rare_params + other_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        pairs = cursor.fetchall()
    if len(known) == 2:
        first, second = known[0].near, known[1].near
        scores: dict[int, float] = {}
        for pk, a, b in pairs:
            score = max(first.get(a, -9) + second.get(b, -9), first.get(b, -9) + second.get(a, -9))
            if score > 0 and score > scores.get(pk, 0):
                scores[pk] = score
        return scores
    candidates = sorted({pk for pk, _a, _b in pairs})
    words: dict[int, list[int]] = {}
    for start in range(0, len(candidates), BATCH):
        for pk, word in PersonNameWord.objects.filter(person_id__in=candidates[start:start + BATCH]).values_list(
                "person_id", "word_id"):
            words.setdefault(pk, []).append(word)
    scores = {}
    for pk, held in words.items():
        best = [max((typed.near.get(w, 0.0) for w in held), default=0.0) for typed in known]
        if sum(1 for b in best if b > 0) >= required:
            scores[pk] = sum(best)
    return scores


def _any(column: str, ids: list[int]) -> tuple[str, list]:
    """``column`` is one of ``ids``: on PostgreSQL one array parameter (thousands of separate parameters cost
    more to bind than the query to run), elsewhere an IN list."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _ranked_one_word(word: TypedWord, scope: QuerySet | None) -> list[tuple[int, float]]:
    """One typed word: its near words' holders, best similarity first, in the database."""
    from gugus.cases.models import PersonNameWord

    table = connection.ops.quote_name(PersonNameWord._meta.db_table)
    rows = ", ".join(["(%s, CAST(%s AS DOUBLE PRECISION))"] * len(word.near))
    params: list = [v for pk, s in word.near.items() for v in (pk, float(s))]
    where = ""
    if scope is not None:
        scope_sql, scope_params = scope.query.sql_with_params()
        where = f"WHERE p.person_id IN ({scope_sql})"
        params += scope_params
    sql = (f"WITH q (word_id, s) AS (VALUES {rows}) SELECT p.person_id, MAX(q.s) AS score FROM {table} p "
           f"JOIN q ON q.word_id = p.word_id {where} GROUP BY p.person_id ORDER BY score DESC, 1 DESC "
           f"LIMIT {RESULTS}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, score) for pk, score in cursor.fetchall()]
