"""The hashed protected-source roster: build, save, load, look up; never any plaintext."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from pathlib import Path

import pytest

from recognizers.name_keys import name_key, name_keys, token_keys
from service.pipeline.roster import (
    KEY_ENV,
    Roster,
    RosterError,
    build_roster,
    import_plain_file,
    load_roster,
    roster_key_from_env,
)

KEY = b"test-roster-key-0123456789abcdef"
OTHER_KEY = b"another-roster-key-fedcba987654"

PLAIN = [
    {"name": "Tariq al-Bazzaz", "aliases": ["Abu Warda", "@tariq_frontline"]},
    {"name": "Mohammad Alqudsi"},
    {"name": "Hlib Hlushkevych", "aliases": ["Gleb Glushkevich"]},
    {"name": "Yusuf Dardari", "aliases": ["Rumaisa", "@Dardari.Notes"]},
]
SECRET_WORDS = [
    "Tariq al-Bazzaz",
    "Tariq",
    "Bazzaz",
    "Abu Warda",
    "Warda",
    "tariq_frontline",
    "Mohammad Alqudsi",
    "Mohammad",
    "Alqudsi",
    "Hlib",
    "Hlushkevych",
    "Gleb",
    "Glushkevich",
    "Yusuf",
    "Dardari",
    "Rumaisa",
    "Dardari.Notes",
]


def _hmac(key: bytes, s: str) -> str:
    return hmac.new(key, s.encode(), hashlib.sha256).hexdigest()


@pytest.fixture()
def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "roster.json"
    roster = Roster.empty(KEY)
    roster.add_entries(PLAIN)
    roster.save(path)
    return path


# -- building ---------------------------------------------------------------------------------


def test_document_shape_and_digests() -> None:
    doc = build_roster(PLAIN, KEY)
    assert doc["format"] == "sourceguard-roster"
    assert doc["version"] == 1
    assert doc["key_check"] == _hmac(KEY, "sourceguard-roster-key-check")
    assert len(doc["entries"]) == 4
    assert [e["id"] for e in doc["entries"]] == sorted(e["id"] for e in doc["entries"])

    by_id = {e["id"]: e for e in doc["entries"]}
    tariq = by_id["r-" + _hmac(KEY, name_key("Tariq al-Bazzaz"))[:12]]
    assert set(tariq) == {"id", "full", "surnames", "given", "handles"}
    for kind in ("full", "surnames", "given", "handles"):
        assert tariq[kind] == sorted(set(tariq[kind]))
    assert {_hmac(KEY, k) for k in name_keys("Tariq al-Bazzaz")} <= set(tariq["full"])
    assert {_hmac(KEY, k) for k in token_keys("bazzaz")} <= set(tariq["surnames"])
    assert {_hmac(KEY, k) for k in token_keys("tariq")} <= set(tariq["given"])
    assert tariq["handles"] == [_hmac(KEY, "tariq_frontline")]
    # "Abu Warda" has one identifying word: it identifies on its own (given and full).
    assert _hmac(KEY, "varda") in tariq["given"]
    assert _hmac(KEY, "varda") in tariq["full"]

    yusuf = by_id["r-" + _hmac(KEY, name_key("Yusuf Dardari"))[:12]]
    assert yusuf["handles"] == [_hmac(KEY, "dardari.notes")]  # lower-cased, no "@"
    assert {_hmac(KEY, k) for k in token_keys("rumaisa")} <= set(yusuf["given"])


def test_no_plaintext_in_the_file(roster_file: Path) -> None:
    raw = roster_file.read_text()
    for word in SECRET_WORDS:
        for form in {word, word.lower(), word.upper()}:
            assert form not in raw, "plaintext leaked into the roster file"
    for key in name_keys("Tariq al-Bazzaz") | token_keys("Bazzaz") | token_keys("Rumaisa"):
        assert key not in raw  # not even the normalized keys


def test_same_name_twice_merges_into_one_entry() -> None:
    doc = build_roster(
        [{"name": "Idris Mardini"}, {"name": "IDRIS MARDINI", "aliases": ["@idris_m"]}], KEY
    )
    assert len(doc["entries"]) == 1
    assert doc["entries"][0]["handles"] == [_hmac(KEY, "idris_m")]


def test_key_changes_every_digest() -> None:
    a = build_roster(PLAIN, KEY)
    b = build_roster(PLAIN, OTHER_KEY)
    assert a["key_check"] != b["key_check"]
    assert not {e["id"] for e in a["entries"]} & {e["id"] for e in b["entries"]}


BAD_PLAIN = [
    ({"name": "Tariq al-Bazzaz"}, "JSON list"),
    ([], "no entries"),
    (["Tariq al-Bazzaz"], "entry 1: must be an object"),
    ([{"aliases": ["Tariq"]}], "entry 1: 'name' must be a non-empty string"),
    ([{"name": ""}], "entry 1: 'name' must be a non-empty string"),
    ([{"name": "   "}], "'name' must be a non-empty string"),
    ([{"name": 17}], "'name' must be a non-empty string"),
    ([{"name": None}], "'name' must be a non-empty string"),
    ([{"name": "Idris Mardini"}, {"name": "@idris_m"}], "entry 2: 'name' must be a person"),
    ([{"name": "Sheikh"}], "no identifying word"),
    ([{"name": "Idris Mardini", "aliases": ["al-"]}], "alias 1 has no identifying word"),
    ([{"name": "Tariq al-Bazzaz", "aliases": "Abu Warda"}], "'aliases' must be a list"),
    ([{"name": "Tariq al-Bazzaz", "aliases": ["Abu Warda", 3]}], "'aliases' must be a list"),
    ([{"name": "Tariq al-Bazzaz", "aliases": [""]}], "alias 1 is empty"),
    ([{"name": "Tariq al-Bazzaz", "aliases": ["@tariq frontline"]}], "alias 1 starts with '@'"),
    ([{"name": "Tariq al-Bazzaz", "aliases": ["@"]}], "alias 1 starts with '@'"),
    ([{"name": "Tariq al-Bazzaz", "alias": ["Abu Warda"]}], "unexpected field"),
]


@pytest.mark.parametrize(("plain", "message"), BAD_PLAIN)
def test_bad_plain_input(plain: object, message: str) -> None:
    with pytest.raises(RosterError, match=message) as info:
        build_roster(plain, KEY)  # type: ignore[arg-type]
    for word in ("Tariq", "Bazzaz", "Warda", "Idris", "Mardini", "frontline"):
        assert word.lower() not in str(info.value).lower()


@pytest.mark.parametrize("key", [b"", b"short", "a string key of enough length"])
def test_bad_keys(key: object) -> None:
    with pytest.raises(RosterError):
        build_roster(PLAIN, key)  # type: ignore[arg-type]


# -- loading and looking up -------------------------------------------------------------------


def test_round_trip_and_lookups(roster_file: Path) -> None:
    roster = load_roster(roster_file, KEY)
    assert len(roster) == 4
    assert roster.digest == "sha256:" + hashlib.sha256(roster_file.read_bytes()).hexdigest()
    assert roster.to_document() == build_roster(PLAIN, KEY)

    tariq = roster.match_full(name_keys("Tareq el-Bazaz"))
    assert tariq is not None and tariq.startswith("r-")
    assert roster.match_full(name_keys("Tarik Albazzaz")) == tariq
    assert roster.match_full(name_keys("Tariq Haddad")) is None
    assert roster.match_surname(token_keys("Bazaz")) == tariq
    assert roster.match_given(token_keys("Tarek")) == tariq
    assert roster.match_surname(token_keys("Tariq")) is None
    assert roster.match_handle("@Tariq_Frontline") == tariq
    assert roster.match_handle("tariq_frontline") == tariq
    assert roster.match_handle("@someone_else") is None

    hlib = roster.match_full(name_keys("Gleb Glushkevich"))
    assert hlib == roster.match_full(name_keys("Hlib Hlushkevych"))
    assert roster.match_full(name_keys("Muhammad al-Qudsi")) is not None
    assert roster.match_full(name_keys("Rumaisa")) == roster.match_full(name_keys("Yusuf Dardari"))


def test_wrong_key(roster_file: Path) -> None:
    with pytest.raises(RosterError, match="roster was hashed with a different key"):
        load_roster(roster_file, OTHER_KEY)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="cannot read roster file nope.json"):
        load_roster(tmp_path / "nope.json", KEY)


def _valid_doc() -> dict:
    return build_roster(PLAIN, KEY)


def _mutated(mutate) -> dict:  # type: ignore[no-untyped-def]
    doc = _valid_doc()
    mutate(doc)
    return doc


MALFORMED: list[tuple[object, str]] = [
    ("{not json", "not valid JSON"),
    ([], "must hold a JSON object"),
    ("null", "must hold a JSON object"),
    (_mutated(lambda d: d.update(format="something-else")), "not a sourceguard roster"),
    (_mutated(lambda d: d.pop("format")), "not a sourceguard roster"),
    (_mutated(lambda d: d.update(version=2)), "unsupported version"),
    (_mutated(lambda d: d.update(version="1")), "unsupported version"),
    (_mutated(lambda d: d.update(version=True)), "unsupported version"),
    (_mutated(lambda d: d.pop("key_check")), "exactly the fields"),
    (_mutated(lambda d: d.update(names=["x"])), "exactly the fields"),
    (_mutated(lambda d: d.update(key_check="abc")), "malformed key_check"),
    (_mutated(lambda d: d.update(entries={})), "entries must be a list"),
    (_mutated(lambda d: d["entries"].append("r-000000000000")), "entry 5: must have exactly"),
    (_mutated(lambda d: d["entries"][0].pop("given")), "entry 1: must have exactly"),
    (_mutated(lambda d: d["entries"][0].update(name="x")), "entry 1: must have exactly"),
    (_mutated(lambda d: d["entries"][1].update(id="bad-id")), "entry 2: malformed id"),
    (_mutated(lambda d: d["entries"][1].update(id=d["entries"][0]["id"])), "duplicate id"),
    (_mutated(lambda d: d["entries"][0].update(full=["Tariq"])), "full must be a list of hex"),
    (_mutated(lambda d: d["entries"][0].update(handles="ab")), "handles must be a list of hex"),
    (_mutated(lambda d: d["entries"][0].update(full=[], handles=[])), "neither full-name"),
]


@pytest.mark.parametrize(("content", "message"), MALFORMED)
def test_malformed_files(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "broken-roster.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(RosterError, match=message) as info:
        load_roster(path, KEY)
    assert "broken-roster.json" in str(info.value)
    assert "tariq" not in str(info.value).lower()


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RosterError, match="binary.json"):
        load_roster(path, KEY)


def test_empty_roster() -> None:
    roster = Roster.empty()
    assert len(roster) == 0
    assert roster.match_full(name_keys("Tariq al-Bazzaz")) is None
    assert roster.match_handle("@tariq_frontline") is None
    with pytest.raises(RosterError):
        roster.to_document()
    with pytest.raises(RosterError):
        roster.add_entries(PLAIN)


# -- managing ---------------------------------------------------------------------------------


def test_add_remove_save(roster_file: Path, tmp_path: Path) -> None:
    roster = load_roster(roster_file, KEY)
    before = roster.digest
    [new_id] = roster.add_entries([{"name": "Faisal az-Zubaidi"}])
    assert len(roster) == 5
    assert roster.match_full(name_keys("Faysal Al Zubaydi")) == new_id
    assert roster.digest != before

    target = tmp_path / "out" / "roster.json"
    target.parent.mkdir()
    roster.save(target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert os.listdir(target.parent) == ["roster.json"]  # no temp files left behind
    assert roster.digest == "sha256:" + hashlib.sha256(target.read_bytes()).hexdigest()

    roster.remove_entry(new_id)
    assert roster.match_full(name_keys("Faisal az-Zubaidi")) is None
    assert len(roster) == 4
    with pytest.raises(RosterError, match="no roster entry"):
        roster.remove_entry(new_id)
    roster.save(target)
    assert target.read_bytes() == roster_file.read_bytes()


def test_add_entries_with_a_different_key_is_refused(roster_file: Path) -> None:
    roster = load_roster(roster_file, KEY)
    with pytest.raises(RosterError, match="different key"):
        roster.add_entries([{"name": "Idris Mardini"}], OTHER_KEY)


def test_save_into_missing_directory(tmp_path: Path) -> None:
    roster = Roster.empty(KEY)
    roster.add_entries([{"name": "Idris Mardini"}])
    with pytest.raises(RosterError, match="cannot write roster file r.json"):
        roster.save(tmp_path / "missing" / "r.json")


# -- key from the environment -----------------------------------------------------------------


def test_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY.decode())
    assert roster_key_from_env() == KEY


@pytest.mark.parametrize("value", [None, "", "   ", "too-short"])
def test_key_from_env_refuses(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(KEY_ENV, raising=False)
    else:
        monkeypatch.setenv(KEY_ENV, value)
    with pytest.raises(RosterError, match=KEY_ENV):
        roster_key_from_env()


# -- importing a plain file -------------------------------------------------------------------


def test_import_plain_file(tmp_path: Path) -> None:
    src = tmp_path / "plain.json"
    dst = tmp_path / "roster.json"
    src.write_text(json.dumps(PLAIN), encoding="utf-8")
    assert import_plain_file(src, dst, KEY) == 4
    raw = dst.read_text()
    for word in SECRET_WORDS:
        assert word.lower() not in raw.lower()
    assert load_roster(dst, KEY).to_document() == build_roster(PLAIN, KEY)
    assert json.loads(src.read_text()) == PLAIN  # the input is left alone


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"name": "Tariq al-Bazzaz",}]', "plain.json is not valid JSON"),
        ('{"name": "Tariq al-Bazzaz"}', "JSON list"),
        ('[{"name": "Tariq al-Bazzaz", "aliases": "Abu Warda"}]', "'aliases' must be a list"),
    ],
)
def test_import_refuses_bad_input(tmp_path: Path, content: str, message: str) -> None:
    src = tmp_path / "plain.json"
    dst = tmp_path / "roster.json"
    src.write_text(content, encoding="utf-8")
    with pytest.raises(RosterError, match=message) as info:
        import_plain_file(src, dst, KEY)
    assert "tariq" not in str(info.value).lower()
    assert "warda" not in str(info.value).lower()
    assert not dst.exists()


def test_import_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    src = tmp_path / "plain.json"
    src.write_text(json.dumps(PLAIN), encoding="utf-8")
    with pytest.raises(RosterError, match="must not overwrite"):
        import_plain_file(src, src, KEY)
    assert json.loads(src.read_text()) == PLAIN


def test_import_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    src = tmp_path / "plain.json"
    src.write_bytes(b"\xef\xbb\xbf" + json.dumps(PLAIN).encode())
    assert import_plain_file(src, tmp_path / "roster.json", KEY) == 4
