"""Recognizers: the second stage of the flow text → NLP → **recognizers** → identities → policy.

One Presidio recognizer per file, each with its phrase lists as named constants or files under
``data/``. ``name_keys`` turns names into transliteration-insensitive keys; ``person_mentions``
finds the candidate name spans that the role recognizers (citizen journalist, at-risk source,
pseudonym, public figure, roster) then classify from their context cues.
"""
