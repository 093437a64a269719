"""Incremental matching: a new or imported person record against the registry.

    block in the database (cheap, indexed) → prepare → score with the trained Splink model → store

1. **Block** (`registry_candidates`): the registry records that share a NIK, phone or passport (blind
   indexes), the same phonetic name with the same birth year (or no birth date on one side), or the same
   birth date and one phonetic name word. At most ``max_candidates`` (``data/review.toml``).
2. **Prepare** each record into the file-mode columns (`person_row`, decrypting identifiers) and
   `gugus.linkage.prepare.prepare_record`.
3. **Score** (`score_rows`) with Splink on an in-memory DuckDB, using the trained model:
   ``<GUGUS_DATA_DIR>/linkage/model.json`` written by ``gugus link-registry`` (trained by EM on the
   registry), else the packaged prior ``data/model_prior.json`` (the same settings trained on 20,000
   synthetic records, generator seed 7; its prior scaled to the registry's size by `prior_for_registry`).
   Term frequencies of names, phonetic keys and regions are counted in
   the registry, so a common name weighs little here as in the batch.
4. **Store** pairs at or above the review threshold as `MatchCandidate` (`actions.store_candidates`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Q

from gugus.cases.models import IdentifierKind, Person, PersonIdentifier
from gugus.linkage import access
from gugus.linkage.prepare import DATA_DIR, PREPARED_COLUMNS, prepare_record

log = logging.getLogger(__name__)

PRIOR_MODEL = DATA_DIR / "model_prior.json"
#: The packaged prior was trained on this many records (see the module docstring).
PRIOR_TRAINED_ON = 20_000
_SEX = {"F": "P", "M": "L"}
_MATCH_KINDS = (IdentifierKind.NIK, IdentifierKind.PHONE, IdentifierKind.PASSPORT)


def registry_model_path() -> Path:
    """Where ``gugus link-registry`` writes the model trained on the registry."""
    return Path(django_settings.DATA_DIR) / "linkage" / "model.json"


@dataclass(frozen=True)
class Model:
    settings: dict[str, Any]
    version: str


def load_model() -> Model:
    """The registry's trained model if there is one, else the packaged prior (see the module docstring)."""
    path = registry_model_path()
    if path.exists():
        return _load(str(path), path.stat().st_mtime_ns, "registry")
    return _load(str(PRIOR_MODEL), 0, "prior")


@cache
def _load(path: str, _mtime: int, kind: str) -> Model:
    raw = Path(path).read_bytes()
    return Model(settings=json.loads(raw), version=f"{kind}:{hashlib.sha256(raw).hexdigest()[:12]}")


# -- 1. block ---------------------------------------------------------------------------------------------

def registry_candidates(person: Person, *, limit: int | None = None) -> list[int]:
    """Ids of registry records worth scoring against ``person`` (indexed lookups only)."""
    limit = limit or int(access.thresholds()["max_candidates"])
    others = Person.objects.exclude(pk=person.pk)
    found: dict[int, None] = {}

    def take(qs) -> None:
        for pk in qs.order_by("-pk").values_list("pk", flat=True)[:limit]:
            found.setdefault(pk, None)

    indexes = list(person.identifiers.filter(kind__in=_MATCH_KINDS).values_list("index", flat=True))
    if indexes:
        take(others.filter(pk__in=PersonIdentifier.objects.filter(index__in=indexes).values("person_id")))
    if person.name_phonetic:
        same_name = others.filter(name_phonetic=person.name_phonetic)
        if person.birth_date:
            take(same_name.filter(Q(birth_date__year=person.birth_date.year) | Q(birth_date__isnull=True)))
        else:
            take(same_name)
        if person.birth_date:
            words = Q()
            for key in person.name_phonetic.split():
                words |= Q(name_phonetic__contains=f" {key} ")
            take(others.filter(words, birth_date=person.birth_date))
    return list(found)[:limit]


# -- 2. prepare -------------------------------------------------------------------------------------------

