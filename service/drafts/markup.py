"""Reduce a draft (Markdown, HTML or plain text) to screenable prose with an exact map back.

The engine sees readable sentences (no ``*``, ``#``, ``|`` or ``](``) so spaCy's NER works, and
every extracted character remembers where it came from, so a finding is reported at its line and
column in the original file. Text that readers can see (link text, image alt, titles, front-matter
titles, inline code spans, fenced code blocks line by line) is kept; URLs, comments and scripts are
dropped. Side texts such as ``alt`` and
``title`` attributes are emitted as their own paragraphs at the end of the enclosing block, so
they never split the sentence around them; their origins therefore are not monotonic.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from service.drafts.inline_markup import _Inline
from service.drafts.markdown_blocks import _markdown_blocks
from service.drafts.text_builder import KINDS, Extracted, _Out


def kind_for(path: str) -> str | None:
    """The markup kind from the file extension, or None when the file is not a draft."""
    dot = path.rfind(".")
    if dot < 0 or "/" in path[dot:] or "\\" in path[dot:]:
        return None
    return KINDS.get(path[dot:].lower())


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
