"""Markup reduction: readable prose for NER, and an exact way back to line:column. Invented names."""

from __future__ import annotations

import pytest

from service.drafts.markup import Extracted, LineIndex, extract, kind_for

NAME = "Rami Haddad"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("a/draft.md", "markdown"),
        ("DRAFT.MARKDOWN", "markdown"),
        ("x.HTM", "html"),
        ("x.html", "html"),
        ("notes.Txt", "text"),
        ("image.png", None),
        ("README", None),
        ("dir.md/file", None),
    ],
)
def test_kind_for(path: str, kind: str | None) -> None:
    assert kind_for(path) == kind


MARKDOWN = [
    ("# Heading with Rami\n", "Heading with Rami"),
    ("## Closed heading ##\n", "Closed heading"),
    ("The medic **Rami** Haddad spoke.", "The medic Rami Haddad spoke."),
    ("An *emphatic* and __strong__ and ~~gone~~ word.", "An emphatic and strong and gone word."),
    ("Handle @rami_haddad and snake_case stay.", "Handle @rami_haddad and snake_case stay."),
    ('See [the medic](https://example.org/a_b "Profile") now.', "See the medic now.\n\nProfile"),
    ("![Rami at the clinic](img/a.jpg)", "Rami at the clinic"),
    ("Read [this story][1] today.\n\n[1]: https://example.org\n", "Read this story today."),
    ("Mail <rami@example.org> or <https://example.org/x>.", "Mail rami@example.org or ."),
    ("Run `rm -rf Lena` then ``a ` b`` done.", "Run rm -rf Lena then a ` b done."),
    ("- first item\n- second *item*\n1. numbered\n", "first item\n\nsecond item\n\nnumbered"),
    ("- [x] done task\n", "done task"),
    ("> quoted Rami\n> Haddad said\n", "quoted Rami Haddad said"),
    ("line one\nline two\n", "line one line two"),
    ("| Name | Town |\n|---|:--:|\n| Rami | Aleppo |\n", "Name\n\nTown\n\nRami\n\nAleppo"),
    ("a\n\n```python\nsecret = 'Lena'\n```\n\nb", "a\n\nsecret = 'Lena'\n\nb"),
    ("a\n~~~~\n```\nLena\n```\n~~~~\nb", "a\n\n```\n\nLena\n\n```\n\nb"),
    ("Before <!-- hidden Lena --> after", "Before after"),
    ("<!--\nmulti\n\nline Lena\n-->\nText", "Text"),
    ("Fish &amp; chips &#39;n&#x27; caf&eacute;&nbsp;x", "Fish & chips 'n' café x"),
    ("Say <b>Rami</b> Haddad<br>next", "Say Rami Haddad\n\nnext"),
    ("<div>Block one</div><p>Block two</p>", "Block one\n\nBlock two"),
    ("Escaped \\*star\\* and \\[bracket]", "Escaped *star* and [bracket]"),
    ("[protected source A] said", "[protected source A] said"),
    ("Note[^1].\n\n[^1]: Footnote naming Lena.\n", "Note[^1].\n\nFootnote naming Lena."),
    ("Text\n\n---\n\nMore\n", "Text\n\nMore"),
    ("Setext\n======\n", "Setext"),
    ("Literal <head> tag then Lena\n", "Literal\n\ntag then Lena"),
]


@pytest.mark.parametrize(("source", "expected"), MARKDOWN)
def test_markdown_extraction(source: str, expected: str) -> None:
    assert extract(source, "markdown").text == expected


