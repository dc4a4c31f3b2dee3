"""Search: the tokenizer is the same in Python and JavaScript, the index is lunr's format,
and the quality set is answered by the page's own JavaScript (run under Node)."""
import json
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

from explorer import cjk, search

from .lunrserial import whole_index

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "tests" / "js" / "search_cli.js"
QUERIES = yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def _node(*args, data):
    result = subprocess.run([NODE, str(CLI), *args], input=json.dumps(data, ensure_ascii=False),
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def _generated_strings(n: int) -> list[str]:
    rng = random.Random(20261122)
    pieces = ["甬政办发", "〔2021〕", "[2021]", "（2021）", "【2021】", "［2021］", "( 2025 )", "79号", "ESG", "ＥＳＧ",
              "qflp", "ＱＦＬＰ", "Ｑｆｌｐ", "１２３", "NRA 账户", "数字人民币 App", "“两业”融合", "，", "。", "、",
              "：", "；", "—", "…", "　", " ", "\t", "\n", "-", "_", "/", "▲", "*", "%", "50%", "5G", "3D SIP",
              "宁 波", "〈加快推进〉", "《协定》", "ⅱ", "①", "ｶﾀｶﾅ", "é", "İ", "ß", "Ⅻ", "㈱", "﹙2021﹚", "〇", "豈"]
    han = [chr(c) for c in range(0x4E00, 0x9FA5, 37)] + [chr(c) for c in range(0x3400, 0x4DB5, 101)]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.5:
                parts.append(rng.choice(pieces))
            else:
                parts.append("".join(rng.choice(han) for _ in range(rng.randint(1, 6))))
        out.append("".join(parts))
    return out


def test_tokenizer_rules():
    assert search.tokenize("跨境电商") == ["跨境", "境电", "电商"]
    assert search.tokenize("QFLP qflp ＱＦＬＰ") == ["qflp", "qflp", "qflp"]
    assert search.tokenize("甬政办发[2021]79号") == search.tokenize("甬政办发（2021）79号") \
        == search.tokenize("甬政办发【2021】79号") == search.tokenize("甬政办发〔2021〕79号")
    assert search.normalize("甬政办发（2021）79号") == "甬政办发〔2021〕79号"
    # the year and the sequence number side by side are a token of their own
    assert search.tokenize("甬政办发〔2021〕79号") == ["甬政", "政办", "办发", "2021", "79", "号", "2021〕79"]
    assert "2021〕79" not in search.tokenize("甬政办发〔2121〕79号，根据国办发〔2021〕24号")
    assert search.tokenize("市") == ["市"]


@needs_node
def test_python_and_javascript_text_rules_agree_on_600_strings(built_site):
    """The page reads text with the rules explorer/cjk.py gives it (data/text-rules.js):
    squeezed, its years' brackets made 〔〕, normalised and tokenized alike."""
    strings = _generated_strings(600) + ["甬政办发﹙2021﹚79号", "a\u00a0b\u2003c\u3000d", "国办发 [ 2021 ] 24号"]
    rules = _node("rules", str(built_site), data=strings)
    assert [r["squeeze"] for r in rules] == [cjk.squeeze(s) for s in strings]
    assert [r["years"] for r in rules] == [cjk.canonical_years(s) for s in strings]
    assert [r["normalize"] for r in rules] == [search.normalize(s) for s in strings]
    assert [r["tokenize"] for r in rules] == [search.tokenize(s) for s in strings]


@needs_node
def test_a_document_number_is_read_alike_by_the_documents_box_and_the_search(built_site):
    """Every way a reader types a number gives its canonical form, which is what the
    build parses (cjk.DOC_NUMBER_RE) and what the search looks up."""
    typed = ["甬政办发[2021]79号", "甬政办发（2021）79号", "甬政办发 2021年79号", "甬政办发〔2021〕第79号",
             "甬政办发【 2021 】79号", "甬政办发2021年第079号"]
    read = _node("numbers", str(built_site), data=typed)
    assert {r["text"] for r in read} == {"甬政办发〔2021〕79号"}
    parsed = cjk.DOC_NUMBER_RE.fullmatch(read[0]["text"])
    assert (parsed["prefix"], parsed["year"], parsed["number"]) == ("甬政办发", "2021", "79")
    assert _node("numbers", str(built_site), data=["第12号", "79号", "跨境电商"]) == [
        {"prefix": "", "year": "", "seq": "12", "text": "第12号"}, {"prefix": "", "year": "", "seq": "79", "text": "第79号"},
        None]
    first = _node("search", str(built_site), data=[{"query": "甬政办发2021年79号"}, {"query": "甬政办发〔2021〕79号"}])
    assert first[0]["results"] == first[1]["results"] and first[0]["results"][0]["tier"] == 4


@needs_node
def test_a_document_number_never_matches_tasks_by_their_bare_numbers(built_site):
    """国函〔2025〕39号 is not task 39 of every list: only what cites it is found."""
    found = _node("search", str(built_site), data=[{"query": "国函〔2025〕39号"}, {"query": "39"}])
    assert found[0]["results"] and not any(r["kind"] == "t" for r in found[0]["results"])
    assert all("国函〔2025〕39号" in _entry_text(built_site, r["url"]) for r in found[0]["results"])
    assert any(r["title"].endswith("第39项") for r in found[1]["results"])   # the bare number still finds them


def test_the_text_postings_count_every_token_the_tokenizer_gives():
    for string in _generated_strings(600):
        text = cjk.squeeze(search.normalize(string))   # as entry_text() gives a text
        counts = search.text_counts(text)
        assert counts.keys() >= set(search.tokenize(text)), string
        assert all(counts[token] == n for token, n in Counter(search.tokenize(text)).items() if len(token) > 1), string


def _entry_text(site: Path, url: str) -> str:
    """The text of the page (or its section) a result opens, squeezed."""
    from .sitetext import page_text
    return cjk.squeeze(page_text(site / url.split("#")[0]))


def _search_file(site: Path, name: str):
    """The JSON a data/search/<name>.js file carries."""
    text = (site / "data" / "search" / f"{name}.js").read_text(encoding="utf-8")
    prefix = f'(window.PolicySearchFiles=window.PolicySearchFiles||{{}})["{name}"]=JSON.parse('
    assert text.startswith(prefix) and text.endswith(");\n")
    return json.loads(json.loads(text[len(prefix):-3]))


def test_the_index_is_a_manifest_and_shards_by_token_hash(built_site):
    manifest = _search_file(built_site, "index")
    assert [name for name, _ in manifest["fields"]] == ["t", "n", "a", "d"]
    count = manifest["shards"]
    assert count >= 32 and count & (count - 1) == 0
    assert len(list((built_site / "data" / "search" / "t").iterdir())) == count
    seen = 0
    for n in range(count):
        shard = _search_file(built_site, f"t/{n}")
        assert all(search.shard_of(token, count) == n for token in shard)
        seen += len(shard)
    assert "跨境" in _search_file(built_site, f"t/{search.shard_of('跨境', count)}")
    assert seen > 10_000
    fragments = len(list((built_site / "data" / "search" / "f").iterdir()))
    assert fragments == -(-manifest["count"] // manifest["fragment_size"])


@needs_node
def test_python_and_javascript_put_a_token_in_the_same_shard(built_site):
    strings = _generated_strings(300) + ["=甬政办发〔2021〕79号", "=市人社局", "跨境", "qflp", "𠀀𠀁"]
    assert _node("shards", str(built_site), data=strings) == [search.shard_of(s, 1024) for s in strings]


def test_a_cold_search_loads_a_few_of_the_files(built_site):
    shards = len(list((built_site / "data" / "search" / "t").iterdir()))
    fragments = len(list((built_site / "data" / "search" / "f").iterdir()))
    out = _node("search", str(built_site), data=[{"query": q} for q in ("跨境电商", "市人社局", "甬政办发〔2021〕79号")])
    for answer in out:
        loaded = answer["files"]
        assert loaded[0] == "index" and len(set(loaded)) == len(loaded)
        # a shard per token at most: the query's pairs, its exact name, its characters
        assert 1 <= sum(f.startswith("t/") for f in loaded) <= 16 < shards / 5
        assert 1 <= sum(f.startswith("f/") for f in loaded) <= 40 < fragments / 4
        assert "names" not in loaded   # "did you mean" only when nothing matches as written


@pytest.fixture(scope="module")
def answers(built_site):
    if NODE is None:
        pytest.skip("node is not installed")
    out = _node("search", str(built_site), data=[{"query": q["query"], "limit": 10} for q in QUERIES])
    return [answer["results"] for answer in out]


def _rank(results, expected):
    for n, result in enumerate(results, start=1):
        if result["url"].split("#")[0] == expected:
            return n
    return None


def test_quality_set_has_forty_queries_of_every_kind():
    assert len(QUERIES) >= 40


@pytest.mark.parametrize("n", range(len(QUERIES)), ids=[q["query"] for q in QUERIES])
def test_expected_results_are_ranked_high_enough(answers, n):
    query = QUERIES[n]
    for expected in query["expect"]:
        rank = _rank(answers[n], expected)
        assert rank is not None and rank <= query.get("top", 10), (query["query"], expected, answers[n][:5])


def test_recall_and_mrr_of_the_quality_set(answers):
    found = total = 0
    reciprocal = []
    for query, results in zip(QUERIES, answers):
        ranks = [_rank(results, e) for e in query["expect"]]
        found += sum(1 for r in ranks if r)
        total += len(ranks)
        first = min((r for r in ranks if r), default=None)
        reciprocal.append(1 / first if first else 0)
    recall, mrr = found / total, sum(reciprocal) / len(reciprocal)
    first_fifty = sum(reciprocal[:50]) / 50   # the set as it stood before the queries added since
    print(f"search quality: recall@10 {recall:.3f}, MRR {mrr:.3f} over {len(QUERIES)} queries "
          f"(first 50: {first_fifty:.3f})")
    assert recall >= 0.95 and mrr >= 0.92 and first_fifty >= 0.936


def test_our_lunr_builder_serialises_exactly_as_lunr_py(root):
    """explorer/lunrindex.py against lunr.py 0.8.0's Builder on the seed corpus."""
    from lunr.builder import Builder

    from explorer import site as pipeline
    site = pipeline.load(root)
    pipeline.resolve(site)
    items = search.entries(site)
    builder = Builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("r")
    for name, (short, boost) in search.FIELDS.items():
        builder.field(short, boost=boost, extractor=lambda entry, name=name: search.tokenize(entry[name]))
    for position, item in enumerate(items):
        builder.add({"r": str(position), **item._asdict()})
    reference = json.dumps(builder.build().serialize(), ensure_ascii=False, separators=(",", ":"))
    ours = json.dumps(whole_index(items), ensure_ascii=False, separators=(",", ":"))
    assert len(ours) > 100_000 and ours == reference


@needs_node
def test_an_article_number_opens_the_article(built_site):
    results = [a["results"] for a in _node("search", str(built_site), data=[{"query": "第八条"}, {"query": "第二十五条"}])]
    assert results[0][0]["url"] == "documents/zfl-260.html#article-8"
    assert results[1][0]["url"] == "documents/zfl-260.html#article-25"


@needs_node
def test_an_agency_alias_ranks_its_tasks_above_passing_mentions(built_site):
    tasks = json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))
    own = {t["url"] for t in tasks if "human-resources" in t["lead"] + t["support"] + t["guide"]}
    results = _node("search", str(built_site), data=[{"query": "市人社局", "limit": 60}])[0]["results"]
    urls = [r["url"] for r in results]
    assert urls[0] == "agencies/human-resources.html"
    first_other = next(i for i, u in enumerate(urls[1:], start=1) if u not in own)
    assert set(urls[1:first_other]) == own, "every task of the agency comes before any passing mention"
    assert len(own) >= 10


