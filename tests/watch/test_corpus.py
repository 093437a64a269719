"""The seed-corpus generator: deterministic, labelled, with held-out templates."""

from __future__ import annotations

from gugus.watch import corpus


def test_generator_is_deterministic():
    a = [p.text for p in corpus.generate(50, seed=1)]
    b = [p.text for p in corpus.generate(50, seed=1)]
    c = [p.text for p in corpus.generate(50, seed=2)]
    assert a == b and a != c


def test_heldout_templates_never_appear_in_training():
    train = {p.template for p in corpus.generate(3000, seed=1, split="train")}
    held = {p.template for p in corpus.generate(1000, seed=2, split="heldout")}
    assert train and held and not train & held
    assert {t.split(":")[0] for t in held} == set(corpus.T)  # every category has held-out wording


def test_labels_follow_categories():
    for p in corpus.generate(300, seed=3):
        assert p.label == (1 if p.category in corpus.SCAM_CATEGORIES else 0)
