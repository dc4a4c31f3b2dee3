"""lunr 2.3.9's weights of the boosted fields (BM25 per field, times the field's boost),
for documents whose fields are already token lists and with an empty pipeline, by term
(weighted_postings): what the search shards carry, and from which the page scores a
query as lunr would score it over the whole index.

lunr.py computes them through generic per-token objects and a vector class; this does
the same arithmetic on plain dicts and lists, several times faster. A test serialises
the same field vectors as lunr.py's Builder does (tests/lunrserial.py) and proves them
equal to lunr.py's on the seed corpus, byte for byte.
"""
from __future__ import annotations

import math
from array import array
from collections import Counter
from typing import Iterator

K1 = 1.2
B = 0.75


def _field_vectors(documents: list[dict[str, list[str]]], fields: list[tuple[str, float]],
                   terms: dict[str, int]) -> Iterator[tuple[str, int, list[tuple[int, float, str]]]]:
    """Per field of each document, in lunr's order: (field, position, [(term index, BM25
    score x boost, term)]). Fills `terms` (term -> lunr's index of it) first."""
    names = [name for name, _ in fields]
    boosts = dict(fields)
    with_term: Counter = Counter()   # term -> how many (field, document) pairs have it
    total_length = dict.fromkeys(names, 0)
    for document in documents:
        for name in names:
            field_terms = set()
            for term in document.get(name) or []:
                term = term.lower()
                total_length[name] += 1
                if term not in terms:
                    terms[term] = len(terms)
                field_terms.add(term)
            with_term.update(field_terms)
    count = len(documents)
    average = {name: total_length[name] / count for name in names} if count else {}
    idf = {term: math.log(1 + abs((count - n + 0.5) / (n + 0.5))) for term, n in with_term.items()}
    for position, document in enumerate(documents):
        for name in names:
            field_terms = [t.lower() for t in document.get(name) or []]
            length = len(field_terms)
            elements = []
            for term, tf in Counter(field_terms).items():
                score = idf[term] * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average[name])) + tf)
                elements.append((terms[term], round(score * boosts[name], 3), term))
            elements.sort()
            yield name, position, elements


def weighted_postings(documents: list[dict[str, list[str]]], fields: list[tuple[str, float]],
                      scale: int) -> dict[str, list[array]]:
    """The same index by term: term -> per field [position, score x scale, ...] (integers,
    positions ascending). Rebuilt in lunr for the terms of a query, these score as the
    whole index would."""
    names = [name for name, _ in fields]
    slot = {name: i for i, name in enumerate(names)}
    out: dict[str, list[array]] = {}
    for name, position, elements in _field_vectors(documents, fields, {}):
        for _, score, term in elements:
            lists = out.get(term)
            if lists is None:
                lists = out[term] = [array("i") for _ in names]
            lists[slot[name]].extend((position, round(score * scale)))
    return out
