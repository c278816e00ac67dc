"""Which identities could take a name span, found by dictionary look-ups instead of comparisons.

Used by ``identities`` when clustering mentions into people: a multi-word mention joins the
identity whose key set contains it or is contained in it ("Karim al-Sabbagh" and "Karim Sabbagh
al-Halabi"), a single word joins an identity that has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.pipeline.identities import MentionSpan, PersonIdentity


def _same_person(a: set[str], b: set[str]) -> bool:
    return a <= b or b <= a


class ClusterIndex:
    """Which identities could take a span, without comparing it with every identity.

    Clustering used to test each span against every identity so far (quadratic in the number of
    people named). Multi-word key sets are indexed by themselves and by all their subsets, so
    "K is a subset of an identity's set" and "an identity's set is a subset of K" are
    dictionary look-ups; sets too large to enumerate fall back to a per-key posting list.
    Results are those of the pairwise test, in the identities' creation order.
    """

    SUBSETS_UP_TO = 8

    def __init__(self) -> None:
        self.order: dict[int, int] = {}
        self.exact: dict[frozenset[str], dict[int, PersonIdentity]] = {}
        self.covering: dict[frozenset[str], dict[int, PersonIdentity]] = {}
        self.multiword_by_key: dict[str, dict[int, PersonIdentity]] = {}
        self.large: dict[str, dict[int, PersonIdentity]] = {}
        self.multiword_sets: dict[int, set[frozenset[str]]] = {}
        self.by_key: dict[str, dict[int, PersonIdentity]] = {}

    def created(self, identity: PersonIdentity) -> None:
        self.order[id(identity)] = len(self.order)

    def added(self, identity: PersonIdentity, span: MentionSpan) -> None:
        ident = id(identity)
        keys = frozenset(k for part in span.parts for k in part)
        for k in keys:
            self.by_key.setdefault(k, {})[ident] = identity
        if len(span.parts) <= 1 or keys in self.multiword_sets.setdefault(ident, set()):
            return
        self.multiword_sets[ident].add(keys)
        self.exact.setdefault(keys, {})[ident] = identity
        for k in keys:
            self.multiword_by_key.setdefault(k, {})[ident] = identity
        if len(keys) > self.SUBSETS_UP_TO:
            for k in keys:
                self.large.setdefault(k, {})[ident] = identity
            return
        for subset in _subsets(keys):
            self.covering.setdefault(subset, {})[ident] = identity

    def _sorted(self, found: dict[int, PersonIdentity]) -> list[PersonIdentity]:
        return sorted(found.values(), key=lambda i: self.order[id(i)])

    def multiword_matches(self, keys: frozenset[str]) -> list[PersonIdentity]:
        """Identities with a multi-word mention whose keys contain, or are contained in, ``keys``."""
        found: dict[int, PersonIdentity] = dict(self.covering.get(keys, {}))
        if not keys:  # the empty set is a subset of everything
            found.update({k: i for sets in self.exact.values() for k, i in sets.items()})
        elif len(keys) <= self.SUBSETS_UP_TO:
            for subset in _subsets(keys):
                found.update(self.exact.get(subset, {}))
        else:
            pool = self.multiword_by_key
            self._test(keys, (i for k in keys for i in pool.get(k, {}).values()), found)
        self._test(keys, (i for k in keys for i in self.large.get(k, {}).values()), found)
        return self._sorted(found)

    def _test(self, keys: frozenset[str], pool: Iterable[PersonIdentity], found: dict) -> None:
        for identity in pool:
            ident = id(identity)
            if ident not in found and any(
                _same_person(keys, mk) for mk in self.multiword_sets.get(ident, ())
            ):
                found[ident] = identity

    def sharing(self, keys: frozenset[str]) -> list[PersonIdentity]:
        """Identities any of whose mentions has one of ``keys``."""
        found: dict[int, PersonIdentity] = {}
        for k in keys:
            found.update(self.by_key.get(k, {}))
        return self._sorted(found)


def _subsets(keys: frozenset[str]) -> Iterator[frozenset[str]]:
    items = sorted(keys)
    for r in range(1, len(items) + 1):
        for combo in combinations(items, r):
            yield frozenset(combo)