@needs_node
def test_a_typo_one_character_off_offers_the_name(built_site):
    hints = _node("suggest", str(built_site), data=["市人设局", "市发该委", "市人社局", "跨境电商", "esg"])
    assert hints == [["市人社局"], ["市发改委"], [], [], []]


@needs_node
def test_traditional_characters_find_the_simplified_text(built_site):
    pairs = [("跨境電商", "跨境电商"), ("離岸貿易", "离岸贸易"), ("當地", "当地"), ("市場監管局", "市场监管局")]
    queries = [{"query": q, "limit": 200} for pair in pairs for q in pair]
    results = [a["results"] for a in _node("search", str(built_site), data=queries)]
    for n, (traditional, simplified) in enumerate(pairs):
        assert results[2 * n] == results[2 * n + 1] and results[2 * n], traditional


@needs_node
def test_a_page_of_results_is_the_start_of_the_whole_ranking(built_site):
    """Candidates are checked against their text only until a page is settled: the first
    ten are the first ten of a search that checks (nearly) everything, in order."""
    queries = [q["query"] for q in QUERIES] + ["宁波", "服务业扩大开放", "发展 开放", "人社 商务", "宁波跨境"]
    pages = _node("search", str(built_site), data=[{"query": q, "limit": 10} for q in queries])
    wholes = _node("search", str(built_site), data=[{"query": q, "limit": 2000} for q in queries])
    for query, page, whole in zip(queries, pages, wholes):
        assert page["results"] == whole["results"][:10], query
        ranked = whole["results"]
        assert all((a["tier"], a["score"]) >= (b["tier"], b["score"]) for a, b in zip(ranked, ranked[1:])), query
        if whole["exact"]:
            assert whole["total"] == len(ranked), query


