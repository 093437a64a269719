"""The file-mode contract of `gugus screen-posts` and the `gugus watch-train` command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from gugus.watch import model as watch_model

SCAM = "Loker Kamboja customer service gaji 15jt tiket gratis tanpa pengalaman hubungi WA 0812-3456-7890"


@pytest.fixture(autouse=True)
def _use_test_model(monkeypatch, trained_model):
    # The command builds its own Screener; give it the session's model instead of training again.
    monkeypatch.setattr(watch_model, "get_model", lambda: trained_model)
    monkeypatch.setattr("gugus.watch.screening.get_model", lambda: trained_model)


def run(tmp_path, lines, *args):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(x if isinstance(x, bytes) else (x + "\n").encode() for x in lines))
    dst = tmp_path / "out.jsonl"
    err = StringIO()
    call_command("screen-posts", str(src), "--output", str(dst), *args, stderr=err, stdout=StringIO())
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    return out, err.getvalue()


def test_malformed_lines_are_reported_with_numbers_and_the_rest_scored_in_order(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": SCAM, "url": "https://fb.example/1", "posted_at": "2026-11-01"}),
        "{not json",
        json.dumps({"id": "b", "text": "Lowongan kasir di Bandung, gaji UMR, kirim CV ke email"}),
        json.dumps({"text": "no id"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": 7, "text": SCAM.replace("0812-3456-7890", "0857-1234-0000")}),
        json.dumps({"id": "c", "text": None}),
        b'{"id": "d", "text": "\xff\xfe"}\n',
        "",
        json.dumps({"id": "e", "text": ""}),
    ]
    out, err = run(tmp_path, lines)
    assert [o["id"] for o in out] == ["a", "b", 7, "e"]
    for lineno in (2, 4, 5, 7, 8):
        assert f"line {lineno}:" in err
    assert "line 1:" not in err and "line 3:" not in err and "line 9:" not in err
    assert "invalid JSON" in err and 'missing "id"' in err and "not UTF-8" in err
    assert out[0]["level"] == "high" and out[1]["level"] == "low"
    assert out[2]["duplicate_of"] == "a"
    assert out[0]["entities"] == {"phones": ["+6281234567890"], "accounts": [], "countries": ["KH"]}
    assert set(out[0]) == {"id", "risk", "level", "reasons", "duplicate_of", "entities"}


def test_lang_en_and_batches(tmp_path):
    lines = [json.dumps({"id": f"p{i}", "text": SCAM if i % 2 else "Dicari barista di Jogja, gaji UMR"})
             for i in range(25)]
    out, _ = run(tmp_path, lines, "--lang", "en", "--batch-size", "4")
    assert [o["id"] for o in out] == [f"p{i}" for i in range(25)]
    texts = [r["text"] for r in out[1]["reasons"]]
    assert any("Cambodia" in t for t in texts)


def test_full_output_has_versions(tmp_path):
    out, _ = run(tmp_path, [json.dumps({"id": "a", "text": SCAM})], "--full")
    assert out[0]["rules_version"] and out[0]["model_version"].startswith("tfidf-lr-")
    assert "salaries" in out[0]["entities"]


def test_watch_train_saves_a_loadable_model(tmp_path):
    reviewed = tmp_path / "reviewed.jsonl"
    reviewed.write_text(
        json.dumps({"text": "kerja di kapal, gaji 30jt, bayar dp 5jt", "decision": "confirmed"}) + "\n"
        + json.dumps({"text": "lowongan guru les di Medan", "label": 0}) + "\n",
        encoding="utf-8",
    )
    target = tmp_path / "models" / "m.joblib"
    out = StringIO()
    call_command("watch-train", "--seed-size", "600", "--reviewed", str(reviewed), "--output", str(target),
                 "--no-eval", stdout=out, stderr=StringIO())
    loaded = watch_model.load(target)
    assert loaded.n_reviewed == 2 and loaded.version in out.getvalue()
    assert loaded.predict_proba(["loker kamboja"]).shape == (1,)
