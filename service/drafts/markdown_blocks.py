"""Markdown block structure: quotes, fences, headings, lists, tables and reference definitions, reduced\nto their visible text with offsets kept."""

from __future__ import annotations

import re

from service.drafts.front_matter import _front_matter
from service.drafts.text_builder import _emit, _Out

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


def _markdown_blocks(text: str) -> _Out:
    """Strip block markup (front matter, fences, headings, quotes, lists, tables) line by line.

    Only the markup goes: what a reader sees, fenced code included, stays in the reading.
    """
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
                out.para(start)
            else:
                # A code block is shown to readers as it is: each line is read on its own.
                out.para(start)
                _emit(out, text, start, end)
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