@needs_node
def test_sorted_by_date_the_results_are_the_matches_newest_first_with_their_date_number_and_status(built_site):
    """Sorting by date lists the entries that have every word, newest first (undated last);
    a page of them is the start of the whole list; each carries its document's date, 文号
    and status as data/documents.json gives them."""
    documents = {d["url"]: d for d in json.loads((built_site / "data" / "documents.json").read_text(encoding="utf-8"))}
    queries = ["跨境电商", "市商务局", "开放 金融", "甬政办发〔2021〕79号"]
    pages = _node("search", str(built_site), data=[{"query": q, "limit": 10, "sort": "date"} for q in queries])
    wholes = _node("search", str(built_site), data=[{"query": q, "limit": 5000, "sort": "date"} for q in queries])
    relevance = _node("search", str(built_site), data=[{"query": q, "limit": 5000} for q in queries])
    for query, page, whole, ranked in zip(queries, pages, wholes, relevance):
        results = whole["results"]
        assert page["results"] == results[:10] and whole["exact"] and whole["total"] == len(results), query
        dates = [r["date"] or "0" for r in results]
        assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1, query
        # the same entries as the relevance order's tiers of whole words and names
        assert {r["url"] for r in results} == {r["url"] for r in ranked["results"] if r["tier"] >= 2.5}, query
        for r in results:
            doc = documents.get(r["url"].split("#")[0])
            if r["kind"] == "d":
                assert r["date"] == (doc["date"] or doc.get("published") or ""), r
                assert r["status"] == (doc["status"]["name"] if doc["status"] else ""), r
                if "#" not in r["url"]:
                    assert r["number"] == (doc["doc_number"] or ""), r


