"""A lunr 2.3.9 index, serialised exactly as lunr.py's Builder.build().serialize() does,
for documents whose fields are already token lists and with an empty pipeline.

lunr.py builds through generic per-token objects and a vector class; this does the same
arithmetic on plain dicts and lists, several times faster. A test proves the output
equal to lunr.py's on the seed corpus, byte for byte once serialised.
"""
from __future__ import annotations

import math
from collections import Counter

LUNR_VERSION = "2.3.9"
K1 = 1.2
B = 0.75


def build_index(documents: list[dict[str, list[str]]], fields: list[tuple[str, float]]) -> dict:
    """documents[i][field] -> tokens; the ref of documents[i] is str(i)."""
    names = [name for name, _ in fields]
    boosts = dict(fields)
    inverted: dict[str, dict] = {}
    frequencies: list[tuple[str, str, int, Counter]] = []   # (field ref, field, length, tf)
    total_length = dict.fromkeys(names, 0)
    for position, document in enumerate(documents):
        ref = str(position)
        for name in names:
            terms = [t.lower() for t in document.get(name) or []]
            counts = Counter(terms)
            frequencies.append((f"{name}/{ref}", name, len(terms), counts))
            total_length[name] += len(terms)
            for term in counts:
                posting = inverted.get(term)
                if posting is None:
                    posting = {n: {} for n in names}
                    posting["_index"] = len(inverted)
                    inverted[term] = posting
                posting[name][ref] = {}
    count = len(documents)
    average = {name: total_length[name] / count for name in names} if count else {}
    idf_of: dict[str, float] = {}
    vectors = []
    for field_ref, name, length, counts in frequencies:
        elements: list[tuple[int, float]] = []
        for term, tf in counts.items():
            idf = idf_of.get(term)
            if idf is None:
                posting = inverted[term]
                with_term = sum(len(posting[n]) for n in names)
                idf = idf_of[term] = math.log(1 + abs((count - with_term + 0.5) / (with_term + 0.5)))
            score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average[name])) + tf)
            score *= boosts[name]
            elements.append((inverted[term]["_index"], round(score, 3)))
        elements.sort()
        vectors.append([field_ref, [x for pair in elements for x in pair]])
    return {
        "version": LUNR_VERSION,
        "fields": names,
        "fieldVectors": vectors,
        "invertedIndex": [[term, inverted[term]] for term in sorted(inverted)],
        "pipeline": [],
    }
