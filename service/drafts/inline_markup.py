"""Inline markup, Markdown spans and HTML alike: emphasis, code spans, links and their targets,\nimages' alt text, tags and entities, with every visible character mapped to its source."""

from __future__ import annotations

import html
import re
import unicodedata

from service.drafts.text_builder import (
    HEAD_TAGS,
    INLINE_TAGS,
    MAX_LINK_TEXT,
    RAW_TEXT_TAGS,
    SIDE_ATTRIBUTES,
    TARGET_ATTRIBUTES,
    _Out,
)

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
