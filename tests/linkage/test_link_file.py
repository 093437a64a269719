"""`gugus link-file`: its contract with the person running it."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gugus.linkage import synthetic
from gugus.linkage.filemode import InputError, read_records
from gugus.linkage.prepare import parse_birth_date


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("link-file", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def input_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("linkfile") / "in.csv"
    rows = list(synthetic.generate(400, seed=11))
    rows[5]["birth_date"] = "31/12/1990"  # not YYYY-MM-DD: counted, treated as missing
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*synthetic.COLUMNS, "catatan"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "catatan": "unknown columns are ignored"})
    return path


def test_one_output_row_per_input_record_in_input_order(input_csv, tmp_path):
    out = tmp_path / "out.csv"
    stdout, _ = _run(str(input_csv), "--output", str(out))
    given = _read(input_csv)
    written = _read(out)
    assert list(written[0]) == ["record_id", "cluster_id"]
    assert [r["record_id"] for r in written] == [r["record_id"] for r in given]
    ids = {r["record_id"] for r in given}
    assert all(r["cluster_id"] in ids for r in written)
    assert len({r["cluster_id"] for r in written}) < len(written)  # some people were found twice
    assert "400 records" in stdout


def test_bad_dates_are_counted_and_progress_goes_to_stderr(input_csv, tmp_path, capsys):
    _, err = _run(str(input_csv), "--output", str(tmp_path / "out.csv"), "--threshold", "0.9")
    bad = sum(1 for r in _read(input_csv) if r["birth_date"] and parse_birth_date(r["birth_date"]) is None)
    assert bad >= 1
    assert f"warning: {bad} birth_date value(s)" in err
    progress = capsys.readouterr().err
    assert "prepare:" in progress and "cluster:" in progress


def test_missing_column_is_a_clear_error(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("record_id,full_name\nA1,Siti Aminah\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lacks column.*nik"):
        _run(str(path), "--output", str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(tmp_path / "absent.csv"), "--output", str(tmp_path / "out.csv"))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x00garbage")
    with pytest.raises(CommandError):
        _run(str(binary), "--output", str(tmp_path / "out.csv"))


def test_threshold_must_be_a_probability(input_csv, tmp_path):
    with pytest.raises(CommandError, match="threshold"):
        _run(str(input_csv), "--output", str(tmp_path / "out.csv"), "--threshold", "1.5")


def test_blank_or_repeated_record_ids_are_refused(tmp_path):
    header = "record_id,source,full_name,nik,birth_date,sex,origin_region,phone,passport\n"
    blank = tmp_path / "blank.csv"
    blank.write_text(header + ",POLRI,Siti,,,,,,\n", encoding="utf-8")
    with pytest.raises(InputError, match="record_id is blank"):
        read_records(blank)
    twice = tmp_path / "twice.csv"
    twice.write_text(header + "A,POLRI,Siti,,,,,,\nA,KBRI,Siti,,,,,,\n", encoding="utf-8")
    with pytest.raises(InputError, match="appears twice"):
        read_records(twice)


def test_command_exits_non_zero_from_the_console(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "in.csv"
    path.write_text("record_id\nA1\n", encoding="utf-8")
    proc = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gugus", "link-file", str(path), "--output", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    assert "lacks column" in proc.stderr
