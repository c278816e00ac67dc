"""What counts as a draft: a non-empty UTF-8 string without NUL bytes, within the length limit.

Kept apart from the engine so front ends can refuse bad input without importing spaCy.
"""

from __future__ import annotations

from service.core.errors import InputError


def validate_text(text: object, max_chars: int) -> str:
    """Refuse what cannot be a draft: not a string, empty, binary, or too long."""
    if not isinstance(text, str):
        raise InputError("text must be a string")
    if not text.strip():
        raise InputError("text is empty")
    if "\x00" in text:
        raise InputError("text contains NUL bytes (binary data?)")
    if len(text) > max_chars:
        raise InputError(f"text has {len(text)} characters; the limit is {max_chars}")
    return text


def utf8_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) only; binary or other encodings are refused, not guessed.

    The messages name the problem, never the content: they reach CLI output and scan reports.
    """
    if b"\x00" in data:
        raise InputError("binary (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (byte offset {exc.start})") from None


def decode_bytes(data: bytes, max_chars: int) -> str:
    """A draft from bytes: ``utf8_text`` and then ``validate_text``."""
    try:
        text = utf8_text(data)
    except InputError as exc:
        raise InputError(f"input is {exc}") from None
    return validate_text(text, max_chars)
