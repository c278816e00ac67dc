"""The canonical reading of a draft: what every recognizer and the model see, with a map back.

How a name is *written* must never decide whether it is caught. One linear pass turns the draft
into the text a reader perceives:

1. markup extraction (plain, Markdown or HTML, detected or given): entities decoded, tags and
   Markdown syntax out, visible content in, blocks kept apart as sentence boundaries;
2. per grapheme NFKC (fullwidth and mathematical letters, composed NFD accents, odd spaces);
3. invisible characters dropped (category Cf, U+034F, variation selectors, Hangul fillers);
4. look-alike letters (Cyrillic, Greek, ... from Unicode's confusables data) mapped to their
   Latin skeleton, non-breaking and Unicode hyphens to ``-``;
5. a line break inside a name joined (a single break between two words becomes a space; after
   a hyphen it disappears);
6. case restoration of blocks written all in capitals or all in lower case (headlines,
   SMS-style quotes), so the model reads "KARIM TOLD US" as it reads "Karim told us".

Every canonical character remembers the original span it came from, widened over invisible
characters next to it, so a replacement covers the original bytes and leaves no fragment behind.
``segments`` splits an original span into its visible pieces, so a sanitized copy keeps the
draft's own markup and replaces only the name.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from recognizers.letters import is_mark as _is_mark
from recognizers.letters import read_char, read_text
from service.drafts.case_restoration import Vocabulary, restore_case
from service.drafts.markup import Extracted, extract

FORMATS: tuple[str, ...] = ("auto", "plain", "markdown", "html")
"""Values of the ``format`` field / ``--format`` flag; ``auto`` detects."""

PLACEHOLDER_RE = re.compile(
    r"\[(?:[a-z][a-z'’ \-]{0,48}[a-z](?: [A-Z]{1,3})?|id:[0-9a-f]{6,64}|enc:[A-Za-z0-9_\-]+=*)\]"
    r"|█+"
)
"""What sourceguard itself writes in place of a finding: ``[citizen journalist B]``,
``[person A]``, ``[place]``, ``[id:…]``, ``[enc:…]``, a mask. Never a name."""


_HTML_TAG_HINT_RE = re.compile(
    r"<(?:!doctype|html|body|p|div|br|span|a|b|i|em|strong|h[1-6]|ul|ol|li|table|article|section)"
    r"[\s/>]",
    re.I,
)
_ENTITY_HINT_RE = re.compile(r"&(?:[a-z]{2,8}|#\d{2,7}|#x[0-9a-f]{2,6});", re.I)
_MARKDOWN_HINT_RE = re.compile(
    r"^(?:#{1,6} |[-*+] |\d{1,3}\. |> |---$|```)|\[[^\]\n]+\]\([^)\n]+\)|\*\*[^*\n]+\*\*|`[^`\n]+`",
    re.M,
)


def detect_format(text: str) -> str:
    """HTML if it has tags, Markdown if it has Markdown syntax (entities are Markdown too),
    HTML if it has only entities, else plain."""
    head = text[:20000]
    if _HTML_TAG_HINT_RE.search(head):
        return "html"
    if _MARKDOWN_HINT_RE.search(head):
        return "markdown"
    if _ENTITY_HINT_RE.search(head):
        return "html"
    return "plain"


@dataclass
class CanonicalText:
    """Canonical ``text`` of ``original``; ``starts[i]:ends[i]`` is where ``text[i]`` came from."""

    original: str
    text: str
    starts: list[int]
    ends: list[int]
    format: str
    covered: bytearray = field(repr=False, default_factory=bytearray)
    """1 for each original character that is visible content (not markup)."""
    placeholders: list[tuple[int, int]] = field(default_factory=list)
    """Canonical spans of sourceguard's own placeholders (never names)."""
    targets: list[tuple[int, int]] = field(default_factory=list)
    """Original spans of link targets and front-matter slugs (see ``markup.Extracted``)."""

    def in_target(self, start: int, end: int) -> bool:
        """Whether original ``[start, end)`` lies inside a link target or slug."""
        import bisect

        i = bisect.bisect_right(self.targets, (start, len(self.original) + 1)) - 1
        return i >= 0 and self.targets[i][0] <= start and end <= self.targets[i][1]

    def target_words(self) -> Iterable[tuple[int, int, str]]:
        """(start, end, word) of the letter runs of every link target and slug."""
        for start, end in self.targets:
            for m in _TARGET_WORD_RE.finditer(self.original, start, end):
                yield m.start(), m.end(), m.group()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of canonical ``[start, end)``, invisible neighbours included."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError("span outside the canonical text")
        first = self.starts[start]
        last = self.ends[end - 1]
        if last <= first:  # side texts (alt, titles) are not in document order
            first = min(self.starts[start:end])
            last = max(self.ends[start:end])
        return first, max(first, last)

    def segments(self, start: int, end: int) -> list[tuple[int, int]]:
        """The visible pieces of an original span; markup between them is kept as it is.

        Whitespace between two pieces belongs to the name ("Karim\\nal-Sabbagh" is one piece).
        """
        if self.format == "plain":
            return [(start, end)]
        pieces: list[tuple[int, int]] = []
        i = start
        covered, original = self.covered, self.original
        while i < end:
            if not covered[i]:
                i += 1
                continue
            j = i
            while j < end and covered[j]:
                j += 1
            if pieces and not original[pieces[-1][1] : i].strip():
                pieces[-1] = (pieces[-1][0], j)
            else:
                pieces.append((i, j))
            i = j
        return pieces or [(start, end)]

    def reading(self, start: int, end: int) -> str:
        """The canonical text of an original span (for fingerprints: variants digest alike)."""
        import bisect

        i = bisect.bisect_left(self.ends, start + 1)
        j = bisect.bisect_left(self.starts, end)
        return self.text[i:j] if i < j else read_text(self.original[start:end])

    def in_placeholder(self, start: int, end: int) -> bool:
        """Whether canonical ``[start, end)`` lies inside one of our own placeholders."""
        import bisect

        i = bisect.bisect_right(self.placeholders, (start, len(self.text) + 1)) - 1
        return i >= 0 and self.placeholders[i][0] <= start and end <= self.placeholders[i][1]


