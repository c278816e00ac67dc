"""Inline directives and the keyed baseline. Invented names; reasons must never be echoed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.check.rules import Violation
from service.check.suppress import Baseline, BaselineEntry, parse_directives
from service.core.errors import InputError

SECRET_REASON = "Rami Haddad agreed by phone"
KEY = b"k" * 32
FP1 = "hmac-sha256:" + "1a2b3c4d" * 8
FP2 = "hmac-sha256:" + "5e6f7a8b" * 8


def allow(ids: str, reason: str = SECRET_REASON) -> str:
    return f'<!-- sourceguard: allow {ids} reason="{reason}" -->'


def test_allow_applies_to_next_non_blank_line() -> None:
    text = f"intro\n{allow('SG002')}\n\nRami Haddad said\nLena Ostrova said\n"
    s = parse_directives(text)
    assert s.problems == []
    assert s.suppresses("SG002", 4) == "inline"
    assert s.suppresses("SG003", 4) is None
    assert s.suppresses("SG002", 5) is None
    assert s.suppresses("SG002", 2) is None


def test_allow_with_text_before_applies_to_same_line() -> None:
    s = parse_directives(f"first\nRami Haddad said {allow('SG002')}\nnext\n")
    assert s.suppresses("SG002", 2) == "inline"
    assert s.suppresses("SG002", 3) is None


def test_stacked_allows_skip_each_other() -> None:
    text = f"{allow('SG002')}\n{allow('SG005')}\nRami Haddad +1 555 0100\n"
    s = parse_directives(text)
    assert s.suppresses("SG002", 3) == s.suppresses("SG005", 3) == "inline"


def test_allow_all_comma_separated_and_single_quotes() -> None:
    s = parse_directives("<!-- sourceguard: allow all reason='ok' -->\nx\n")
    assert s.suppresses("SG001", 2) == "inline"
    s = parse_directives("<!-- sourceguard: allow SG002,SG005 reason='ok' -->\nx\n")
    assert s.suppresses("SG005", 2) == "inline"
    assert s.suppresses("SG001", 2) is None
    assert [(d.line, d.kind, d.rules, d.has_reason) for d in s.directives] == [
        (1, "allow", ("SG002", "SG005"), True)
    ]


def test_block_disable_enable() -> None:
    text = (
        "a\n"
        f'<!-- sourceguard: disable SG002 SG003 reason="{SECRET_REASON}" -->\n'
        "Rami\n"
        "Lena\n"
        "<!-- sourceguard: enable SG002 -->\n"
        "Kim\n"
        "<!-- sourceguard: enable -->\n"
        "Ana\n"
    )
    s = parse_directives(text)
    assert s.problems == []
    assert [s.suppresses("SG002", n) for n in (1, 3, 4, 6)] == [None, "inline", "inline", None]
    assert s.suppresses("SG003", 6) == "inline"
    assert s.suppresses("SG003", 8) is None


@pytest.mark.parametrize(
    "directive",
    [
        "<!-- sourceguard: allow SG002 -->",
        '<!-- sourceguard: allow SG002 reason="" -->',
        "<!-- sourceguard: disable SG002 -->",
    ],
)
def test_missing_reason_is_a_problem_and_not_applied(directive: str) -> None:
    s = parse_directives(f"{directive}\nRami Haddad\n<!-- sourceguard: enable -->\n")
    assert s.suppresses("SG002", 2) is None
    assert len(s.problems) == 1
    assert s.problems[0][0] == 1
    assert "reason" in s.problems[0][1]


@pytest.mark.parametrize(
    "directive",
    [
        allow("SG999"),
        allow("Lena"),
        "<!-- sourceguard: allow SG002 reason=unquoted -->",
        "<!-- sourceguard: permit SG002 reason='x' -->",
        "<!-- sourceguard: allow reason='x' -->",
    ],
)
def test_unknown_rule_or_malformed_is_a_problem(directive: str) -> None:
    s = parse_directives(f"{directive}\nRami Haddad\n")
    assert s.suppresses("SG002", 2) is None
    assert [line for line, _ in s.problems] == [1]
    assert "Lena" not in s.problems[0][1]
    assert s.directives == []


def test_unclosed_disable_is_a_problem_and_not_applied() -> None:
    s = parse_directives(f'x\n<!-- sourceguard: disable SG002 reason="{SECRET_REASON}" -->\nRami\n')
    assert s.suppresses("SG002", 3) is None
    assert s.problems == [(2, "disable SG002 is never enabled again before the end")]
    assert s.directives == []


def test_unterminated_directive_comment_is_a_problem() -> None:
    s = parse_directives("x\n<!-- sourceguard: allow SG002 reason='y'\nRami\n")
    assert [line for line, _ in s.problems] == [2]


def test_reason_never_appears_in_problems_or_repr() -> None:
    text = (
        f"{allow('SG002')}\nA\n{allow('SG999')}\nB\n"
        f'<!-- sourceguard: disable SG003 reason="{SECRET_REASON}" -->\nC\n'
    )
    s = parse_directives(text)
    assert s.problems
    dumped = repr(s) + repr(s.problems) + repr(s.directives)
    assert "Rami" not in dumped
    assert "phone" not in dumped


def test_crlf_lines() -> None:
    s = parse_directives(f"a\r\n{allow('SG002')}\r\n\r\nRami\r\n")
    assert s.suppresses("SG002", 4) == "inline"


# --- Baseline -----------------------------------------------------------------------------------


def v(path: str = "drafts/a.md", rule: str = "SG002", fp: str = FP1, line: int = 3) -> Violation:
    return Violation(
        path=path,
        rule=rule,
        level="error",
        line=line,
        column=5,
        end_line=line,
        end_column=16,
        entity_type="CITIZEN_JOURNALIST",
        role="citizen journalist",
        fingerprint=fp,
    )


def test_baseline_round_trip(tmp_path: Path) -> None:
    base = Baseline.from_violations([v(), v(line=9), v(rule="SG005", fp=FP2)], KEY)
    target = tmp_path / "baseline.json"
    base.save(target)
    loaded = Baseline.load(target, KEY)
    assert (
        loaded.entries
        == base.entries
        == [
            BaselineEntry("drafts/a.md", "SG002", FP1, 2),
            BaselineEntry("drafts/a.md", "SG005", FP2, 1),
        ]
    )
    first = target.read_text()
    loaded.save(target)
    assert target.read_text() == first
    assert first.endswith("}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]


def test_baseline_file_has_no_plaintext_or_lines(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    Baseline.from_violations([v(line=41)], KEY).save(target)
    data = json.loads(target.read_text())
    assert set(data) == {"format", "version", "key_check", "entries"}
    assert data["format"] == "sourceguard-baseline" and data["version"] == 1
    assert data["entries"] == [
        {"path": "drafts/a.md", "rule": "SG002", "fingerprint": FP1, "count": 1}
    ]
    raw = target.read_text()
    assert '"line' not in raw
    assert "column" not in raw
    assert 41 not in data["entries"][0].values()
    assert "citizen" not in raw


def test_moved_lines_still_suppressed() -> None:
    base = Baseline.from_violations([v(line=3)], KEY)
    now = [v(line=30)]
    base.apply(now)
    assert now[0].suppressed == "baseline"


def test_multiset_counts() -> None:
    base = Baseline.from_violations([v(), v()], KEY)
    now = [v(line=1), v(line=2), v(line=3), v(path="drafts/b.md"), v(fp=FP2)]
    base.apply(now)
    assert [x.suppressed for x in now] == ["baseline", "baseline", None, None, None]


def test_apply_leaves_inline_suppressions_alone() -> None:
    base = Baseline.from_violations([v()], KEY)
    now = [v(), v()]
    now[0].suppressed = "inline"
    base.apply(now)
    assert [x.suppressed for x in now] == ["inline", "baseline"]


def test_inline_suppressed_violations_are_not_baselined() -> None:
    inline = v()
    inline.suppressed = "inline"
    assert Baseline.from_violations([inline], KEY).entries == []


def test_different_key_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    Baseline.from_violations([v()], KEY).save(target)
    with pytest.raises(InputError, match="baseline was written with a different key"):
        Baseline.load(target, b"other" * 8)


@pytest.mark.parametrize(
    "content",
    [
        "not json {",
        "[]",
        '{"format": "other", "version": 1}',
        '{"format": "sourceguard-baseline", "version": 2}',
        None,  # valid header, malformed entry
        b"\xff\xfe".decode("latin-1"),
    ],
)
def test_corrupt_baseline_is_refused(tmp_path: Path, content: str | None) -> None:
    target = tmp_path / "b.json"
    if content is None:
        Baseline.from_violations([v()], KEY).save(target)
        data = json.loads(target.read_text())
        data["entries"][0]["count"] = "two"
        content = json.dumps(data)
    target.write_text(content, encoding="latin-1" if "\xff" in content else "utf-8")
    with pytest.raises(InputError) as info:
        Baseline.load(target, KEY)
    assert "\n" not in str(info.value)


def test_missing_baseline_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read baseline"):
        Baseline.load(tmp_path / "absent.json", KEY)
