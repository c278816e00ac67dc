"""PSEUDONYM: the import path of the declared-pseudonym recognizer (``recognizers.pseudonym``)."""

from recognizers.pseudonym import PseudonymRecognizer

__all__ = ["PseudonymRecognizer"]