HTML = [
    ("<p>The medic <b>Rami</b> Haddad said</p>", "The medic Rami Haddad said"),
    ("<p>One</p><p>Two</p>", "One\n\nTwo"),
    ("<li>One</li><li>Two</li>", "One\n\nTwo"),
    ("<td>Rami</td><td>Aleppo</td>", "Rami\n\nAleppo"),
    ('<p>A <img src="x.jpg" alt="Photo of Lena"> b</p>', "A b\n\nPhoto of Lena"),
    (
        '<p><a href="/x" title="Profile" aria-label="Lena page">link</a></p>',
        "link\n\nProfile\n\nLena page",
    ),
    ("<p>x</p><script>var n = 'Lena';</script><style>p{}</style><p>y</p>", "x\n\ny"),
    ("<noscript>Lena</noscript><template><p>Lena</p></template>ok", "ok"),
    ("<!-- Lena --><p>ok</p>", "ok"),
    ("<p>Tom &amp; Jerry&#8217;s &nbsp; caf&eacute;</p>", "Tom & Jerry’s café"),
    ("<p>wrapped\n   across\n   lines</p>", "wrapped across lines"),
    ("<h2>Title</h2>text<hr>more", "Title\n\ntext\n\nmore"),
    ("<p>a &bogus; b < c</p>", "a &bogus; b < c"),
    ("<p>x</p><script>never closed <p>Lena</p>", "x\n\nnever closed\n\nLena"),
    ("<head><title>T</title><p>Lena without body</p>", "T\n\nLena without body"),
    (
        '<html><head><title>Story &amp; Rami</title><meta charset="utf-8">'
        '<meta name="description" content="About Lena"><link title="rss">'
        "<style>b{}</style></head><body><p>Body</p></body></html>",
        "Story & Rami\n\nAbout Lena\n\nBody",
    ),
]


@pytest.mark.parametrize(("source", "expected"), HTML)
def test_html_extraction(source: str, expected: str) -> None:
    assert extract(source, "html").text == expected


def test_text_is_identity() -> None:
    source = "Plain *text* with <b>tags</b>\r\nkept"
    out = extract(source, "text")
    assert out.text == source
    assert out.origin == list(range(len(source)))


POSITIONS = [
    ("markdown", "# Story\n\nThe medic **Rami** Haddad said.\n", "Rami** Haddad"),
    ("markdown", f"Intro\n\nSee [{NAME}](https://example.org) here.\n", NAME),
    ("markdown", f"# Title\n\n- first\n- the medic {NAME}\n", NAME),
    ("markdown", f"Intro\n\n## About {NAME} ##\n", NAME),
    ("markdown", f"| a | b |\n|---|---|\n| x | {NAME} |\n", NAME),
    ("markdown", f'x\n\n<img src="a.jpg" alt="{NAME} at work">\n', NAME),
    ("markdown", f"```\ncode {NAME}\n```\n\n<p>After: {NAME} spoke</p>\n", f"{NAME}\n```"),
    ("markdown", f"Caf&eacute; &amp; tea with {NAME}.\n", NAME),
    ("markdown", f"Line one\r\n\r\n> quoted line\r\n> and **{NAME}**\r\n", NAME),
    ("html", "<p>The medic\r\n  <b>Rami</b> Haddad</p>", "Rami</b> Haddad"),
    ("html", f"<body>\n<p>One</p>\n<p>Caf&eacute; {NAME}</p>", NAME),
    ("html", f'<p>x</p>\n<img alt="Photo: {NAME}">', NAME),
    ("text", f"a\r\nb\rc\n  {NAME}", NAME),
]


@pytest.mark.parametrize(("kind", "source", "marker"), POSITIONS)
def test_name_maps_back_to_its_real_line_and_column(kind: str, source: str, marker: str) -> None:
    """``marker`` starts where the name really is (str.find) and covers its markup."""
    out = extract(source, kind)
    found = out.text.find(NAME)
    assert found >= 0, out.text
    start, end = out.to_original(found, found + len(NAME))
    real = source.find(marker)
    index = LineIndex(source)
    assert index.line_col(start) == index.line_col(real)
    assert start == real
    assert marker.startswith(source[start:end])
    assert source[end - len("Haddad") : end] == "Haddad"


