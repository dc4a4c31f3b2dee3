"""The importer's rules for what real documents do that the seeds do not: each on a
few lines written for it, read as `build.py add` reads them."""
from __future__ import annotations

from pathlib import Path

import pytest

from explorer import cjk
from explorer.tools.forms import read_document
from explorer.tools.importer import Catalogue, draft_markdown, import_source
from explorer.tools.taskfiles import clause_tasks, split_agencies

from .conftest import ROOT


def _imported(tmp_path: Path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    drafts = import_source(path, Catalogue.load(ROOT / "data")).drafts
    assert len(drafts) == 1
    _, front, body = draft_markdown(drafts[0]).split("---\n", 2)
    return {**drafts[0].meta, "front matter": front}, body


def test_a_joint_masthead_over_two_lines_is_the_masthead_not_the_title(tmp_path):
    meta, _ = _imported(tmp_path, "发展改革委办公厅\n税务总局办公厅  文件\n\n发改办财金〔2027〕88号\n\n"
                                  "国家发展改革委办公厅 国家税务总局办公厅关于做好信用修复协同工作的通知\n\n"
                                  "各省、自治区、直辖市发展改革委：\n\n现将有关事项通知如下。\n")
    assert meta["masthead"] == "发展改革委办公厅 税务总局办公厅文件"
    assert meta["title"] == "国家发展改革委办公厅 国家税务总局办公厅关于做好信用修复协同工作的通知"
    assert meta["doc_number"] == "发改办财金〔2027〕88号"


def test_a_members_list_keeps_its_full_width_spaces_and_its_lines(tmp_path):
    _, body = _imported(tmp_path, "宁波市人民政府办公厅关于成立宁波市数据工作领导小组的通知\n\n"
                                  "甬政办发〔2027〕40号\n\n各区（县、市）人民政府：\n\n经市政府同意，成立领导小组，组成人员如下：\n\n"
                                  "组　长：张三　市政府副市长\n副组长：李四　市政府副秘书长\n"
                                  "成　员：王五　市大数据局局长\n")
    assert "组　长：张三　市政府副市长\n\n副组长：李四　市政府副秘书长\n\n成　员：王五　市大数据局局长" in body


def test_a_body_indented_with_tabs_is_text_and_its_clauses_are_found(tmp_path):
    _, body = _imported(tmp_path, "宁波市商务局关于推进夜间经济发展的通知\n\n甬商务〔2027〕12号\n\n各区（县、市）商务局：\n\n"
                                  "\t一、打造夜间消费地标。建设一批夜间经济集聚区。（牵头单位：市商务局；配合单位：市文化广电旅游局）\n"
                                  "\t二、丰富夜间消费业态。发展夜食、夜购、夜游。（牵头单位：市文化广电旅游局）\n")
    assert "|" not in body
    assert [t.lead for t in clause_tasks(body)] == [["市商务局"], ["市文化广电旅游局"]]


@pytest.mark.parametrize("cell, names", [
    ("市商务局、各区、县级市", ["市商务局", "各区、县级市"]),
    ("各区（县、市）人民政府、市财政局", ["各区（县、市）人民政府", "市财政局"]),
    ("各镇人民政府、街道办事处", ["各镇人民政府、街道办事处"]),
    ("市民政局、区县（市）政府", ["市民政局", "区县（市）政府"]),
])
def test_a_group_of_local_governments_stays_one_party(cell, names):
    assert split_agencies(cell) == names


def test_the_comma_form_of_a_clause_keeps_lead_and_support_apart():
    [task] = clause_tasks("（一）建设试点。（牵头单位：市商务局，配合单位：市财政局、市发展改革委，各区、县级市）")
    assert (task.lead, task.support) == (["市商务局"], ["市财政局", "市发展改革委", "各区、县级市"])


def test_guide_only_clauses_take_the_lead_the_document_states_once():
    body = "以下各项工作均由各区（县、市）人民政府负责落实，不再列出。\n\n" + "\n\n".join(
        f"（{n}）第{n}项工作。（市商务局、市发展改革委指导）" for n in "一二三")
    tasks = clause_tasks(body)
    assert [(t.lead, t.guide) for t in tasks] == [(["各区（县、市）人民政府"], ["市商务局", "市发展改革委"])] * 3


@pytest.mark.parametrize("spelling", ["市商\ufeff务局", "市商\u200b务局", "市商\u0301务局", "市商务局\u00ad"])
def test_invisible_characters_do_not_make_another_agency(tmp_path, spelling):
    assert cjk.name_key(spelling) == cjk.name_key("市商务局")
    _, body = _imported(tmp_path, f"宁波市商务局关于示例的通知\n\n甬商务〔2027〕2号\n\n"
                                  f"一、做好示例工作。（牵头单位：{spelling}）\n")
    assert [t.lead for t in clause_tasks(body)] == [["市商务局"]]
    gb = read_document(f"宁波市商务局关于示例的通知\n（牵头单位：{spelling}）\n".encode("gb18030", "ignore"), "a.txt")
    assert "（牵头单位：市商务局）" in gb.text


def test_an_order_over_two_lines_gives_number_and_issuer_and_its_title_from_the_text(tmp_path):
    meta, body = _imported(tmp_path, "宁波市人民政府令\n第18号\n\n《宁波市养犬管理办法》已经2027年5月6日市人民政府第22次常务会议"
                                     "审议通过，现予公布，自2027年7月1日起施行。\n\n市长　王明\n2027年5月12日\n\n"
                                     "宁波市养犬管理办法\n\n第一条　为了规范养犬行为，制定本办法。\n")
    assert (meta["title"], meta["doc_number"], meta["issuer"], meta["type"]) == (
        "宁波市养犬管理办法", "宁波市人民政府令第18号", "宁波市人民政府", "规章")
    assert meta["date"] == "2027-05-12" and "effective: '2027-07-01'" in meta["front matter"]


def test_metadata_lines_at_the_top_are_metadata_not_body(tmp_path):
    meta, body = _imported(tmp_path, "索引号：11330200/2027-00001\n主题分类：商贸、海关、旅游\n发文机关：宁波市商务局\n"
                                     "成文日期：2027-03-02\n标题：宁波市商务局关于示例工作的通知\n发文字号：甬商务[2027]5号\n"
                                     "发布日期：2027.03.06\n\n宁波市商务局关于示例工作的通知\n\n各区（县、市）商务局：\n\n"
                                     "现将有关事项通知如下。\n")
    assert {k: meta[k] for k in ("title", "doc_number", "issuer", "date", "published", "topic", "index_number")} == {
        "title": "宁波市商务局关于示例工作的通知", "doc_number": "甬商务〔2027〕5号", "issuer": "宁波市商务局",
        "date": "2027-03-02", "published": "2027-03-06", "topic": "商贸、海关、旅游", "index_number": "11330200/2027-00001"}
    assert "索引号" not in body and "主题分类" not in body


FORMS = ROOT / "tests" / "fixtures" / "forms"


def test_a_page_that_declares_another_charset_than_it_is_reads_as_it_is():
    page = (FORMS / "01-gov-page-metadata.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gb2312"')
    extracted = read_document(page.encode("utf-8"), "page.html")
    assert extracted.encoding == "UTF-8 (declared gb2312)"
    assert "标题：宁波市人民政府办公厅关于推进社区嵌入式服务设施建设的通知" in extracted.text


def test_a_page_saved_as_one_file_is_read_from_its_html_part():
    import base64
    from email.mime.multipart import MIMEMultipart
    from email.mime.base import MIMEBase
    page = (FORMS / "02-word-export-gb2312.htm").read_bytes()
    message = MIMEMultipart("related")
    part = MIMEBase("text", "html", charset="gb2312")
    part.set_payload(base64.encodebytes(page).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    message.attach(part)
    extracted = read_document(message.as_bytes(), "page.mhtml")
    assert (extracted.form, extracted.encoding) == ("网页 (MHTML)", "gb2312 (MHTML)")
    assert "## 宁波市商务局文件\n## 甬商务〔2027〕18号\n" in extracted.text


@pytest.mark.parametrize("data, encoding", [
    ("宁波市商务局关于示例的通知\n\n正文。\n".encode("utf-8-sig"), "UTF-8 with BOM"),
    ("宁波市商务局关于示例的通知\n\n正文。\n".encode("utf-16-le"), "UTF-16LE (no BOM)"),
    ("宁波市商务局关于示例的通知\n\n各区县（市）商务局：现将有关事项通知如下，请遵照执行。\n".encode("gb18030"), "GB18030"),
    ("寧波市商務局關於辦理示例事項的通知\n\n各區縣（市）商務局：現將有關事項通知如下，請遵照執行。\n".encode("big5"), "Big5"),
])
def test_a_text_is_read_in_the_encoding_it_was_saved_in(data, encoding):
    extracted = read_document(data, "a.txt")
    assert extracted.encoding == encoding
    assert extracted.text.startswith(("宁波市商务局关于", "寧波市商務局關於"))
    # the file itself is kept beside the text read from it; UTF-8 is the text itself
    assert extracted.original == (encoding != "UTF-8 with BOM")


def test_a_page_of_divs_and_line_breaks_indented_with_em_spaces_reads_as_paragraphs():
    page = ("<html><head><meta charset='utf-8'><title>通知</title></head><body><div class='nav'><a href='/'>首页</a></div>"
            "<div class='TRS_Editor'><div style='text-align:center'>宁波市人民政府办公厅关于做好示例工作的通知</div>"
            "<div>各区（县、市）人民政府：<br>&emsp;&emsp;为做好示例工作，现将有关事项通知如下。<br>"
            "&emsp;&emsp;一、加强组织领导。各地要建立工作机制。（牵头单位：市商务局）<br></div>"
            "<div style='text-align:right'>宁波市人民政府办公厅<br>2027年8月1日</div></div></body></html>")
    lines = read_document(page.encode(), "page.html").text.splitlines()
    assert lines == ["## 宁波市人民政府办公厅关于做好示例工作的通知", "各区（县、市）人民政府：",
                     "为做好示例工作，现将有关事项通知如下。", "一、加强组织领导。各地要建立工作机制。（牵头单位：市商务局）",
                     "宁波市人民政府办公厅", "2027年8月1日"]


def test_a_pdf_of_a_table_alone_is_its_rows(tmp_path):
    from . import formfixtures
    path = tmp_path / "table.pdf"
    formfixtures.make_pdf([("table", [["序号", "任务内容", "牵头单位"], ["1", "建设一批示范项目。", "市商务局"]])], path)
    assert read_document(path.read_bytes(), "table.pdf").text.split("\n") == [
        "", "序号\t任务内容\t牵头单位", "1\t建设一批示范项目。\t市商务局", "", ""]


def test_a_clause_that_names_its_city_leader_first_gives_the_leader_and_the_roles():
    body = ("## 三、主要任务\n\n### （一）实施示例攻关工程\n\n"
            "1. 加强示例攻关。到2025年完成示例。（牵头领导：张三；牵头单位：市科技局；配合单位：市发改委、市经信局）\n\n"
            "2. 提升示例能力。（牵头单位：市经信局）\n")
    first, second = clause_tasks(body)
    assert (first.leader, first.lead, first.support) == ("张三", ["市科技局"], ["市发改委", "市经信局"])
    assert first.domain == "（一）实施示例攻关工程" and first.text.startswith("1. 加强示例攻关。")
    assert (second.leader, second.lead) == (None, ["市经信局"])
