"""The small fixture site builds to exactly the committed golden output (`make golden`)."""
from .golden import GOLDEN, build_small, compared_files


def test_small_site_matches_its_golden_output(tmp_path):
    built = compared_files(build_small(tmp_path / "site"))
    golden = compared_files(GOLDEN)
    assert sorted(built) == sorted(golden)
    for name in golden:
        assert built[name].decode() == golden[name].decode(), f"{name} differs; run `make golden` if intended"


def test_small_site_anchors_and_links(tmp_path):
    page = (build_small(tmp_path / "site") / "documents" / "yzf-2021-90.html").read_text(encoding="utf-8")
    assert 'href="yzf-2021-91.html#row-2"' in page
    assert '<p id="article-1" class="article"><a href="#article-1" class="permalink-lead">第一条</a>' in page
    assert '<aside class="box" id="box-1" aria-labelledby="box-1-title">' in page