@needs_node
def test_lunr_over_the_loaded_shards_scores_as_the_whole_index(built_site, root, tmp_path):
    """The page rebuilds lunr from the tokens a query loads; the whole lunr index of the
    same entries gives every entry the same score."""
    from explorer import site as pipeline
    site = pipeline.load(root)
    pipeline.resolve(site)
    whole = tmp_path / "whole-index.json"
    whole.write_text(json.dumps(whole_index(search.entries(site)), ensure_ascii=False), encoding="utf-8")
    queries = [q["query"] for q in QUERIES[:30]] + ["宁波", "市发改委 市商务局"]
    out = _node("fields", str(built_site), str(whole), data=queries)
    compared = 0
    for query, (partial, complete) in zip(queries, out):
        assert partial.keys() == complete.keys(), query
        for ref, score in complete.items():
            assert abs(partial[ref] - score) < 1e-9, (query, ref)
            compared += 1
    assert compared > 1000


@needs_node
def test_the_page_reads_the_postings_layout_from_the_index_and_refuses_another_format(built_site):
    manifest = {"format": search.INDEX_FORMAT, "postings": search.POSTINGS_LAYOUT, "fold": [], "layout": []}
    script = (f"const {{ loadSearch, newSandbox }} = require({json.dumps(str(ROOT / 'tests' / 'js' / 'page_scripts.js'))});\n"
              f"const s = loadSearch({json.dumps(str(built_site))}, newSandbox());\n"
              "const m = JSON.parse(process.argv[1]);\n"
              "s.open(async () => m).then((i) => {\n"
              "  console.log(JSON.stringify([i.manifest.text, i.manifest.heads]));\n"
              "  return s.open(async () => ({ ...m, format: m.format - 1 }));\n"
              "}).catch((e) => console.log(JSON.stringify(e.message)));\n")
    result = subprocess.run([NODE, "-e", script, json.dumps(manifest)], capture_output=True, text=True, timeout=30)
    text_at, message = result.stdout.splitlines()
    assert json.loads(text_at) == [len(search.FIELDS), len(search.FIELDS) + 1]
    assert json.loads(message) == (f"搜索索引的格式（{search.INDEX_FORMAT - 1}）与本页脚本（{search.INDEX_FORMAT}）"
                                   "不符：请重新构建网站")
