"""``sourceguard archive scan`` end to end on Ray in local mode (one ``ray.init`` for them all).

A small generated archive (invented names): every planted variant is found and no other
document; an interrupted scan resumes without losing or repeating a row; unreadable documents are
listed and give exit 2; Parquet holds the same rows; the PostgreSQL source streams a table of the
local server; ``--full`` screens the flagged documents with the engine. No name reaches any file
the scan writes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.archive_corpus import Archive, generate
from service.archive.scan import ScanOptions, run_scan
from service.archive.sources import JsonlSource
from service.archive.worker import WorkerConfig
from service.cli import main
from service.core.config import derive_key
from service.pipeline.roster import build_roster, load_roster, serialize

ray = pytest.importorskip("ray", reason="the archive extra is not installed")
pytestmark = pytest.mark.slow

KEY = "archive-scan-test-roster-key-0123"
PG_DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"


@pytest.fixture(scope="module", autouse=True)
def ray_local() -> Iterator[None]:
    import logging

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        logging_level=logging.ERROR,
        log_to_driver=False,
        object_store_memory=128 * 1024 * 1024,
        _node_ip_address="127.0.0.1",
    )
    yield
    ray.shutdown()


@pytest.fixture(autouse=True)
def roster_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCEGUARD_ROSTER_KEY", KEY)


@pytest.fixture(scope="module")
def archive() -> Archive:
    return generate(documents=150, roster_size=12, plant_every=3, words_per_document=(60, 200))


@pytest.fixture
def files(tmp_path: Path, archive: Archive) -> dict[str, Path]:
    roster = tmp_path / "roster.json"
    roster.write_bytes(serialize(build_roster(archive.plain_roster, KEY.encode())))
    jsonl = tmp_path / "archive.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for doc_id, text in archive.documents:
            handle.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return {"roster": roster, "jsonl": jsonl, "dir": tmp_path}


def entry_ids(archive: Archive) -> list[str]:
    return [build_roster([p], KEY.encode())["entries"][0]["id"] for p in archive.plain_roster]


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def scan(*args: str) -> int:
    return main(["archive", "scan", "--quiet", "--workers", "2", *args])


def assert_no_names(archive: Archive, *paths: Path) -> None:
    words = {
        w.strip("@").lower()
        for p in archive.plain_roster
        for name in [p["name"], *p["aliases"]]
        for w in name.replace("-", " ").split()
        if len(w) > 3
    }
    for path in paths:
        content = path.read_text().lower()
        leaked = [w for w in words if w in content]
        assert not leaked, f"a roster name reached {path.name}"


def test_every_planted_variant_found_and_no_other_document(
    files: dict[str, Path], archive: Archive
) -> None:
    out = files["dir"] / "found.jsonl"
    summary = files["dir"] / "summary.json"
    code = scan(str(files["jsonl"]), "--roster", str(files["roster"]), "-o", str(out),
                "--summary", str(summary))  # fmt: skip
    assert code == 1
    rows = read_rows(out)
    ids = entry_ids(archive)
    by_doc: dict[str, set[str]] = {}
    for row in rows:
        by_doc.setdefault(row["document"], set()).add(row["identity"])
        assert row["tier"] == "roster" and row["entity_type"] == "PROTECTED_SOURCE"
    assert set(by_doc) == set(archive.planted), sorted(set(archive.variants.values()))
    for doc_id, index in archive.planted.items():
        assert by_doc[doc_id] == {ids[index]}, archive.variants[doc_id]
    report = json.loads(summary.read_text())
    assert report["documents"] == len(archive.documents)
    assert report["flagged_by_roster"] == len(archive.planted)
    assert report["bad"] == 0 and report["exit_code"] == 1
    assert sum(v["documents"] for v in report["identities"].values()) == len(archive.planted)
    assert_no_names(archive, out, summary, Path(f"{out}.checkpoint"))


def test_unreachable_cluster_is_a_clear_error(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = files["dir"] / "x.jsonl"
    code = scan(str(files["jsonl"]), "--roster", str(files["roster"]), "-o", str(out),
                "--address", "127.0.0.1:1")  # fmt: skip
    assert code == 2
    assert "cannot reach the Ray cluster at --address" in capsys.readouterr().err


def test_nothing_found_exits_zero(files: dict[str, Path], archive: Archive) -> None:
    clean = files["dir"] / "clean.jsonl"
    clean.write_text(
        "".join(
            json.dumps({"id": d, "text": t}) + "\n"
            for d, t in archive.documents
            if d not in archive.planted
        )
    )
    out = files["dir"] / "none.jsonl"
    assert scan(str(clean), "--roster", str(files["roster"]), "-o", str(out)) == 0
    assert out.read_text() == ""


def test_interrupted_scan_resumes_without_loss_or_repeat(
    files: dict[str, Path], archive: Archive
) -> None:
    reference = files["dir"] / "reference.jsonl"
    assert scan(str(files["jsonl"]), "--roster", str(files["roster"]), "-o", str(reference)) == 1

    out = files["dir"] / "resumed.jsonl"
    roster = load_roster(files["roster"], KEY.encode())
    config = WorkerConfig(roster.to_document(), KEY.encode(), derive_key(KEY.encode(), "archive"),
                          max_chars=2_000_000)  # fmt: skip
    header = {"source": JsonlSource(files["jsonl"]).label, "roster": roster.digest, "full": "none",
              "policy": None, "output": str(out.resolve()), "output_format": "jsonl"}  # fmt: skip
    options = ScanOptions(output=out, fmt="jsonl", checkpoint=Path(f"{out}.checkpoint"),
                          resume=False, workers=2, batch_documents=20, quiet=True,
                          scan_header=header)  # fmt: skip
    seen = []

    def interrupt(record: dict[str, Any]) -> None:
        seen.append(record)
        if len(seen) == 2:
            raise KeyboardInterrupt

    first = run_scan(options, JsonlSource(files["jsonl"]), config, on_batch=interrupt)
    assert first.interrupted and 0 < first.documents < len(archive.documents)
    with out.open("ab") as handle:  # a crash after writing rows, before recording the batch
        handle.write(b'{"document": "torn')

    # Without --resume an existing checkpoint is refused rather than overwritten.
    assert scan(str(files["jsonl"]), "--roster", str(files["roster"]), "-o", str(out)) == 2
    code = scan(str(files["jsonl"]), "--roster", str(files["roster"]), "-o", str(out), "--resume")
    assert code == 1
    rows = read_rows(out)
    assert sorted(map(json.dumps, rows)) == sorted(map(json.dumps, read_rows(reference)))
    # A finished scan resumed again reports the same and writes nothing new.
    assert scan(str(files["jsonl"]), "--roster", str(files["roster"]), "-o", str(out),
                "--resume") == 1  # fmt: skip
    assert len(read_rows(out)) == len(rows)


def test_folder_with_markup_and_bad_documents(tmp_path: Path, archive: Archive) -> None:
    roster = tmp_path / "roster.json"
    roster.write_bytes(serialize(build_roster(archive.plain_roster, KEY.encode())))
    given, surname = archive.plain_roster[0]["name"].split(" ", 1)
    other_given, other_surname = archive.plain_roster[1]["name"].split(" ", 1)
    tree = tmp_path / "site"
    (tree / "2024" / "05").mkdir(parents=True)
    (tree / "2024" / "05" / "story.md").write_text(f"# Report\n\nWe met **{given}** {surname}.\n")
    (tree / "2024" / "05" / "page.html").write_text(
        f'<p>Photo: <a href="/people/{other_given}-{other_surname}">the medic</a></p>'
    )
    (tree / "2024" / "clean.txt").write_text("Nothing here names anyone on the roster.\n")
    (tree / "2024" / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (tree / "2024" / "binary.txt").write_bytes(b"\x00\x01\x02 binary")
    (tree / "notes.pdf").write_bytes(b"%PDF-1.4")  # not a draft format: not a document
    out = tmp_path / "site.jsonl"
    summary = tmp_path / "site.json"
    code = scan(str(tree), "--roster", str(roster), "-o", str(out), "--summary", str(summary))
    assert code == 2  # found, but two documents could not be read: incomplete
    rows = read_rows(out)
    found = {r["document"] for r in rows}
    assert found == {"2024/05/story.md", "2024/05/page.html"}
    story = (tree / "2024" / "05" / "story.md").read_text()
    md = next(r for r in rows if r["document"] == "2024/05/story.md")
    assert story[md["start"] : md["end"]] == f"{given}** {surname}"
    report = json.loads(summary.read_text())
    assert report["documents"] == 5
    assert {b["id"]: b["reason"] for b in report["bad_documents"]} == {
        "2024/latin1.txt": "not valid UTF-8 (byte offset 3)",
        "2024/binary.txt": "binary (contains NUL bytes)",
    }
    assert_no_names(archive, out, summary)


def test_ids_that_name_a_roster_entry_are_shown_without_it(
    tmp_path: Path, archive: Archive
) -> None:
    """A slug or file name holding a roster name: replaced in rows, summary and checkpoint."""
    roster = tmp_path / "roster.json"
    roster.write_bytes(serialize(build_roster(archive.plain_roster, KEY.encode())))
    name = archive.plain_roster[0]["name"]
    slug = name.lower().replace(" ", "-")
    tree = tmp_path / "site"
    (tree / slug).mkdir(parents=True)
    (tree / slug / "interview.md").write_text(f"We met {name} at the square.\n")
    (tree / f"{slug}_notes.txt").write_bytes(b"\x00 binary notes")
    (tree / f"{slug}_copy.txt").write_text(f"{name} again.\n")
    out = tmp_path / "site.jsonl"
    summary = tmp_path / "site.json"
    code = scan(str(tree), "--roster", str(roster), "-o", str(out), "--summary", str(summary))
    assert code == 2
    rows = read_rows(out)
    assert {r["document"] for r in rows} == {"[protected]/interview.md", "[protected]_copy.txt"}
    assert len({r["document_key"] for r in rows}) == 2
    assert all(r["document_key"].startswith("hmac-sha256:") for r in rows)
    report = json.loads(summary.read_text())
    assert [b["id"] for b in report["bad_documents"]] == ["[protected]_notes.txt"]
    checkpoint = Path(f"{out}.checkpoint")
    assert_no_names(archive, out, summary, checkpoint)
    # the resumed scan recognises its documents by fingerprint
    assert scan(str(tree), "--roster", str(roster), "-o", str(out), "--resume") == 2


def test_parquet_holds_the_same_rows(files: dict[str, Path]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    jsonl_out = files["dir"] / "rows.jsonl"
    parquet_out = files["dir"] / "rows.parquet"
    assert scan(str(files["jsonl"]), "--roster", str(files["roster"]), "-o", str(jsonl_out)) == 1
    assert scan(str(files["jsonl"]), "--roster", str(files["roster"]), "-o", str(parquet_out),
                "--format", "parquet") == 1  # fmt: skip
    table = pq.read_table(parquet_out).to_pylist()
    key = lambda r: (r["document"], r["start"])  # noqa: E731
    assert sorted(table, key=key) == sorted(read_rows(jsonl_out), key=key)
    assert not Path(f"{parquet_out}.rows.jsonl").exists()


@pytest.mark.postgres
def test_postgresql_source(files: dict[str, Path], archive: Archive) -> None:
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(PG_DSN, autocommit=True)
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432 ({type(exc).__name__})")
    table = f"sg_archive_{uuid.uuid4().hex[:12]}"
    try:
        conn.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY, body text)")
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {table} VALUES (%s, %s)",
                [(n, text) for n, (_, text) in enumerate(archive.documents)],
            )
            cur.execute(f"INSERT INTO {table} VALUES (%s, NULL)", (len(archive.documents),))
        out = files["dir"] / "pg.jsonl"
        summary = files["dir"] / "pg.json"
        code = scan("--dsn", PG_DSN, "--query", f"SELECT id, body FROM {table} ORDER BY id",
                    "--roster", str(files["roster"]), "-o", str(out), "--summary", str(summary))  # fmt: skip
        assert code == 2  # the NULL row is a bad document
        expected = {str(int(d.split("-")[1])) for d in archive.planted}
        assert {r["document"] for r in read_rows(out)} == expected
        report = json.loads(summary.read_text())
        assert report["bad_documents"] == [
            {"id": str(len(archive.documents)), "reason": "the text column is NULL"}
        ]
        assert report["documents"] == len(archive.documents) + 1
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.close()


def test_full_screening_of_flagged_documents(tmp_path: Path, archive: Archive) -> None:
    roster = tmp_path / "roster.json"
    roster.write_bytes(serialize(build_roster(archive.plain_roster, KEY.encode())))
    name = archive.plain_roster[2]["name"]
    docs = tmp_path / "few.jsonl"
    docs.write_text(
        json.dumps({"id": "a", "text": f"Citizen journalist {name} filmed the shelling."}) + "\n"
        + json.dumps({"id": "b", "text": "The council met on Tuesday to discuss the roads."})
        + "\n"
    )  # fmt: skip
    out = tmp_path / "full.jsonl"
    code = main(["archive", "scan", "--quiet", "--workers", "1", str(docs), "--roster",
                 str(roster), "-o", str(out), "--full"])  # fmt: skip
    assert code == 1
    rows = read_rows(out)
    assert {r["document"] for r in rows} == {"a"}
    full = [r for r in rows if r["tier"] == "full"]
    roster_rows = [r for r in rows if r["tier"] == "roster"]
    assert full and roster_rows
    assert {r["identity"] for r in full if r["entity_type"] == "PROTECTED_SOURCE"} == {
        roster_rows[0]["identity"]
    }
    assert all(r["action"] not in (None, "keep") for r in full)
    assert_no_names(archive, out)
