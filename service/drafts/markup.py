"""Reduce a draft (Markdown, HTML or plain text) to screenable prose with an exact map back.

The engine sees readable sentences (no ``*``, ``#``, ``|`` or ``](``) so spaCy's NER works, and
every extracted character remembers where it came from, so a finding is reported at its line and
column in the original file. Text that readers can see (link text, image alt, titles, front-matter
titles, inline code spans) is kept; code blocks, URLs, comments and scripts are dropped. Side texts such as ``alt`` and
``title`` attributes are emitted as their own paragraphs at the end of the enclosing block, so
they never split the sentence around them; their origins therefore are not monotonic.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

KINDS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
}
MAX_LINK_TEXT = 2000
"""Longest link text searched for its ``]``: keeps stray brackets from costing quadratic time."""

FRONT_MATTER_KEYS = frozenset(
    {"title", "subtitle", "description", "summary", "caption", "excerpt", "author", "authors"}
)
RAW_TEXT_TAGS = frozenset({"script", "style", "template", "noscript"})
SIDE_ATTRIBUTES = ("alt", "title", "aria-label")
TARGET_ATTRIBUTES = ("href", "src")
SLUG_KEYS = frozenset({"slug", "permalink", "url", "path"})
"""Front-matter keys whose value becomes the page's address."""
INLINE_TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i",
        "img", "ins", "kbd", "label", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small",
        "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
    }
)  # fmt: skip
"""Tags that vanish without a break; every other tag is a block boundary (safer: no merging)."""
HEAD_TAGS = frozenset({"head", "title", "meta", "link", "base", "style", "script", "noscript"})


def kind_for(path: str) -> str | None:
    """The markup kind from the file extension, or None when the file is not a draft."""
    dot = path.rfind(".")
    if dot < 0 or "/" in path[dot:] or "\\" in path[dot:]:
        return None
    return KINDS.get(path[dot:].lower())


@dataclass
class Extracted:
    """Screenable text; ``origin[i]`` is the original offset of ``text[i]``."""

    text: str
    origin: list[int]
    widths: list[int] = field(default_factory=list, repr=False)
    """Length in the original of the unit behind each char (entity length; 0 for separators)."""
    targets: list[tuple[int, int]] = field(default_factory=list)
    """Original spans of link targets and slugs: not prose, but a name in them is still shown
    (status bar, address bar), so the same name is replaced there too."""

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of extracted ``[start, end)``; entities are covered whole."""
        if not 0 <= start < len(self.origin) or not start <= end <= len(self.origin):
            raise ValueError("span outside the extracted text")
        first = self.origin[start]
        if end == start:
            return first, first
        last = end - 1
        width = self.widths[last] if self.widths else 1
        return first, max(first, self.origin[last] + width)


class LineIndex:
    """Offset to 1-based (line, column in code points) for \\n, \\r\\n and \\r line ends."""

    def __init__(self, text: str) -> None:
        self._length = len(text)
        self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        if not 0 <= offset <= self._length:
            raise ValueError("offset outside the text")
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1

    def line_of(self, offset: int) -> int:
        return self.line_col(offset)[0]


class _Out:
    """Builds extracted text char by char with origins, widths and deferred side segments."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.origin: list[int] = []
        self.widths: list[int] = []
        self.pending: list[tuple[list[str], list[int], list[int]]] = []
        self.targets: list[tuple[int, int]] = []

    def put(self, ch: str, origin: int, width: int) -> None:
        self.chars.append(ch)
        self.origin.append(origin)
        self.widths.append(width)

    def sep(self, text: str, origin: int) -> None:
        for ch in text:
            self.put(ch, origin, 0)

    def space(self, origin: int) -> None:
        """One collapsing space (nothing at the start or after whitespace)."""
        if self.chars and not self.chars[-1].isspace():
            self.sep(" ", origin)

    def para(self, origin: int) -> None:
        """A paragraph break after flushing deferred side segments."""
        pending, self.pending = self.pending, []
        self._break(origin)
        for chars, origins, widths in pending:
            self._break(origins[0])
            self.chars += chars
            self.origin += origins
            self.widths += widths
            self._break(origins[0])

    def side(self, out: _Out) -> None:
        """Defer a text (attribute value, link title) to the end of the block."""
        while out.chars and out.chars[-1].isspace():
            out.chars.pop(), out.origin.pop(), out.widths.pop()
        if out.chars:
            self.pending.append((out.chars, out.origin, out.widths))

    def _break(self, origin: int) -> None:
        if not self.chars:
            return
        while self.chars and self.chars[-1] in " \t":
            self.chars.pop(), self.origin.pop(), self.widths.pop()
        have = 0
        while have < 2 and have < len(self.chars) and self.chars[-1 - have] == "\n":
            have += 1
        self.sep("\n" * max(0, 2 - have), origin)

    def result(self, end: int) -> Extracted:
        self.para(end)
        while self.chars and self.chars[-1].isspace():
            self.chars.pop(), self.origin.pop(), self.widths.pop()
        return Extracted("".join(self.chars), self.origin, self.widths, sorted(self.targets))


