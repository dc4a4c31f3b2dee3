"""A lunr 2.3.9 index serialised from explorer/lunrindex.py's field vectors exactly as
lunr.py's Builder.build().serialize() does: what proves the weights the search shards
carry to be lunr's own (tests/test_search.py), and what the bench compares our shards with."""
from __future__ import annotations

from explorer import search
from explorer.lunrindex import _field_vectors

LUNR_VERSION = "2.3.9"


def whole_index(items: list[search.Entry]) -> dict:
    """The lunr index of the entries' boosted fields (refs are positions)."""
    return build_index(search.index_documents(items), [(short, boost) for short, boost in search.FIELDS.values()])


def build_index(documents: list[dict[str, list[str]]], fields: list[tuple[str, float]]) -> dict:
    """documents[i][field] -> tokens; the ref of documents[i] is str(i)."""
    names = [name for name, _ in fields]
    terms: dict[str, int] = {}
    vectors = []
    inverted: dict[str, dict] = {}
    for name, position, elements in _field_vectors(documents, fields, terms):
        vectors.append([f"{name}/{position}", [x for index, score, _ in elements for x in (index, score)]])
        for _, _, term in elements:
            inverted.setdefault(term, {})[position, name] = True
    postings = {}
    for term in terms:   # lunr's key order: the fields, then _index; refs as they came
        posting = {n: {} for n in names}
        for position, name in sorted(inverted.get(term, {}), key=lambda pair: pair[0]):
            posting[name][str(position)] = {}
        posting["_index"] = terms[term]
        postings[term] = posting
    return {
        "version": LUNR_VERSION,
        "fields": names,
        "fieldVectors": vectors,
        "invertedIndex": [[term, postings[term]] for term in sorted(postings)],
        "pipeline": [],
    }


