"""The canonical view without the model: normalization, offset map, segments, case restoration.

Names here are invented.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.name_keys import fold, name_key
from service.drafts.canonical import (
    PLACEHOLDER_RE,
    Vocabulary,
    canonicalize,
    detect_format,
    read_text,
    restore_case,
)

NAMES = ("Karim al-Sabbagh", "Sasha Koval", "Yara Mansour", "Tamer Qudsi")
INVISIBLES = ("\u00ad", "\u034f", "\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u180e")
CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "K": "К",
            "M": "М", "T": "Т", "S": "Ѕ", "Y": "Ү", "i": "і", "s": "ѕ", "A": "А"}  # fmt: skip
GREEK = {"o": "ο", "K": "Κ", "T": "Τ", "Y": "Υ", "A": "Α", "i": "ι", "v": "ν"}


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def math_bold(s: str) -> str:
    out = []
    for c in s:
        if "A" <= c <= "Z":
            out.append(chr(0x1D400 + ord(c) - ord("A")))
        elif "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - ord("a")))
        else:
            out.append(c)
    return "".join(out)


def swap(table: dict[str, str], s: str) -> str:
    return "".join(table.get(c, c) for c in s)


VARIANTS = {
    "soft hyphen": lambda n: n[:2] + "\u00ad" + n[2:],
    "cgj": lambda n: n[:3] + "\u034f" + n[3:],
    "bom": lambda n: "\ufeff" + n,
    "zwsp before word": lambda n: n.replace(" ", " \u200b"),
    "zwj inside": lambda n: n[:1] + "\u200d" + n[1:],
    "cyrillic": lambda n: swap(CYRILLIC, n),
    "greek": lambda n: swap(GREEK, n),
    "fullwidth": fullwidth,
    "math bold": math_bold,
    "nbhyphen": lambda n: n.replace("-", "\u2011"),
    "nbsp": lambda n: n.replace(" ", "\u00a0"),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variants_read_as_the_name(name: str, variant: str) -> None:
    written = VARIANTS[variant](name)
    view = canonicalize(f"We met {written} at noon.", "plain")
    assert view.text == f"We met {name} at noon."
    # the whole original span (invisibles included) maps back from the name
    start = view.text.index(name)
    a, b = view.to_original(start, start + len(name))
    rest = view.original[:a] + view.original[b:]
    assert rest == "We met  at noon."


@pytest.mark.parametrize("name", NAMES)
def test_nfd_accents_compose(name: str) -> None:
    accented = name.replace("a", "á", 1)
    view = canonicalize(unicodedata.normalize("NFD", f"Then {accented} left."), "plain")
    assert view.text == unicodedata.normalize("NFC", f"Then {accented} left.")


def test_line_break_inside_a_name_is_joined() -> None:
    assert canonicalize("said Karim\nal-Sabbagh, who", "plain").text == "said Karim al-Sabbagh, who"
    assert (
        canonicalize("said Karim al-\nSabbagh, who", "plain").text == "said Karim al-Sabbagh, who"
    )
    # a blank line stays a block boundary
    assert canonicalize("said Karim\n\nSabbagh", "plain").text == "said Karim\n\nSabbagh"


def test_case_restoration_of_blocks_and_runs() -> None:
    vocabulary = Vocabulary(["army", "came", "night", "told", "citizen", "journalist"])
    assert (
        restore_case(
            "CITIZEN JOURNALIST KARIM AL-SABBAGH TOLD US THE ARMY CAME AT NIGHT", vocabulary
        )
        == "Citizen journalist Karim al-Sabbagh told us the army came at night"
    )
    assert (
        restore_case("citizen journalist sasha koval told us the army came at night", vocabulary)
        == "Citizen journalist Sasha Koval told us the army came at night"
    )
    assert (
        restore_case("The journalist YARA MANSOUR told us.", vocabulary)
        == "The journalist Yara Mansour told us."
    )
    # acronyms alone stay; normal text is untouched
    assert restore_case("The UN and NATO said so.", vocabulary) == "The UN and NATO said so."


def test_case_restoration_follows_the_rest_of_the_draft() -> None:
    text = "Mark Tennant spoke first.\nMARK TENNANT SAID THE ROAD WAS CLOSED"
    assert restore_case(text, Vocabulary(["mark", "road", "closed", "said", "spoke"])).endswith(
        "Mark Tennant said the road was closed"
    )


def test_markup_segments_keep_tags() -> None:
    html = "<p>said <b>Karim</b> al-Sab&shy;bagh today</p>"
    view = canonicalize(html)
    assert view.format == "html"
    start = view.text.index("Karim")
    a, b = view.to_original(start, start + len("Karim al-Sabbagh"))
    assert html[a:b] == "Karim</b> al-Sab&shy;bagh"
    assert [html[x:y] for x, y in view.segments(a, b)] == ["Karim", " al-Sab&shy;bagh"]


def test_targets_and_code_spans() -> None:
    md = "---\nslug: sasha-koval-interview\n---\n\nSee `Sasha Koval` and [her](/p/sasha-koval).\n"
    view = canonicalize(md)
    assert view.format == "markdown"
    assert "Sasha Koval" in view.text
    assert [md[a:b] for a, b in view.targets] == ["sasha-koval-interview", "/p/sasha-koval"]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("plain words only", "plain"),
        ("# Title\n\nSome **bold** text", "markdown"),
        ("&ldquo;quoted&rdquo; in markdown with [a](b)", "markdown"),
        ("<p>para</p>", "html"),
        ("&ldquo;Sasha would go", "html"),
    ],
)
def test_format_detection(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


@pytest.mark.parametrize(
    "placeholder",
    ["[citizen journalist B]", "[person A]", "[protected source AB]", "[place]", "[id:0123abcdef]"],
)
def test_placeholders_are_known(placeholder: str) -> None:
    view = canonicalize(f"Then {placeholder} told us.", "plain")
    assert view.placeholders and view.in_placeholder(*view.placeholders[0])
    assert PLACEHOLDER_RE.fullmatch(placeholder)


def test_roster_keys_ignore_look_alikes_and_invisibles() -> None:
    assert name_key("K\u0430rim \u0430l-S\u0430bb\u0430gh") == name_key("Karim al-Sabbagh")
    assert name_key("Ka\u00adrim AL-SABBAGH") == name_key("karim al-sabbagh")
    assert fold("Ｙａｒａ") == "yara"


# --- properties -------------------------------------------------------------------------------

LOOK_ALIKES = {**GREEK, **CYRILLIC}


@st.composite
def disguised(draw: st.DrawFn, name: str) -> str:
    """The name with random invisibles, case changes and look-alike letters."""
    out = []
    for ch in name:
        if draw(st.booleans()) and ch in LOOK_ALIKES:
            ch = LOOK_ALIKES[ch]
        elif draw(st.booleans()):
            ch = draw(st.sampled_from([ch.upper(), ch.lower(), fullwidth(ch), math_bold(ch)]))
        out.append(ch)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(INVISIBLES)))
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), disguised(n))))
def test_any_disguise_reads_as_the_name(pair: tuple[str, str]) -> None:
    name, written = pair
    assert read_text(written).casefold() == name.casefold()
    assert name_key(written) == name_key(name)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_offset_map_is_total_and_ordered(text: str) -> None:
    for fmt in ("plain", "markdown", "html"):
        view = canonicalize(text, fmt)
        assert len(view.starts) == len(view.ends) == len(view.text)
        for i in range(len(view.text)):
            assert 0 <= view.starts[i] <= view.ends[i] <= len(text)
        if view.text:
            a, b = view.to_original(0, len(view.text))
            assert 0 <= a <= b <= len(text)
