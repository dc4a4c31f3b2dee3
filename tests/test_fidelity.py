"""Every sentence of every source is on the site, and the site adds no text of its own
inside the documents."""
import re

from explorer import cjk

from .sitetext import CJK_RUN, documents, page_text

WINDOW = 12
# Page furniture the site does not repeat: table headers printed again after page
# breaks, and the rule lines of the extracted contents page.
FURNITURE = re.compile(r"^(序号\t任务内容\t.*|专栏名称\t主要内容|-+\t-+)$", re.M)


def _site_text(site):
    return cjk.squeeze("\n".join(page_text(site / d["url"]) for d in documents(site)))


def _windows(text: str):
    for run in CJK_RUN.findall(text):
        for i in range(len(run) - WINDOW + 1):
            yield run[i:i + WINDOW]


def test_at_least_99_5_percent_of_source_text_is_on_the_document_pages(built_site, root):
    site_text = _site_text(built_site)
    grams = {site_text[i:i + WINDOW] for i in range(len(site_text) - WINDOW + 1)}
    total = found = 0
    missing = []
    for path in sorted((root / "content" / "sources").glob("*.txt")):
        source = cjk.squeeze(FURNITURE.sub("", path.read_text(encoding="utf-8")))
        for window in _windows(source):
            total += 1
            if window in grams:
                found += 1
            else:
                missing.append(window)
    share = found / total
    print(f"fidelity: {found}/{total} = {share:.4%} of 12-character windows")
    assert share >= 0.995, missing[:20]


def test_document_bodies_contain_only_source_text(built_site, root):
    """Each run of Chinese text inside a document body occurs in the sources."""
    # Markdown bold marks (**) in the sources are markup, not text
    sources = cjk.squeeze("".join(p.read_text(encoding="utf-8").replace("**", "")
                                  for p in (root / "content" / "sources").glob("*.txt")))
    invented = []
    for doc in documents(built_site):
        for node in page_text(built_site / doc["url"], only_class="doc-body").split("\n"):
            for run in CJK_RUN.findall(cjk.squeeze(node)):
                if len(run) >= 4 and run not in sources:
                    invented.append((doc["id"], run))
    assert invented == []


def test_no_raw_html_fragments_reach_the_pages(built_site):
    for doc in documents(built_site):
        text = page_text(built_site / doc["url"])
        assert not re.search(r"</?(b|p|table|td|tr|th)\b|data-bbox", text), doc["id"]
