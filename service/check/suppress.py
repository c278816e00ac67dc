"""Suppressions an editor can review: inline directives with reasons, and a keyed baseline.

Directives live in the draft as HTML comments, so they survive every markup kind and never reach
readers. A reason is required (the editor records why a name may stand) but is never stored,
echoed or logged: it could itself contain a name. The baseline holds only path, rule, keyed
fingerprint and a count, so it can be committed next to the drafts without leaking anything.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from service.check.rules import RULES, Violation
from service.core.errors import InputError
from service.drafts.markup import LineIndex

ALL = "all"
KINDS = ("allow", "disable", "enable")
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_MARKER = re.compile(r"sourceguard\s*:", re.I)
_DIRECTIVE = re.compile(
    r"\s*sourceguard\s*:\s*(?P<kind>[A-Za-z]+)(?P<ids>(?:[\s,]+[A-Za-z0-9]+)*)[\s,]*"
    r"(?:reason\s*=\s*(?:\"(?P<r1>[^\"]*)\"|'(?P<r2>[^']*)'))?\s*",
    re.I | re.S,
)


@dataclass(frozen=True)
class Directive:
    """One applied directive. ``has_reason`` only: the reason text is never kept."""

    line: int
    kind: str  # "allow" | "disable" | "enable"
    rules: tuple[str, ...]  # rule ids or ("all",)
    has_reason: bool


@dataclass
class Suppressions:
    """Inline suppressions of one file: per-line allows and disabled line ranges."""

    directives: list[Directive] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    lines: dict[int, set[str]] = field(default_factory=dict, repr=False)
    ranges: list[tuple[int, int, str]] = field(default_factory=list, repr=False)

    def suppresses(self, rule: str, line: int) -> str | None:
        """ "inline" when a directive covers this rule on this 1-based line."""
        allowed = self.lines.get(line, set())
        if rule in allowed or ALL in allowed:
            return "inline"
        for first, last, which in self.ranges:
            if first <= line <= last and which in (rule, ALL):
                return "inline"
        return None


@dataclass(frozen=True)
class _Parsed:
    line: int  # where the directive applies "on its own line" (text before or after it)
    next_from: int  # first line after the comment
    kind: str
    rules: tuple[str, ...]
    has_reason: bool
    own_line: bool  # the comment is alone on its line(s)


def parse_directives(text: str) -> Suppressions:
    """Find ``<!-- sourceguard: ... -->`` directives; invalid ones become problems, not rules."""
    index = LineIndex(text)
    result = Suppressions()
    parsed: list[_Parsed] = []
    directive_only: set[int] = set()
    for m in _COMMENT.finditer(text):
        if not _MARKER.search(m.group(1)):
            continue
        item = _parse_one(text, m, index, result.problems)
        if item is not None:
            parsed.append(item)
            if item.own_line:
                directive_only.update(range(index.line_of(m.start()), item.next_from))
    _report_unterminated(text, index, result.problems)
    blank = _blank_lines(text)
    last_line = index.line_of(len(text))
    open_blocks: dict[str, int] = {}
    for item in parsed:
        if item.kind == "allow":
            target = item.line
            if item.own_line:
                target = item.next_from
                while target <= last_line and (target in blank or target in directive_only):
                    target += 1
            result.lines.setdefault(target, set()).update(item.rules)
        else:
            _open_or_close(item, open_blocks, result)
        result.directives.append(Directive(item.line, item.kind, item.rules, item.has_reason))
    for rule, line in open_blocks.items():
        result.problems.append((line, f"disable {rule} is never enabled again before the end"))
    result.directives = [
        d
        for d in result.directives
        if d.kind != "disable" or all(open_blocks.get(r) != d.line for r in d.rules)
    ]
    result.problems.sort()
    return result


def _report_unterminated(text: str, index: LineIndex, problems: list[tuple[int, str]]) -> None:
    """A ``<!-- sourceguard`` that no ``-->`` closes would silently suppress nothing."""
    starts = [c.start() for c in _COMMENT.finditer(text)]
    ends = [c.end() for c in _COMMENT.finditer(text)]
    for m in re.finditer("<!--", text):
        i = bisect.bisect_right(starts, m.start()) - 1  # comments never overlap: one candidate
        inside = i >= 0 and m.start() < ends[i]
        if not inside and _MARKER.match(text, _skip_space(text, m.end())):
            problems.append((index.line_of(m.start()), "unterminated sourceguard comment"))


def _open_or_close(item: _Parsed, open_blocks: dict[str, int], result: Suppressions) -> None:
    """A ``disable`` opens a block per rule; an ``enable`` closes them into ranges."""
    if item.kind == "disable":
        for rule in item.rules:
            if rule in open_blocks:
                result.problems.append((item.line, f"{rule} is already disabled"))
            else:
                open_blocks[rule] = item.line
        return
    closing = list(open_blocks) if not item.rules or ALL in item.rules else item.rules
    for rule in closing:
        if rule not in open_blocks:
            result.problems.append((item.line, f"enable {rule} without a disable"))
            continue
        result.ranges.append((open_blocks.pop(rule), item.line, rule))


def _parse_one(
    text: str, m: re.Match[str], index: LineIndex, problems: list[tuple[int, str]]
) -> _Parsed | None:
    """Validate one directive comment; problems name the defect, never the file's words."""
    line = index.line_of(m.start())
    d = _DIRECTIVE.fullmatch(m.group(1))
    if d is None or d.group("kind").lower() not in KINDS:
        problems.append((line, "malformed sourceguard directive"))
        return None
    kind = d.group("kind").lower()
    ids = [t for t in re.split(r"[\s,]+", d.group("ids")) if t]
    rules = tuple(ALL if t.lower() == ALL else t.upper() for t in ids)
    reason = d.group("r1") if d.group("r1") is not None else d.group("r2")
    has_reason = bool(reason and reason.strip())
    if any(r != ALL and r not in RULES for r in rules):
        problems.append((line, f"unknown rule id in {kind} (expected {', '.join(RULES)} or all)"))
        return None
    if kind != "enable" and not rules:
        problems.append((line, f"{kind} needs at least one rule id or all"))
        return None
    if kind != "enable" and not has_reason:
        problems.append((line, f'{kind} needs reason="..." so an editor can review it'))
        return None
    start_of_line = max(text.rfind("\n", 0, m.start()), text.rfind("\r", 0, m.start())) + 1
    end_of_line = len(text)
    for eol in ("\n", "\r"):
        found = text.find(eol, m.end())
        if found >= 0:
            end_of_line = min(end_of_line, found)
    before = text[start_of_line : m.start()].strip()
    after = _COMMENT.sub("", text[m.end() : end_of_line]).strip()
    end_line = index.line_of(m.end())
    own_line = not before and not after
    target = line if before or not after else end_line
    return _Parsed(target, end_line + 1, kind, tuple(dict.fromkeys(rules)), has_reason, own_line)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _blank_lines(text: str) -> set[int]:
    return {
        number
        for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1)
        if not line.strip()
    }