def extract(text: str, kind: str) -> Extracted:
    """Screenable prose for one draft; ``kind`` is "text", "markdown" or "html"."""
    if kind == "text":
        return Extracted(text, list(range(len(text))), [1] * len(text))
    if kind == "html":
        out = _Out()
        _Inline(text, list(range(len(text))), [1] * len(text), out, markdown=False).run()
        return out.result(len(text))
    if kind == "markdown":
        blocks = _markdown_blocks(text)
        out = _Out()
        out.targets = list(blocks.targets)
        _Inline("".join(blocks.chars), blocks.origin, blocks.widths, out, markdown=True).run()
        return out.result(len(text))
    raise ValueError(f"unknown markup kind {kind!r}")


# --- Markdown block structure -------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_QUOTE = re.compile(r"[ \t]{0,3}>[ \t]?")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)")
_THEMATIC = re.compile(r"[ \t]{0,3}(?:([-*_])(?:[ \t]*\1){2,}|=+)[ \t]*")
_REF_DEF = re.compile(r"[ \t]{0,3}\[(?!\^)[^\]]+\]:[ \t]*\S.*")
_FOOTNOTE = re.compile(r"[ \t]{0,3}\[\^[^\]]+\]:[ \t]*")
_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})(?:[ \t]+|$)")
_HEADING_CLOSE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_LIST = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?:\[[ xX]\][ \t]+)?|$)")
_TABLE_DELIM = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")


def _lines(text: str, start: int) -> list[tuple[int, int, int]]:
    """(start, content end, line end) for each line from ``start``."""
    out = []
    for m in _LINE.finditer(text, start):
        if m.start() == len(text) and m.end() == m.start():
            break
        body = m.group().rstrip("\r\n")
        out.append((m.start(), m.start() + len(body), m.end()))
    return out


def _emit(out: _Out, text: str, start: int, end: int) -> None:
    """Copy original text, trimmed of surrounding whitespace."""
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    for i in range(start, end):
        out.put(text[i], i, 1)


