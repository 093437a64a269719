"""Repost grouping (MinHash LSH) and contact links."""

from __future__ import annotations

import random

from gugus.watch.corpus import generate, repost
from gugus.watch.dedup import ContactLinker, DuplicateGrouper
from gugus.watch.normalize import normalize

OFFER = (
    "Dibutuhkan customer service di Phnom Penh, gaji 15jt, tanpa pengalaman. Tiket pesawat dan visa ditanggung, "
    "mess gratis, makan 3x sehari. Berangkat minggu ini, kuota terbatas. Hubungi WA {phone}"
)


def add(g, key, text):
    return g.add(key, normalize(text).text)


def test_repost_with_new_phone_and_small_edits_is_grouped():
    g = DuplicateGrouper()
    assert add(g, "a", OFFER.format(phone="0812-3456-7890")) is None
    assert add(g, "b", OFFER.format(phone="+62 857 1111 2222")) == "a"
    edited = OFFER.format(phone="wa.me/6281300001111").replace("kuota terbatas", "kuota terbatas!!! 🔥") + " segera"
    assert add(g, "c", edited) == "a"


def test_different_offer_is_not_grouped():
    g = DuplicateGrouper()
    add(g, "a", OFFER.format(phone="0812-3456-7890"))
    other = ("Lowongan admin toko di Surabaya, gaji UMR, BPJS Kesehatan. Kirim CV ke email hrd@toko.co.id, "
             "interview langsung di kantor kami Jl. Sudirman 5")
    assert add(g, "b", other) is None


def test_group_root_is_kept_through_a_chain_of_reposts():
    g = DuplicateGrouper()
    rng = random.Random(3)
    post = next(generate(1, seed=11, mix={"scam_compound": 1.0}))
    add(g, "p0", post.text)
    prev = post
    for k in range(1, 4):
        prev = repost(prev, rng, f"p{k}")
        assert add(g, prev.id, prev.text) == "p0"


def test_ref_is_returned_instead_of_internal_key():
    g = DuplicateGrouper()
    g.add(1, normalize(OFFER.format(phone="0812-3456-7890")).text, ref="post-1")
    assert g.add(2, normalize(OFFER.format(phone="0812-0000-7890")).text, ref="post-2") == "post-1"


def test_window_bounds_the_index():
    g = DuplicateGrouper(window=50)
    for p in generate(200, seed=5):
        g.add(p.id, normalize(p.text).text)
    assert len(g) <= 50


def test_contact_links():
    linker = ContactLinker()
    assert linker.add("a", ["+6281234567890", "BCA:123456789"]) == []
    assert linker.add("b", ["+6281234567890"]) == ["a"]
    assert linker.add("c", ["+6289999999999", "BCA:123456789"]) == ["a"]
    assert linker.add("d", ["+6289999999999"]) == ["c"]


def test_screener_groups_and_links_across_a_stream(screener):
    posts = [
        {"id": "x1", "text": OFFER.format(phone="0812-3456-7890")},
        {"id": "x2", "text": "Jual motor bekas murah, hubungi 0812-3456-7890"},
        {"id": "x3", "text": OFFER.format(phone="0857-9999-0000")},
    ]
    results = list(screener.screen(posts, batch_size=2))
    assert [r.id for r in results] == ["x1", "x2", "x3"]
    assert [r.duplicate_of for r in results] == [None, None, "x1"]
    assert results[1].linked == ["x1"]