# --- Baseline -----------------------------------------------------------------------------------

FORMAT = "sourceguard-baseline"
VERSION = 1
_KEY_LABEL = b"sourceguard-baseline key check v1"
_FINGERPRINT = re.compile(r"hmac-sha256:[0-9a-f]{4,128}")


@dataclass(frozen=True, order=True)
class BaselineEntry:
    path: str
    rule: str
    fingerprint: str
    count: int


def key_check(key: bytes) -> str:
    """Proves which key wrote a baseline without revealing it."""
    return hmac.new(key, _KEY_LABEL, hashlib.sha256).hexdigest()


class Baseline:
    """Accepted findings as a multiset of (path, rule, fingerprint); no lines, no plaintext."""

    def __init__(self, counts: Counter[tuple[str, str, str]], key_check: str) -> None:
        self._counts = Counter({k: n for k, n in counts.items() if n > 0})
        self._key_check = key_check

    @classmethod
    def from_violations(cls, violations: Iterable[Violation], key: bytes) -> Baseline:
        """Accept current findings (inline-suppressed ones are already reviewed in the file)."""
        counts: Counter[tuple[str, str, str]] = Counter()
        for v in violations:
            if v.suppressed == "inline":
                continue
            if not _FINGERPRINT.fullmatch(v.fingerprint):
                raise InputError("a violation has no keyed fingerprint; baseline not written")
            counts[(v.path, v.rule, v.fingerprint)] += 1
        return cls(counts, key_check(key))

    @classmethod
    def load(cls, path: Path, key: bytes) -> Baseline:
        try:
            raw = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8"
            raise InputError(f"cannot read baseline {path}: {reason}") from None
        try:
            data = json.loads(raw)
        except ValueError:
            raise InputError(f"baseline {path} is not valid JSON") from None
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("version") != VERSION
        ):
            raise InputError(f"baseline {path} is not a {FORMAT} version {VERSION} file")
        check = data.get("key_check")
        if not isinstance(check, str) or not hmac.compare_digest(check, key_check(key)):
            raise InputError("baseline was written with a different key")
        entries = data.get("entries")
        if not isinstance(entries, list):
            raise InputError(f"baseline {path} has no entries list")
        counts: Counter[tuple[str, str, str]] = Counter()
        for entry in entries:
            counts[_entry_key(entry, path)] += entry["count"]
        return cls(counts, check)

    @property
    def entries(self) -> list[BaselineEntry]:
        return sorted(BaselineEntry(*k, n) for k, n in self._counts.items())

    def save(self, path: Path) -> None:
        """Atomic, sorted, stable JSON with a trailing newline: reviewable as a diff."""
        data = {
            "format": FORMAT,
            "version": VERSION,
            "key_check": self._key_check,
            "entries": [
                {"path": e.path, "rule": e.rule, "fingerprint": e.fingerprint, "count": e.count}
                for e in self.entries
            ],
        }
        body = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def apply(self, violations: list[Violation]) -> None:
        """Mark up to ``count`` unsuppressed matches per key as "baseline"; extras stay."""
        remaining = Counter(self._counts)
        for v in violations:
            k = (v.path, v.rule, v.fingerprint)
            if v.suppressed is None and remaining[k] > 0:
                v.suppressed = "baseline"
                remaining[k] -= 1

    def __len__(self) -> int:
        return sum(self._counts.values())

    def __repr__(self) -> str:
        return f"Baseline({len(self._counts)} keys, {len(self)} findings)"


def _entry_key(entry: object, path: Path) -> tuple[str, str, str]:
    """Validate one entry; a malformed one refuses the whole file (no partial baselines)."""
    ok = (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and entry.get("rule") in RULES
        and isinstance(entry.get("fingerprint"), str)
        and _FINGERPRINT.fullmatch(entry["fingerprint"]) is not None
        and type(entry.get("count")) is int
        and entry["count"] > 0
    )
    if not ok:
        raise InputError(f"baseline {path} has a malformed entry")
    assert isinstance(entry, dict)
    return entry["path"], entry["rule"], entry["fingerprint"]
