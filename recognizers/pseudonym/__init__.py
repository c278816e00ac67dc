"""Declared pseudonyms: names the draft itself says are not (all of) the person's real name.

A declaration is read from its parts rather than as fixed sentences, so unseen combinations work:
``vocabulary`` (data files under ``recognizers/data/pseudonym/``) → ``predicates`` (the
*concealment predicate*: "her name be kept out of print", "a pseudonym", "only his first name")
→ ``scope`` (who it is attached to: the subject, the antecedent of "who/whose", the appositive
head, the possessor, a pronoun resolved to the nearest person, or a whole group) → ``naming``
(clauses that introduce the chosen name: "who we have chosen to call X", footnote marks) →
``recognizer``.
"""

from recognizers.pseudonym.recognizer import PseudonymRecognizer

__all__ = ["PseudonymRecognizer"]
