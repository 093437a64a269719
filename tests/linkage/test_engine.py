"""The engine on a small synthetic multi-agency set: it must actually find the same people."""

import pytest

from gugus.linkage import synthetic
from gugus.linkage.engine import LinkageEngine, LinkageError, load_settings, settings_for_dialect
from gugus.linkage.evaluation import pairwise_scores

# A seed the engine was not tuned on (tuning used seed 1; the benchmark reports on 2027).
SEED = 7


@pytest.fixture(scope="module")
def linked():
    rows = list(synthetic.generate(2_000, seed=SEED))
    messages: list[str] = []
    engine = LinkageEngine(progress=messages.append)
    clusters = engine.link(rows)
    return rows, engine, clusters, messages


def test_engine_finds_the_same_people(linked):
    rows, _, clusters, _ = linked
    scores = pairwise_scores(clusters, [r["person_id"] for r in rows])
    # Measured 0.97–0.98 on 2,000 records; a broken normaliser, comparison or blocking rule
    # drops it well below.
    assert scores.precision >= 0.95
    assert scores.recall >= 0.90
    assert scores.f1 >= 0.94


def test_engine_runs_the_named_steps_in_order(linked):
    _, engine, clusters, messages = linked
    assert list(engine.stats.timings) == ["prepare", "block", "compare", "train", "predict", "cluster"]
    assert [m.split(":")[0] for m in messages][:3] == ["prepare", "block", "compare"]
    assert len(clusters) == engine.stats.records == 2_000
    # Each cluster is named by its first record, which belongs to itself.
    assert all(clusters[c] == c for c in clusters)
    assert engine.stats.blocked_pairs > engine.stats.scored_pairs > 0


def test_a_step_before_its_input_is_refused():
    with pytest.raises(LinkageError, match="prepare"):
        LinkageEngine().block()


def test_unknown_backend_is_refused():
    with pytest.raises(LinkageError, match="Unknown backend"):
        LinkageEngine(backend="oracle")


def test_settings_translate_to_another_dialect():
    spark = settings_for_dialect(load_settings(), "spark")
    conditions = [lvl["sql_condition"] for c in spark["comparisons"] for lvl in c["comparison_levels"]]
    assert "ELSE" in conditions
    assert len(spark["blocking_rules_to_generate_predictions"]) == len(
        load_settings()["blocking_rules_to_generate_predictions"]
    )


def test_generator_is_deterministic():
    assert list(synthetic.generate(50, seed=3)) == list(synthetic.generate(50, seed=3))
    assert list(synthetic.generate(50, seed=3)) != list(synthetic.generate(50, seed=4))