def canonicalize(
    original: str, fmt: str | None = None, vocabulary: Vocabulary | None = None
) -> CanonicalText:
    """The canonical view of one draft (``fmt``: one of FORMATS; None or "auto" detects)."""
    fmt = fmt or "auto"
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "auto":
        fmt = detect_format(original)
    extracted = extract(original, "text" if fmt == "plain" else fmt)
    chars, starts, ends = _normalize(extracted)
    _join_line_breaks(chars, starts, ends)
    text, starts, ends, placeholders = _neutral_placeholders("".join(chars), starts, ends)
    text = restore_case(text, vocabulary)
    covered = bytearray(len(original))
    if fmt != "plain":
        for o, w in zip(extracted.origin, extracted.widths, strict=True):
            if w:
                covered[o : o + w] = b"\x01" * w
    targets = _with_bare_urls(original, covered if fmt != "plain" else None, extracted.targets)
    return CanonicalText(original, text, starts, ends, fmt, covered, placeholders, targets)


_BARE_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]{}]{1,2000}")


def _with_bare_urls(
    original: str, covered: bytearray | None, targets: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Link targets plus the URLs written out in the prose ("…/news/karim-al-sabbagh-held"): a
    name in a visible address is the same name (one scan; spans inside a target are skipped)."""
    import bisect

    out = list(targets)
    for m in _BARE_URL_RE.finditer(original):
        i = bisect.bisect_right(targets, (m.start(), len(original) + 1)) - 1
        inside = i >= 0 and targets[i][1] > m.start()
        after = i + 1 < len(targets) and targets[i + 1][0] < m.end()
        if not inside and not after and (covered is None or covered[m.start()]):
            out.append(m.span())
    return sorted(out)


_ASCII_RUN_RE = re.compile(r"[\x00-\x7f]+")
_PERSON_PLACEHOLDER_RE = re.compile(r"\[[a-z][a-z'’ \-]*[a-z] [A-Z]{1,3}\]")
NEUTRAL_PERSON = "Someone"
"""What the model reads where a sanitized copy has a person placeholder: a second reading then
sees the sentence much as the first saw it with the name ("Someone’s regime"), so it finds
nothing new around it (sanitize is idempotent) and the placeholder itself is never a name."""


def _neutral_placeholders(
    text: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int], list[tuple[int, int]]]:
    """Person placeholders read as ``NEUTRAL_PERSON`` (capitals in a block of capitals);
    every placeholder's canonical span is returned. One pass; spans map to the placeholder."""
    found = list(PLACEHOLDER_RE.finditer(text))
    if not found:
        return text, starts, ends, []
    blanked = PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", blanked)]
    loud = [_is_loud(line) for line in blanked.split("\n")]
    import bisect

    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    spans: list[tuple[int, int]] = []
    cursor = 0
    for m in found:
        a, b = m.span()
        out.append(text[cursor:a])
        new_starts.extend(starts[cursor:a])
        new_ends.extend(ends[cursor:a])
        position = len(new_starts)
        if _PERSON_PLACEHOLDER_RE.fullmatch(m.group()):
            line = bisect.bisect_right(line_starts, a) - 1
            token = NEUTRAL_PERSON.upper() if loud[line] else NEUTRAL_PERSON
            out.append(token)
            new_starts.extend([starts[a]] * len(token))
            new_ends.extend([ends[b - 1]] * len(token))
            spans.append((position, position + len(token)))
        else:
            out.append(m.group())
            new_starts.extend(starts[a:b])
            new_ends.extend(ends[a:b])
            spans.append((position, position + (b - a)))
        cursor = b
    out.append(text[cursor:])
    new_starts.extend(starts[cursor:])
    new_ends.extend(ends[cursor:])
    return "".join(out), new_starts, new_ends, spans


def _is_loud(line: str) -> bool:
    """No lower-case letter and some capitals: a line written in capitals."""
    return not any(c.islower() for c in line) and any(c.isupper() for c in line)


def _normalize(extracted: Extracted) -> tuple[list[str], list[int], list[int]]:
    """Steps 2-4, grapheme by grapheme; dropped characters widen their neighbours' spans.

    Runs of ASCII (most of an English draft) are copied in bulk; only the rest is read one
    grapheme at a time.
    """
    src, origin = extracted.text, extracted.origin
    widths = extracted.widths or [1] * len(src)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending: int | None = None  # original start of invisibles waiting for the next character
    i = 0
    n = len(src)
    while i < n:
        run = _ASCII_RUN_RE.match(src, i)
        if run:
            j = run.end()
            if j < n and _is_mark(src[j]):
                j -= 1  # the last ASCII letter composes with the mark after it
            if j > i:
                chars.extend(src[i:j])
                starts.extend(origin[i:j])
                ends.extend(map(operator.add, origin[i:j], widths[i:j]))
                if pending is not None:
                    starts[-(j - i)] = min(starts[-(j - i)], pending)
                    pending = None
                i = j
                continue
        j = i + 1
        while j < n and _is_mark(src[j]):
            j += 1
        unit = src[i:j]
        first = origin[i]
        last = max(origin[k] + widths[k] for k in range(i, j))
        i = j
        read = read_char(unit)
        if not read:
            if chars and ends[-1] >= first - 1 and widths[j - 1]:
                ends[-1] = max(ends[-1], last)
            pending = first if pending is None else pending
            continue
        if pending is not None:
            first = min(first, pending)
            pending = None
        for c in read:
            chars.append(c)
            starts.append(first)
            ends.append(last)
    return chars, starts, ends


_WORD_CHAR = re.compile(r"\w")


def _break_action(chars: list[str], i: int) -> tuple[str | None, int, int]:
    """What to do with the line break at ``i``: "space", "remove" or None (keep)."""
    n = len(chars)
    before = i - 1
    while before >= 0 and chars[before] in " \t\r":
        before -= 1
    after = i + 1
    while after < n and chars[after] in " \t":
        after += 1
    if before < 0 or after >= n or chars[after] == "\n" or chars[before] == "\n":
        return None, before, after
    prev, nxt = chars[before], chars[after]
    if not _WORD_CHAR.match(nxt):
        return None, before, after
    if prev == "-" and before > 0 and chars[before - 1].isalpha():
        return "remove", before, after
    if _WORD_CHAR.match(prev) or prev == ",":
        return "space", before, after
    return None, before, after


_TARGET_WORD_RE = re.compile(r"[^\W\d_]+")


def _join_line_breaks(chars: list[str], starts: list[int], ends: list[int]) -> None:
    """A single line break between two words is a space; after a hyphen (``al-\\nSabbagh``)
    it is removed. A blank line stays a block boundary. In place."""
    n = len(chars)
    for i in range(n):
        if chars[i] != "\n":
            continue
        action, before, after = _break_action(chars, i)
        if action == "remove":  # the break and its spaces vanish into the hyphen's extent
            for k in range(before + 1, after):
                chars[k] = "\u200b"
        elif action == "space":
            for k in range(before + 1, after):
                chars[k] = " " if chars[k] in "\n\r" else chars[k]
    # zero-width placeholders of removed breaks are dropped (their spans join the hyphen)
    if "\u200b" in chars:
        keep = [k for k in range(n) if chars[k] != "\u200b"]
        kept = -1  # the last kept character: removed ones widen its span
        for k in range(n):
            if chars[k] != "\u200b":
                kept = k
            elif kept >= 0:
                ends[kept] = max(ends[kept], ends[k])
        chars[:] = [chars[k] for k in keep]
        starts[:] = [starts[k] for k in keep]
        ends[:] = [ends[k] for k in keep]


# --- case restoration -------------------------------------------------------------------------