def _markdown_blocks(text: str) -> _Out:
    """Strip block markup (front matter, fences, headings, quotes, lists, tables) line by line."""
    out = _Out()
    lines = _lines(text, 0)
    index = _front_matter(text, lines, out)
    fence: tuple[str, int] | None = None
    joinable = False
    in_table = False
    while index < len(lines):
        start, end, _ = lines[index]
        index += 1
        pos = start
        while m := _QUOTE.match(text, pos, end):
            pos = m.end()
        body = text[pos:end]
        if fence is not None:
            m = _FENCE.fullmatch(body)
            if (
                m
                and m.group(1)[0] == fence[0]
                and len(m.group(1)) >= fence[1]
                and not m.group(2).strip()
            ):
                fence = None
            continue
        m = _FENCE.fullmatch(body)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = (m.group(1)[0], len(m.group(1)))
            out.para(start)
            joinable = in_table = False
            continue
        if m := _REF_DEF.fullmatch(body):
            close = body.find("]:")
            dest = pos + close + 2
            out.targets.append((dest, end))
        if not body.strip() or _THEMATIC.fullmatch(body) or m:
            out.para(start)
            joinable = in_table = False
            continue
        if m := _HEADING.match(text, pos, end):
            close = _HEADING_CLOSE.search(text, m.end(), end)
            out.para(start)
            _emit(out, text, m.end(), close.start() if close else end)
            out.para(end)
            joinable = in_table = False
            continue
        if "|" in body and (in_table or _next_is_delimiter(text, lines, index)):
            if not in_table:
                in_table = True
            elif _TABLE_DELIM.fullmatch(body):
                continue
            _table_row(out, text, pos, end)
            joinable = False
            continue
        if m := _FOOTNOTE.match(text, pos, end):
            out.para(start)
            pos, joinable = m.end(), False
        if m := _LIST.match(text, pos, end):
            out.para(start)
            pos, joinable = m.end(), False
        if joinable:
            out.sep(" ", start - 1 if start else 0)
        _emit(out, text, pos, end)
        joinable = True
    out.para(len(text))
    return out


def _next_is_delimiter(text: str, lines: list[tuple[int, int, int]], index: int) -> bool:
    if index >= len(lines):
        return False
    start, end, _ = lines[index]
    pos = start
    while m := _QUOTE.match(text, pos, end):
        pos = m.end()
    body = text[pos:end]
    return "|" in body and _TABLE_DELIM.fullmatch(body) is not None


def _table_row(out: _Out, text: str, start: int, end: int) -> None:
    """Each cell becomes its own paragraph so cells never merge into one sentence."""
    out.para(start)
    cell = start
    ticks = False
    for i in range(start, end + 1):
        if i < end and text[i] == "`":
            ticks = not ticks
        if i == end or (text[i] == "|" and not ticks and (i == start or text[i - 1] != "\\")):
            _emit(out, text, cell, i)
            out.para(i)
            cell = i + 1


# --- Front matter -------------------------------------------------------------------------------

_YAML_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+|$)")
_TOML_KEY = re.compile(r"[ \t]*([A-Za-z_][\w-]*|\"[^\"]*\")[ \t]*=[ \t]*")
_TOML_TABLE = re.compile(r"[ \t]*\[\[?[ \t]*([^\]]*?)[ \t]*\]\]?[ \t]*(?:#.*)?")
_TOML_STRING = re.compile(
    r'"""(.*?)"""|\'\'\'(.*?)\'\'\'|"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\'', re.S
)


def _front_matter(text: str, lines: list[tuple[int, int, int]], out: _Out) -> int:
    """Emit human-text values of a leading YAML/TOML block; return the first body line."""
    if not lines:
        return 0
    first = text[lines[0][0] : lines[0][1]].rstrip()
    if first not in ("---", "+++"):
        return 0
    closers = ("---", "...") if first == "---" else ("+++",)
    for close in range(1, len(lines)):
        if text[lines[close][0] : lines[close][1]].rstrip() in closers:
            break
    else:
        return 0
    body = lines[1:close]
    if first == "---":
        _yaml_values(text, body, out)
    else:
        _toml_values(text, lines[1][0], lines[close][0], out)
    out.para(lines[close][2])
    return close + 1


