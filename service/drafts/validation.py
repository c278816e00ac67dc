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


def decode_bytes(data: bytes, max_chars: int) -> str:
    """UTF-8 (with or without BOM) only; binary or other encodings are refused, not guessed."""
    if b"\x00" in data:
        raise InputError("input looks binary (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not valid UTF-8 (byte offset {exc.start})") from exc
    return validate_text(text, max_chars)
