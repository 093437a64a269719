"""The whole registry through the engine (``gugus link-registry``): train on the registry, refresh candidates.

    persons → file-mode rows → LinkageEngine (prepare → block → compare → train → predict) → candidates

The trained model is written to ``<GUGUS_DATA_DIR>/linkage/model.json``; incremental matching uses it from
then on. A registry smaller than ``train_min_records`` (``data/review.toml``) or too sparse for EM (no shared NIK,
no shared name + birth date) is scored with
the packaged prior model instead, and nothing is written. Pending pairs the run no longer finds are removed;
decided pairs are never touched.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from gugus.audit.actions import record_event
from gugus.cases.models import Person
from gugus.linkage import access, actions
from gugus.linkage.engine import EngineOptions, LinkageEngine, LinkageError
from gugus.linkage.incremental import (
    ScoredPair,
    _evidence,
    _level_labels,
    load_model,
    person_row,
    registry_model_path,
)
from gugus.linkage.models import CandidateStatus, MatchCandidate


@dataclass
class RegistryRun:
    records: int = 0
    candidates: int = 0
    removed: int = 0
    model_version: str = ""
    trained: bool = False


def link_registry(*, options: EngineOptions | None = None, progress: Callable[[str], None] | None = None,
                  train: bool = True, chunk: int = 2000) -> RegistryRun:
    progress = progress or (lambda m: None)
    run = RegistryRun()
    ids: list[int] = []

    def rows():
        qs = Person.objects.order_by("pk").prefetch_related("identifiers")
        for person in qs.iterator(chunk_size=chunk):
            ids.append(person.pk)
            yield person_row(person)

    total = Person.objects.count()
    run.records = total
    if total < 2:
        progress("link-registry: fewer than two records, nothing to link")
        return run
    threshold = float(access.thresholds()["review"])
    engine = LinkageEngine(options=options, progress=progress)
    engine.prepare(rows(), total=total)
    engine.settings["retain_intermediate_calculation_columns"] = True
    engine.block()
    engine.compare()
    minimum = int(access.thresholds()["train_min_records"])
    if train and total < minimum:
        progress(f"link-registry: {total:,} records, fewer than {minimum:,}: not training; using the current model")
    elif train:
        try:
            engine.train()
            path = registry_model_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            engine.save_model(path)
            run.trained = True
        except LinkageError as exc:
            progress(f"link-registry: training skipped ({exc}); scoring with the current model")
    if not run.trained:
        prior = copy.deepcopy(load_model().settings)
        prior["blocking_rules_to_generate_predictions"] = engine.settings["blocking_rules_to_generate_predictions"]
        prior["retain_intermediate_calculation_columns"] = True
        engine = LinkageEngine(settings=prior, options=options, progress=progress)
        ids.clear()
        engine.prepare(rows(), total=total)
        engine.block()
        engine.compare()
    run.model_version = load_model().version
    frame = engine.predict(threshold).as_pandas_dataframe()
    labels = _level_labels(engine.settings)
    pairs = []
    for record in frame.to_dict("records"):
        a, b = sorted((ids[int(record["unique_id_l"])], ids[int(record["unique_id_r"])]))
        pairs.append(ScoredPair(a, b, float(record["match_probability"]), float(record["match_weight"]),
                                _evidence(record, labels)))
    progress(f"link-registry: storing {len(pairs):,} candidate pairs")
    found = {(p.id_a, p.id_b) for p in pairs}
    with transaction.atomic():
        stored = actions.store_candidates(pairs=pairs, model_version=run.model_version)
        stale = [pk for pk, a, b in MatchCandidate.objects.filter(status=CandidateStatus.PENDING)
                 .values_list("pk", "person_a_id", "person_b_id") if (a, b) not in found]
        MatchCandidate.objects.filter(pk__in=stale).delete()
        record_event(actor=None, action="linkage.registry_run", object_type=MatchCandidate.OBJECT_TYPE,
                     data={"records": total, "candidates": len(stored), "removed": len(stale),
                           "model": run.model_version, "trained": run.trained})
    run.candidates, run.removed = len(stored), len(stale)
    return run
