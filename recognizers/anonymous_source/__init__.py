"""Anonymous sources and the details that re-identify them (jigsaw identification).

``vocabulary`` (data files) → ``patterns`` (cue and detail regexes) → ``spans`` (context) →
``subject`` (who the source is) → ``details`` (quasi-identifiers, risk) → ``recognizer``.
"""

from recognizers.anonymous_source.recognizer import AnonymousSourceRecognizer

__all__ = ["AnonymousSourceRecognizer"]