def _yaml_values(text: str, lines: list[tuple[int, int, int]], out: _Out) -> None:
    """Scalars, flow lists, block lists, nested mappings and block scalars of human keys."""
    key_on = False
    folded = False
    for start, end, _ in lines:
        line = text[start:end]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            m = _YAML_KEY.match(line)
            key_on = bool(m and m.group(1).lower() in FRONT_MATTER_KEYS)
            if m and m.group(1).lower() in SLUG_KEYS and line[m.end() :].strip():
                out.targets.append((start + m.end(), end))
            folded = False
            if not (m and key_on):
                continue
            value = line[m.end() :].strip()
            if re.fullmatch(r"[|>][+-]?\d*[+-]?", value):
                folded = True
                out.para(start)
            elif value:
                _yaml_scalar(out, text, start + m.end(), end)
            continue
        if not key_on:
            continue
        if folded:
            out.space(start)
            _emit(out, text, start, end)
            continue
        pos = start + len(line) - len(line.lstrip())
        if text.startswith("-", pos):
            pos += 1
        inner = _YAML_KEY.match(text, _skip_ws(text, pos, end), end)
        _yaml_scalar(out, text, inner.end() if inner else pos, end)


def _skip_ws(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " \t":
        pos += 1
    return pos


def _yaml_scalar(out: _Out, text: str, start: int, end: int) -> None:
    """One value (quoted, plain, or a flow list of them) as its own paragraph(s)."""
    start = _skip_ws(text, start, end)
    if start < end and text[start] == "[" and text[end - 1 : end] == "]":
        for m in re.finditer(r"\"[^\"]*\"|'[^']*'|[^,\s][^,]*", text[start + 1 : end - 1]):
            _yaml_scalar(out, text, start + 1 + m.start(), start + 1 + m.end())
        return
    if start < end and text[start] in "\"'":
        quote = text[start]
        close = text.find(quote, start + 1, end)
        start, end = start + 1, close if close > 0 else end
    else:
        comment = re.search(r"[ \t]#", text[start:end])
        if comment:
            end = start + comment.start()
    out.para(start)
    _emit(out, text, start, end)
    out.para(end)


def _toml_values(text: str, start: int, end: int, out: _Out) -> None:
    """String values of human keys, also inside tables named after a human key."""
    table_on = False
    pos = start
    while pos < end:
        line_end = text.find("\n", pos, end)
        line_end = end if line_end < 0 else line_end
        if m := _TOML_TABLE.fullmatch(text, pos, line_end):
            table_on = m.group(1).split(".")[-1].strip("\"'").lower() in FRONT_MATTER_KEYS
            pos = line_end + 1
            continue
        m = _TOML_KEY.match(text, pos, line_end)
        if not m:
            pos = line_end + 1
            continue
        on = table_on or m.group(1).strip('"').lower() in FRONT_MATTER_KEYS
        value_end = _toml_value_end(text, m.end(), end)
        if on:
            for s in _TOML_STRING.finditer(text, m.end(), value_end):
                group = next(g for g in range(1, 5) if s.group(g) is not None)
                out.para(s.start(group))
                _emit(out, text, s.start(group), s.end(group))
                out.para(s.end(group))
        nl = text.find("\n", value_end, end)
        pos = end if nl < 0 else nl + 1


def _toml_value_end(text: str, start: int, end: int) -> int:
    """End of a value: the line, or the closing ``]`` / triple quote when it spans lines."""
    depth = 0
    i = start
    while i < end:
        for quote in ('"""', "'''"):
            if text.startswith(quote, i):
                close = text.find(quote, i + 3, end)
                i = end if close < 0 else close + 3
                break
        else:
            ch = text[i]
            if ch in "\"'":
                close = text.find(ch, i + 1, end)
                i = end if close < 0 else close + 1
                continue
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
            elif ch == "\n" and depth <= 0:
                return i
            elif ch == "#" and depth <= 0:
                nl = text.find("\n", i, end)
                return end if nl < 0 else nl
            i += 1
    return end


# --- Inline markup (Markdown spans and HTML) ----------------------------------------------------

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ATTR = r"[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?"
_TAG = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+{_ATTR})*)\s*/?>")
_ATTRS = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>")
_EMAIL_AUTOLINK = re.compile(r"<([^\s@<>()\[\]\\,;:\"]+@[A-Za-z0-9.-]+)>")
_DECL = re.compile(r"<![A-Za-z][^>]*>|<\?.*?\?>|<!\[CDATA\[|\]\]>", re.S)
_ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


