"""The agency names' pattern finds what an alternation of them, longest first, finds."""
import random
import re

from explorer.citations import trie_pattern


def _alternation(words):
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def test_trie_pattern_matches_the_longest_name_at_each_position_like_an_alternation():
    words = ["市商务局", "市商务局2", "市商务局23", "商务局", "市商", "宁波市商务局", "局2", "a.b", "a+b"]
    texts = ["宁波市商务局2与市商务局23、市商务局234和市商务局", "市商市商务", "局2局23", "a.ba+b axb", ""]
    for text in texts:
        assert [m.span() for m in re.finditer(trie_pattern(words), text)] == \
            [m.span() for m in _alternation(words).finditer(text)], text


def test_trie_pattern_on_random_words_and_texts():
    rng = random.Random(7)
    alphabet = "市局委办厅2号"
    for _ in range(200):
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 12))}
        text = "".join(rng.choice(alphabet + "，") for _ in range(60))
        assert [m.span() for m in re.finditer(trie_pattern(words), text)] == \
            [m.span() for m in _alternation(words).finditer(text)], (sorted(words), text)