def test_code_block_contents_and_code_spans_are_read() -> None:
    """A fenced block and an inline code span are both shown to readers, so both are screened."""
    source = "Intro\n\n```js\nconst source = 'Lena Ostrova';\n```\n\nOutro `Lena` too\n"
    extracted = extract(source, "markdown")
    assert "const source = 'Lena Ostrova';" in extracted.text
    assert "```" not in extracted.text and "js" not in extracted.text.split()
    assert "Outro Lena too" in extracted.text
    start = extracted.text.index("Ostrova")
    assert extracted.to_original(start, start + len("Ostrova")) == (
        source.index("Ostrova"),
        source.index("Ostrova") + len("Ostrova"),
    )


def test_a_name_in_a_fenced_block_is_replaced(engine) -> None:  # type: ignore[no-untyped-def]
    draft = "Notes.\n\n```\nCitizen journalist Karim Haddoura told us the road was cut.\n```\n"
    result = engine.sanitize(draft, fmt="markdown")
    assert "Haddoura" not in result.sanitized_text
    assert result.sanitized_text.startswith("Notes.\n\n```\n")
    assert result.sanitized_text.endswith("told us the road was cut.\n```\n")


def test_front_matter_titles_are_screened_other_keys_are_not() -> None:
    source = (
        "---\n"
        'title: "Talking to Rami Haddad"\n'
        "slug: secret-slug-lena\n"
        "tags: [Lena Ostrova]\n"
        "authors:\n"
        "  - Kim Vo\n"
        "  - name: Ana Lima\n"
        "description: >\n"
        "  Folded text about\n"
        "  Rami\n"
        "---\n"
        "Body.\n"
    )
    out = extract(source, "markdown")
    assert out.text == (
        "Talking to Rami Haddad\n\nKim Vo\n\nAna Lima\n\nFolded text about Rami\n\nBody."
    )
    assert "Lena" not in out.text
    assert "slug" not in out.text
    start, end = out.to_original(out.text.find(NAME), out.text.find(NAME) + len(NAME))
    assert LineIndex(source).line_col(start) == (2, 20)
    assert source[start:end] == NAME


def test_toml_front_matter() -> None:
    source = (
        '+++\ntitle = "Rami story"\nslug = "lena"\nauthors = ["Kim Vo",\n  "Ana Lima"]\n+++\nBody\n'
    )
    assert extract(source, "markdown").text == "Rami story\n\nKim Vo\n\nAna Lima\n\nBody"


def test_unclosed_front_matter_is_ordinary_text() -> None:
    assert "slug" in extract("---\nslug: x\n", "markdown").text


def test_output_has_no_markup_residue() -> None:
    source = (
        "# H\n\n**Bold** _it_ [l](u) ![a](b) `c`\n\n| x | y |\n|---|---|\n| 1 | 2 |\n"
        "> q\n\n* a\n+ b\n"
    )
    text = extract(source, "markdown").text
    for residue in ("*", "#", "|", "](", "`", ">"):
        assert residue not in text


def test_to_original_covers_whole_entity() -> None:
    source = "x &eacute; y"
    out = extract(source, "html")
    i = out.text.index("é")
    assert out.to_original(i, i + 1) == (2, 10)
    assert out.to_original(i, i) == (2, 2)
    with pytest.raises(ValueError):
        out.to_original(0, len(out.text) + 1)


def test_extracted_widths_default_to_one() -> None:
    assert Extracted("ab", [3, 7]).to_original(0, 2) == (3, 8)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (0, (1, 1)),
        (2, (1, 3)),
        (3, (1, 4)),
        (4, (2, 1)),
        (6, (3, 1)),
        (7, (3, 2)),
        (8, (4, 1)),
        (9, (4, 2)),
    ],
)
def test_line_index_mixed_line_ends(offset: int, expected: tuple[int, int]) -> None:
    index = LineIndex("ab\r\nc\rd\nxé")
    assert index.line_col(offset) == expected
    assert index.line_of(offset) == expected[0]


def test_line_index_counts_code_points() -> None:
    text = "😀é Rami"
    assert LineIndex(text).line_col(text.index("Rami")) == (1, 4)
    with pytest.raises(ValueError):
        LineIndex(text).line_col(len(text) + 1)