class _Inline:
    """One left-to-right pass over a string whose chars carry origins and widths."""

    def __init__(
        self, src: str, origin: list[int], widths: list[int], out: _Out, *, markdown: bool
    ) -> None:
        self.src, self.origin, self.widths, self.out = src, origin, widths, out
        self.markdown = markdown
        self.in_head = False
        self.open_runs: dict[str, int] = {}

    def run(self) -> None:
        self.scan(0, len(self.src), self.out)

    def at(self, i: int) -> int:
        return (
            self.origin[i] if i < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)
        )

    def scan(self, i: int, end: int, out: _Out) -> None:
        src = self.src
        while i < end:
            ch = src[i]
            if ch == "<":
                i = self.angle(i, end, out)
            elif ch == "&":
                i = self.entity(i, end, out)
            elif ch.isspace():
                i = self.whitespace(i, end, out)
            elif self.markdown and ch in "\\`![*_~":
                i = self.markdown_span(i, end, out)
            else:
                out.put(ch, self.origin[i], self.widths[i])
                i += 1

    def whitespace(self, i: int, end: int, out: _Out) -> int:
        if self.markdown and self.src[i] == "\n":
            j = i
            while j < end and self.src[j] == "\n":
                j += 1
            out.para(self.origin[i])
            self.open_runs.clear()  # emphasis never spans paragraphs
            return j
        if out.chars and not out.chars[-1].isspace():
            out.put(" ", self.origin[i], self.widths[i])
        return i + 1

    def entity(self, i: int, end: int, out: _Out) -> int:
        m = _ENTITY.match(self.src, i, end)
        decoded = html.unescape(m.group()) if m else ""
        if not m or decoded == m.group():
            out.put("&", self.origin[i], self.widths[i])
            return i + 1
        first = self.origin[i]
        width = self.origin[m.end() - 1] + self.widths[m.end() - 1] - first
        for d in decoded:
            if d.isspace():
                out.space(first)
            else:
                out.put(d, first, width)
        return m.end()

    def text_of(self, start: int, end: int) -> _Out:
        """Entity-decoded, whitespace-collapsed text of a source range (attributes, titles)."""
        side = _Out()
        markdown, in_head = self.markdown, self.in_head
        self.markdown, self.in_head = False, False
        self.scan(start, end, side)
        self.markdown, self.in_head = markdown, in_head
        return side

    def angle(self, i: int, end: int, out: _Out) -> int:
        src = self.src
        if src.startswith("<!--", i):
            close = src.find("-->", i + 4, end)
            return i + 4 if close < 0 else close + 3
        if m := _DECL.match(src, i, end):
            return m.end()
        if self.markdown:
            if m := _AUTOLINK.match(src, i, end):
                self.out.targets.append((self.origin[m.start() + 1], self.origin[m.end() - 2] + 1))
                return m.end()
            if m := _EMAIL_AUTOLINK.match(src, i, end):
                self.scan(m.start(1), m.end(1), out)
                return m.end()
        m = _TAG.match(src, i, end)
        if not m:
            out.put("<", self.origin[i], self.widths[i])
            return i + 1
        return self.tag(m, end, out)

    def tag(self, m: re.Match[str], end: int, out: _Out) -> int:
        closing, name = m.group(1) == "/", m.group(2).lower()
        here = self.origin[m.start()]
        if name == "head" and not self.markdown:
            self.in_head = not closing
        elif name not in HEAD_TAGS:
            self.in_head = False
        if closing:
            if name not in INLINE_TAGS:
                out.para(here)
            return m.end()
        attrs = {a.group(1).lower(): a for a in _ATTRS.finditer(self.src, m.start(3), m.end(3))}
        self.record_targets(attrs)
        if not self.in_head:
            for key in SIDE_ATTRIBUTES:
                if key in attrs:
                    out.side(self.attr_text(attrs[key]))
        elif name == "meta" and "content" in attrs and self.is_description(attrs.get("name")):
            out.para(here)
            out.side(self.attr_text(attrs["content"]))
            out.para(here)
        if name in RAW_TEXT_TAGS or name == "title":
            close = re.compile(rf"</{name}\b[^>]*>", re.I).search(self.src, m.end(), end)
            if close is None:
                out.para(here)
                return m.end()
            stop, after = close.start(), close.end()
            out.para(here)
            if name == "title":
                in_head, self.in_head = self.in_head, False
                markdown, self.markdown = self.markdown, False
                self.scan(m.end(), stop, out)
                self.in_head, self.markdown = in_head, markdown
                out.para(self.at(stop))
            return after
        if name not in INLINE_TAGS:
            out.para(here)
        return m.end()

    def record_targets(self, attrs: dict[str, re.Match[str]]) -> None:
        """``href`` and ``src`` values: addresses a name may also be written in."""
        for key in TARGET_ATTRIBUTES:
            if key in attrs:
                a = attrs[key]
                group = next((g for g in (2, 3, 4) if a.group(g) is not None), None)
                if group is not None and a.end(group) > a.start(group):
                    self.out.targets.append(
                        (self.origin[a.start(group)], self.origin[a.end(group) - 1] + 1)
                    )

    def is_description(self, a: re.Match[str] | None) -> bool:
        value = next((a.group(g) for g in (2, 3, 4) if a.group(g) is not None), None) if a else None
        return (value or "").strip().lower() == "description"

    def attr_text(self, a: re.Match[str]) -> _Out:
        group = next((g for g in (2, 3, 4) if a.group(g) is not None), None)
        if group is None:
            return _Out()
        return self.text_of(a.start(group), a.end(group))

    # Markdown spans ------------------------------------------------------------------------

    def markdown_span(self, i: int, end: int, out: _Out) -> int:
        src, ch = self.src, self.src[i]
        if ch == "\\":
            if i + 1 < end and src[i + 1] in _ESCAPABLE:
                out.put(src[i + 1], self.origin[i + 1], self.widths[i + 1])
                return i + 2
        elif ch == "`":
            run = _run(src, i, end, "`")
            close = re.compile(rf"(?<!`)`{{{run}}}(?!`)").search(src, i + run, end)
            if close and "\n" not in src[i : close.start()]:
                # a code span is shown to readers: its content is text (no markup inside)
                for k in range(i + run, close.start()):
                    out.put(src[k], self.origin[k], self.widths[k])
                return close.end()
            for k in range(i, i + run):
                out.put("`", self.origin[k], self.widths[k])
            return i + run
        elif ch == "[" or (ch == "!" and src.startswith("[", i + 1)):
            link = self.link(i + (ch == "!"), end)
            if link:
                text_start, text_end, title, after = link
                self.scan(text_start, text_end, out)
                if title:
                    out.side(self.text_of(*title))
                return after
        elif ch in "*_~":
            run = _run(src, i, end, ch)
            if self.is_emphasis(i, run, end):
                return i + run  # a delimiter that opens or closes emphasis: markup
            for k in range(i, i + run):
                out.put(ch, self.origin[k], self.widths[k])
            return i + run
        out.put(ch, self.origin[i], self.widths[i])
        return i + 1

    def is_emphasis(self, i: int, run: int, end: int) -> bool:
        """A delimiter run that pairs: it closes an open one, or opens one that closes later in
        the paragraph. A lone ``*`` ("Iryna*", a footnote mark) is text."""
        ch = self.src[i]
        can_open, can_close = self.flanking(i, run)
        if can_close and self.open_runs.get(ch, 0) > 0:
            self.open_runs[ch] -= 1
            return True
        if can_open and self.closes_later(i + run, end, ch):
            self.open_runs[ch] = self.open_runs.get(ch, 0) + 1
            return True
        return False

    def closes_later(self, i: int, end: int, ch: str) -> bool:
        """A closing run of ``ch`` before the paragraph ends (bounded look-ahead)."""
        stop = min(end, i + MAX_LINK_TEXT)
        blank = self.src.find("\n\n", i, stop)
        stop = stop if blank < 0 else blank
        j = self.src.find(ch, i, stop)
        while j >= 0:
            run = _run(self.src, j, stop, ch)
            if self.flanking(j, run)[1]:
                return True
            j = self.src.find(ch, j + run, stop)
        return False

    def flanking(self, i: int, run: int) -> tuple[bool, bool]:
        """CommonMark (can open, can close): intraword ``_`` (snake_case, handles) is text."""
        ch = self.src[i]
        if ch == "~" and run < 2:
            return False, False
        before = self.src[i - 1] if i > 0 else " "
        after = self.src[i + run] if i + run < len(self.src) else " "
        left = not after.isspace() and (
            not _is_punct(after) or before.isspace() or _is_punct(before)
        )
        right = not before.isspace() and (
            not _is_punct(before) or after.isspace() or _is_punct(after)
        )
        if ch == "_":
            return left and (not right or _is_punct(before)), right and (
                not left or _is_punct(after)
            )
        return left, right

    def link(self, i: int, end: int) -> tuple[int, int, tuple[int, int] | None, int] | None:
        """``[text](dest "title")``, ``[text][ref]`` or ``[text][]``: text span, title, end."""
        close = _match_bracket(self.src, i, end)
        if close is None:
            return None
        src = self.src
        if src.startswith("[", close + 1):
            ref_close = _match_bracket(src, close + 1, end)
            if ref_close is None:
                return None
            return i + 1, close, None, ref_close + 1
        if src.startswith("(", close + 1):
            tail = _link_tail(src, close + 1, end)
            if tail is None:
                return None
            title, after, dest = tail
            if dest[1] > dest[0]:
                self.out.targets.append((self.origin[dest[0]], self.origin[dest[1] - 1] + 1))
            return i + 1, close, title, after
        return None


