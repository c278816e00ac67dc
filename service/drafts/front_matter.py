"""YAML and TOML front matter: the values a page renders (title, slug, permalink) are read, keys\nare not."""

from __future__ import annotations

import re

from service.drafts.text_builder import FRONT_MATTER_KEYS, SLUG_KEYS, _emit, _Out

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
