"""What every reader of markup shares: the visible-text builder that keeps an offset map to the\nsource, and the tag, attribute and front-matter vocabularies."""

from __future__ import annotations

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


def _emit(out: _Out, text: str, start: int, end: int) -> None:
    """Copy original text, trimmed of surrounding whitespace."""
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    for i in range(start, end):
        out.put(text[i], i, 1)
