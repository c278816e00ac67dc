"""The archive scan's parts that need no Ray: sources, decoding, checkpoint, output, summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from service.archive.checkpoint import Checkpoint
from service.archive.documents import decode
from service.archive.output import RowWriter
from service.archive.sources import FolderSource, JsonlSource, PostgresSource, RawDocument
from service.archive.summary import Summary
from service.cli import main
from service.core.errors import InputError


def test_jsonl_source_streams_documents_and_names_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "one"}\n'
        b'{"id": 7, "text": "two", "format": "html"}\n'
        b"\n"
        b"not json\n"
        b'{"id": "c"}\n'
        b'{"id": "", "text": "x"}\n'
        b'{"id": "d", "text": "x", "format": "pdf"}\n'
        b'{"id": "e", "text": "caf\xe9"}\n'
        b"[1, 2]\n"
    )
    docs = list(JsonlSource(path))
    assert [(d.id, d.kind, d.problem) for d in docs] == [
        ("a", "text", None),
        ("7", "html", None),
        ("line:4", "text", "not valid JSON (column 1)"),
        ("c", "text", "'text' is missing or not a string"),
        ("line:6", "text", "'id' must be a non-empty string or integer"),
        ("d", "text", "'format' must be text, markdown or html"),
        ("e", "text", "'text' is not valid UTF-8"),
        ("line:9", "text", "not a JSON object"),
    ]
    assert JsonlSource(path).count() == 9


def test_folder_source_reads_drafts_only_in_a_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("z")
    (tmp_path / "a.html").write_text("a")
    (tmp_path / "c.txt").write_text("c")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.txt").write_text("x")
    source = FolderSource(tmp_path)
    assert [(d.id, d.kind) for d in source] == [
        ("a.html", "html"),
        ("c.txt", "text"),
        ("b/z.md", "markdown"),
    ]
    assert source.count() == 3


def test_postgres_label_hides_the_password() -> None:
    a = PostgresSource("postgresql://u:secret1@h/db", "SELECT id, t FROM x")
    b = PostgresSource("postgresql://u:secret2@h/db", "SELECT id, t FROM x")
    assert a.label == b.label and "secret" not in a.label


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (RawDocument("x", b"caf\xe9"), "not valid UTF-8 (byte offset 3)"),
        (RawDocument("x", b"a\x00b"), "binary (contains NUL bytes)"),
        (RawDocument("x", "a\x00b"), "contains NUL bytes (binary data?)"),
        (RawDocument("x", None, problem="cannot be read (Permission denied)"),
         "cannot be read (Permission denied)"),
    ],
)  # fmt: skip
def test_bad_documents_get_a_reason_without_content(raw: RawDocument, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        decode(raw, 1000)
    assert str(caught.value) == reason


def test_markup_is_read_as_its_text_with_offsets_into_the_original() -> None:
    doc = decode(RawDocument("x", "<p>We met <b>Tavo</b> Rennik.</p>", "html"), 1000)
    start = doc.reading.index("Tavo")
    assert doc.reading[start : start + 11] == "Tavo Rennik"
    begin, end = doc.to_original(start, start + 11)
    assert doc.text[begin:end] == "Tavo</b> Rennik"
    assert decode(RawDocument("y", b"\xef\xbb\xbfplain"), 100).text == "plain"


def test_checkpoint_refuses_another_scan_and_cuts_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "scan.checkpoint"
    cp = Checkpoint.open(path, {"source": "s", "roster": "r"}, resume=False)
    cp.record({"ids": ["a", "b"], "output": 10})
    cp.close()
    with path.open("ab") as handle:
        handle.write(b'{"ids": ["c"')  # a crash mid-write
    with pytest.raises(InputError, match="add --resume"):
        Checkpoint.open(path, {"source": "s", "roster": "r"}, resume=False)
    with pytest.raises(InputError, match=r"another scan \(different roster\)"):
        Checkpoint.open(path, {"source": "s", "roster": "other"}, resume=True)
    again = Checkpoint.open(path, {"source": "s", "roster": "r"}, resume=True)
    assert again.done == {"a", "b"} and again.output_length == 10
    again.close()
    assert path.read_bytes().endswith(b"\n")


def test_row_writer_resumes_at_the_recorded_length(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    writer = RowWriter(path, None)
    writer.write([{"document": "a"}])
    length = writer.commit()
    writer.write([{"document": "b"}])  # written, never recorded
    writer.commit()
    writer.close()
    resumed = RowWriter(path, length)
    resumed.write([{"document": "c"}])
    resumed.commit()
    resumed.close()
    assert [json.loads(line)["document"] for line in path.read_text().splitlines()] == ["a", "c"]
    with pytest.raises(InputError, match="shorter than the checkpoint"):
        RowWriter(path, 10_000)


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ({"ids": ["a"], "found": 0}, 0),
        ({"ids": ["a"], "found": 1}, 1),
        ({"ids": ["a", "b"], "found": 1, "bad": [["b", "binary"]]}, 2),
    ],
)
def test_exit_codes(record: dict, code: int) -> None:
    summary = Summary()
    summary.add(record)
    assert summary.exit_code == code
    assert summary.to_dict()["exit_code"] == code


def test_missing_ray_explains_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    code = main(["archive", "scan", str(tmp_path), "--roster", "r.sgr", "-o", "out.jsonl"])
    assert code == 2
    message = capsys.readouterr().err
    assert "pip install 'sourceguard[archive]'" in message and "Traceback" not in message


@pytest.mark.parametrize(
    "args",
    [
        ["--dsn", "postgresql://x"],  # --query missing
        ["--query", "SELECT 1"],
        [],  # no source at all
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ray")
    code = main(["archive", "scan", *args, "--roster", "r.sgr", "-o", "out.jsonl"])
    assert code == 2
    assert "sourceguard: error:" in capsys.readouterr().err