def person_row(person: Person) -> dict[str, str]:
    """A registry record in the file-mode columns (identifiers decrypted in memory only)."""
    first: dict[str, str] = {}
    for ident in person.identifiers.all():
        first.setdefault(ident.kind, ident.value)
    return {
        "record_id": str(person.pk),
        "full_name": person.full_name,
        "nik": first.get(IdentifierKind.NIK, ""),
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "sex": _SEX.get(person.sex, ""),
        "origin_region": person.origin_region_id or "",
        "phone": first.get(IdentifierKind.PHONE, ""),
        "passport": first.get(IdentifierKind.PASSPORT, ""),
    }


# -- 3. score ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoredPair:
    id_a: int
    id_b: int
    match_probability: float
    match_weight: float
    evidence: list[dict[str, Any]]


def _level_labels(model_settings: Mapping[str, Any]) -> dict[str, list[str]]:
    """Comparison → labels of its non-null levels, best first (Splink's gamma counts down to 0 = else)."""
    out = {}
    for comparison in model_settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        out[comparison["output_column_name"]] = [lv.get("label_for_charts", "") for lv in levels]
    return out


def _evidence(row: Mapping[str, Any], labels: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Per comparison: the level reached and its match weight (log2 Bayes factor, with the term-frequency
    adjustment); positive weight = the field agrees. Labels and weights only, never the compared values."""
    out = []
    for field, names in labels.items():
        if row.get(f"gamma_{field}") is None:  # a comparison the model could not estimate
            continue
        gamma = int(row[f"gamma_{field}"])
        if gamma < 0:
            out.append({"field": field, "level": "missing", "agreed": None, "weight": 0.0})
            continue
        weight = float(row.get(f"mw_{field}") or 0.0) + float(row.get(f"mw_tf_adj_{field}") or 0.0)
        out.append({"field": field, "level": names[len(names) - 1 - gamma], "agreed": weight > 0,
                    "weight": round(weight, 3)})
    return out


def _tf_counts(column: str, values: set[str], prepared: list[dict[str, Any]]) -> dict[str, float]:
    """Relative frequency of each value in the registry (at least one record: the one being scored). A small
    registry counts as ``tf_min_population`` records, so a few records cannot make every name "common"."""
    total = max(Person.objects.count(), int(access.thresholds()["tf_min_population"]), 1)
    out = {}
    for value in values:
        if column == "name":
            n = Person.objects.filter(name_normalised=value).count()
        elif column == "name_key":
            n = Person.objects.filter(name_phonetic=f" {value.lower()} ").count()
        else:  # region: a kab/kota code without dots
            code = f"{value[:2]}.{value[2:]}"
            n = Person.objects.filter(Q(origin_region_id=code) | Q(origin_region__code__startswith=f"{code}.")).count()
        out[value] = max(n, sum(1 for p in prepared if p.get(column) == value), 1) / total
    return out


def prior_for_registry(trained: float, registry_size: int) -> float:
    """The packaged model's prior (the chance that two random records are one person) for a registry of
    ``registry_size`` records. A person appears in a few records whatever the registry's size, so the chance
    falls as 1/N: the prior estimated on 20,000 records would make every pair of a million-record registry
    look 50 times likelier than it is. The registry's own model (``gugus link-registry``) is estimated on
    the registry and used as it is."""
    return trained * PRIOR_TRAINED_ON / max(registry_size, PRIOR_TRAINED_ON)


def score_rows(rows: list[Mapping[str, Any]], *, focus: Iterable[int] | None = None,
               model: Model | None = None, min_probability: float | None = None,
               registry_tf: bool = True) -> list[ScoredPair]:
    """Score the pairs among ``rows`` (file-mode columns, ``record_id`` = person id) with the model.

    Args:
        focus: only pairs with at least one of these record ids (the new records); all pairs if None.
        min_probability: pairs below are dropped; default the review threshold.
        registry_tf: count term frequencies in the registry (else in ``rows``).
    """
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    model = model or load_model()
    threshold = access.thresholds()["review"] if min_probability is None else min_probability
    if len(rows) < 2:
        return []
    prepared = [prepare_record(dict(r)) for r in rows]
    ids = [int(r["record_id"]) for r in rows]
    table = pa.table({
        "unique_id": pa.array(ids, pa.int64()),
        **{c: pa.array([p[c] for p in prepared], pa.list_(pa.string()) if c == "name_tokens" else pa.string())
           for c in PREPARED_COLUMNS},
    })
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    db_api = DuckDBAPI(connection=con)
    con.register("gugus_incremental_arrow", table)
    con.execute("CREATE TABLE gugus_incremental AS SELECT * FROM gugus_incremental_arrow")
    model_settings = copy.deepcopy(model.settings)
    if model.version.startswith("prior:"):
        model_settings["probability_two_random_records_match"] = prior_for_registry(
            model_settings["probability_two_random_records_match"], Person.objects.count())
    focus_ids = sorted({int(i) for i in focus}) if focus is not None else None
    if focus_ids:
        wanted = ", ".join(str(i) for i in focus_ids)
        rule = f"l.unique_id IN ({wanted}) OR r.unique_id IN ({wanted})"
    else:
        rule = "1 = 1"
    model_settings["blocking_rules_to_generate_predictions"] = [rule]
    model_settings["retain_intermediate_calculation_columns"] = True
    model_settings["retain_matching_columns"] = True
    linker = Linker(db_api.register("gugus_incremental"), model_settings)
    logging.getLogger("splink").setLevel(logging.ERROR)
    if registry_tf:
        for column in ("name", "name_key", "region"):
            values = {p[column] for p in prepared if p.get(column)}
            freqs = _tf_counts(column, values, prepared)
            tf = pa.table({column: pa.array(list(freqs), pa.string()),
                           f"tf_{column}": pa.array(list(freqs.values()), pa.float64())})
            con.register(f"gugus_tf_{column}_arrow", tf)
            con.execute(f"CREATE TABLE gugus_tf_{column} AS SELECT * FROM gugus_tf_{column}_arrow")  # noqa: S608
            linker.table_management.register_term_frequency_lookup(db_api.register(f"gugus_tf_{column}"), column)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    frame = predictions.as_pandas_dataframe()
    labels = _level_labels(model_settings)
    out = []
    for record in frame.to_dict("records"):
        a, b = sorted((int(record["unique_id_l"]), int(record["unique_id_r"])))
        out.append(ScoredPair(a, b, float(record["match_probability"]), float(record["match_weight"]),
                              _evidence(record, labels)))
    con.close()
    return out


# -- 4. the whole step ------------------------------------------------------------------------------------

def match_person(person: Person) -> list:
    """Match one person record against the registry; store and return the candidates at or above the review
    threshold (`MatchCandidate` rows). Re-running is safe: a pair is stored once, decided pairs stay decided.
    """
    from gugus.linkage import actions

    candidate_ids = registry_candidates(person)
    if not candidate_ids:
        return []
    people = list(Person.objects.filter(pk__in=[person.pk, *candidate_ids]).prefetch_related("identifiers"))
    model = load_model()
    pairs = score_rows([person_row(p) for p in people], focus=[person.pk], model=model)
    return actions.store_candidates(pairs=pairs, model_version=model.version, trigger=person)


def match_after_commit(person: Person) -> None:
    """Run `match_person` once the current transaction commits; a failure is logged, never raised, so
    recording a person never fails because of matching (``gugus link-registry`` catches up later)."""
    pk = person.pk

    def run() -> None:
        try:
            found = Person.objects.filter(pk=pk).first()
            if found is not None:
                match_person(found)
        except Exception:  # noqa: BLE001 — matching is best effort after the record is safely stored
            log.exception("linkage: incremental matching failed for person %s", pk)

    transaction.on_commit(run)