def _run(src: str, i: int, end: int, ch: str) -> int:
    j = i
    while j < end and src[j] == ch:
        j += 1
    return j - i


def _match_bracket(src: str, i: int, end: int) -> int | None:
    """Index of the ``]`` closing the ``[`` at i, within one paragraph and a bounded length."""
    depth = 0
    j = i
    end = min(end, i + MAX_LINK_TEXT)
    while j < end:
        ch = src[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "\n":
            return None
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return None


_TITLE = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|\(((?:[^()\\]|\\.)*)\)", re.S)


def _link_tail(
    src: str, i: int, end: int
) -> tuple[tuple[int, int] | None, int, tuple[int, int]] | None:
    """Parse ``(dest "title")`` at i; the title's span, the index after ``)``, the dest span."""
    j = i + 1
    while j < end and src[j] in " \t\n":
        j += 1
    dest_start = j
    if j < end and src[j] == "<":
        close = src.find(">", j, end)
        if close < 0:
            return None
        j = close + 1
    else:
        depth = 0
        while j < end and not src[j].isspace():
            if src[j] == "\\":
                j += 2
                continue
            if src[j] == "(":
                depth += 1
            elif src[j] == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
    dest = (dest_start, j)
    while j < end and src[j] in " \t\n":
        j += 1
    title = None
    if m := _TITLE.match(src, j, end):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        title = (m.start(group), m.end(group))
        j = m.end()
        while j < end and src[j] in " \t\n":
            j += 1
    if j < end and src[j] == ")":
        return title, j + 1, dest
    return None
