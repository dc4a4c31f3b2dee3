"""The importer's repairs, each on a small raw snippet."""
from explorer.tools.importer import md_escape, nodes_markdown
from explorer.tools.rawtext import (Box, Heading, Line, NodeBuilder, Paragraph, Report, Signature, Table,
                              parse_html_table)


def build(text: str, titles=()):
    report = Report()
    lines = [Line(n, t) for n, t in enumerate(text.split("\n"), start=1)]
    return NodeBuilder(report, set(titles)).build(lines), report


def test_paragraph_cut_by_a_page_break_is_rejoined():
    nodes, report = build("（二）深化项目招引与产业升级。学习借鉴先行试点省市服务\n\n业项目招引经验，编制招商目录。")
    assert nodes == [Paragraph(1, "（二）深化项目招引与产业升级。学习借鉴先行试点省市服务业项目招引经验，编制招商目录。")]
    assert report.counts["page breaks repaired"] == 1


def test_paragraph_ending_a_sentence_is_not_joined():
    nodes, _ = build("第一段写完了。\n\n第二段开始。")
    assert [n.text for n in nodes] == ["第一段写完了。", "第二段开始。"]


def test_a_cut_before_a_heading_is_not_joined():
    nodes, _ = build("这是一段很长的正文但在这里被截断了没有标点\n\n二、主要任务")
    assert isinstance(nodes[1], Heading) and nodes[1].text == "二、主要任务"


def test_lead_and_support_clause_printed_on_the_next_page_rejoins_its_paragraph():
    nodes, _ = build("（五）加快建设保障性租赁住房。在确保安全的前提下实施。\n\n（牵头单位：市住建局；配合单位：市自然资源规划局）")
    assert len(nodes) == 1 and nodes[0].text.endswith("实施。（牵头单位：市住建局；配合单位：市自然资源规划局）")


def test_table_header_repeated_after_a_page_break_is_dropped():
    text = "序号\t任务内容\t牵头单位\n1\t任务一。\t市商务局\n\n序号\t任务内容\t牵头单位\n2\t任务二。\t市发改委"
    nodes, report = build(text)
    assert nodes == [Table(1, ["序号", "任务内容", "牵头单位"], [["1", "任务一。", "市商务局"], ["2", "任务二。", "市发改委"]])]
    assert report.counts["repeated table headers dropped"] == 1


def test_domain_row_in_any_column_becomes_a_full_width_first_column_row():
    text = "序号\t任务内容\t适用范围\n\t三、推进金融领域国际合作\t\n33\t支持商业保理。\t"
    nodes, _ = build(text)
    assert nodes[0].rows == [["三、推进金融领域国际合作", "", ""], ["33", "支持商业保理。", ""]]


def test_bold_html_fragment_row_is_converted_without_tags():
    text = "序号\t任务内容\t适用范围\n<b>一、支持电信服务</b>\t\t\n1\t取消限制。\t*"
    nodes, report = build(text)
    assert nodes[0].rows[0][0] == "一、支持电信服务"
    assert "<b>" not in nodes_markdown(nodes)
    assert report.counts["HTML fragments converted"] == 1


def test_stray_spaces_in_table_cells_are_removed():
    nodes, _ = build("序号\t牵头单位\n5\t宁波经济技术开发区 管委会")
    assert nodes[0].rows == [["5", "宁波经济技术开发区管委会"]]


def test_paragraph_fragments_become_separate_paragraphs_inside_a_box():
    text = "专栏2-1：教育基本公共服务主要项目\n<p>1.普惠性学前教育幼儿资助。减免保育费。</p> <p>2.义务教育服务。免费提供教科书。</p>\n\n四、打造现代化教育体系"
    nodes, _ = build(text)
    box = nodes[0]
    assert isinstance(box, Box) and box.title == "专栏2-1：教育基本公共服务主要项目"
    assert [c.text for c in box.children] == ["1.普惠性学前教育幼儿资助。减免保育费。", "2.义务教育服务。免费提供教科书。"]
    assert isinstance(nodes[1], Heading)


def test_html_table_with_rowspan_keeps_its_grid():
    header, rows = parse_html_table(
        '<table><thead><tr><th data-bbox="1 2">领域</th><th>名称</th></tr></thead>'
        '<tbody><tr><td rowspan="2">零部件</td><td>机器人小镇</td></tr><tr><td>灵峰产业园</td></tr></tbody></table>')
    assert header == ["领域", "名称"]
    assert rows == [["零部件", "机器人小镇"], ["", "灵峰产业园"]]


def test_heading_levels_of_official_documents():
    nodes, _ = build("一、总体要求\n\n（一）指导思想\n\n1.加快构建开放大通道\n\n第一条 为了规范管理，制定本规定。")
    assert [(type(n).__name__, getattr(n, "level", None)) for n in nodes] == [
        ("Heading", 2), ("Heading", 3), ("Heading", 4), ("Paragraph", None)]


def test_numbered_paragraph_with_a_sentence_stays_a_paragraph():
    nodes, _ = build("1.商贸流通规模持续扩大。2020年，全市社会消费品零售总额实现4238.3亿元。")
    assert isinstance(nodes[0], Paragraph)


def test_issuer_and_date_lines_become_a_signature():
    nodes, _ = build("现予印发。\n\n宁波市发展和改革委员会\n\n宁波市商务局\n\n2021年6月9日")
    assert nodes[-1] == Signature(3, ["宁波市发展和改革委员会", "宁波市商务局", "2021年6月9日"])


def test_a_known_instrument_title_printed_again_is_a_heading():
    nodes, _ = build("宁波市商务发展“十四五”规划\n\n正文开始。", titles={"宁波市商务发展“十四五”规划"})
    assert nodes[0] == Heading(1, 2, "宁波市商务发展“十四五”规划")


def test_markdown_escaping_keeps_text_literal():
    assert md_escape("2. 完善商贸") == "2\\. 完善商贸"
    assert md_escape("每千人床位数（张）*") == "每千人床位数（张）\\*"
    assert md_escape("[130]") == "\\[130\\]"
    assert md_escape("<script>") == "\\<script\\>"
