"""The PDF and Word fixture documents, typeset here from their text so that what a
reader must find in them is known line by line (tests/fixtures/forms/ holds the forms
that are text: web pages, GB18030 and UTF-16 texts, a law-database export, Markdown).

The PDFs are laid out as GB/T 9704 lays out an official document: a red masthead, the
文号 under it, a title in a larger size over one or two lines, 16 pt body lines of 28
characters with a first-line indent of two, page numbers —1— at the foot, a right-
aligned signature; tables are drawn with ruling lines, their head printed again on each
page. They use Adobe's CJK font built into reportlab (no font file), and are written
with reportlab's invariant mode, so the same text gives the same bytes.

  python -m tests.formfixtures DIR   writes every one into DIR, to try `build.py add` on
"""
from __future__ import annotations

import sys
from pathlib import Path

# --- the documents --------------------------------------------------------------------
# (style, text): masthead, number, title, centred, para (indented), flush, right, table

RED_HEADER_NOTICE = [
    ("masthead", "宁波市人民政府文件"),
    ("number", "甬政发〔2027〕8号"),
    ("title", "宁波市人民政府关于加快发展银发经济"),
    ("title", "增进老年人福祉的实施意见"),
    ("flush", "各区（县、市）人民政府，市直及部省属驻甬各单位："),
    ("para", "为积极应对人口老龄化，培育银发经济新业态，满足老年人多层次多样化需求，根据国家和省有关部署，结合我市实际，提出如下实施意见。"),
    ("para", "一、总体要求"),
    ("para", "以满足老年人需求、提升老年人生活品质为导向，坚持政府引导与市场主导相结合，到2029年，银发经济规模明显扩大，形成一批具有竞争力的企业和品牌，老年用品和服务供给更加丰富，老年人获得感、幸福感、安全感持续增强。"),
    ("para", "二、重点任务"),
    ("para", "（一）扩大老年助餐服务。完善城乡老年助餐服务网络，推动助餐点向农村和老旧小区延伸，鼓励餐饮企业、物业服务企业参与老年助餐，探索“中央厨房+配送”模式。（牵头单位：市民政局，配合单位：市商务局、市市场监管局，各区、县级市）"),
    ("para", "（二）发展智慧健康养老。推广智能监测、紧急呼叫等适老化智能产品，建设一批智慧健康养老应用试点示范社区和企业，推动互联网医院为老年人提供在线问诊服务。（牵头单位：市经信局，配合单位：市卫生健康委、市民政局）"),
    ("para", "（三）培育老年文旅消费。开发适合老年人的旅游线路和产品，支持旅行社开设老年旅游专线，鼓励景区对老年人实行门票优惠。（牵头单位：市文化广电旅游局；配合单位：市交通局）"),
    ("para", "三、保障措施"),
    ("para", "各地各部门要加强统筹协调，将银发经济发展纳入重要议事日程，落实财政、金融、用地等支持政策，定期开展督促检查，确保各项任务落到实处。"),
    ("right", "宁波市人民政府"),
    ("right", "2027年3月18日"),
    ("flush", "（此件公开发布）"),
]

TABLE_NOTICE = [
    ("masthead", "鄞州区人民政府办公室文件"),
    ("number", "鄞政办发〔2027〕5号"),
    ("title", "鄞州区人民政府办公室关于印发鄞州区数字经济重点任务清单的通知"),
    ("flush", "各镇人民政府、街道办事处，区政府各部门、各直属单位："),
    ("para", "《鄞州区数字经济重点任务清单》已经区政府同意，现印发给你们，请结合实际认真组织实施。各牵头单位要细化工作举措，每半年报送一次工作进展。"),
    ("right", "鄞州区人民政府办公室"),
    ("right", "2027年2月26日"),
    ("centred", "鄞州区数字经济重点任务清单"),
    ("table", [
        ["序号", "任务内容", "牵头单位", "配合单位"],
        ["1", "实施规上工业企业数字化改造全覆盖行动，每年完成改造项目100个以上。", "区经信局", "区科技局、区财政局"],
        ["2", "建设工业互联网平台，推动重点行业企业上云用平台。", "区经信局", "区大数据局"],
        ["3", "培育软件和信息服务业，引进一批数字经济领军企业。", "区商务局", "区经信局、区人力社保局"],
        ["4", "推进5G基站和千兆光网建设，实现城镇和重点产业园区全覆盖。", "区经信局", "区住建局、区综合执法局"],
        ["5", "建设数字经济产业园，完善孵化、融资、人才等公共服务。", "区科技局", "区自然资源规划分局"],
        ["6", "发展直播电商，培育本地直播电商基地和服务机构。", "区商务局", "区市场监管局"],
        ["7", "打造数字生活新服务样板街区，推动商圈数字化改造。", "区商务局", "区文化旅游局"],
        ["8", "建设城市大脑区级平台，推进政务数据共享开放。", "区大数据局", "区政府各部门"],
        ["9", "开展数字技能培训，每年培训数字化人才2000人次。", "区人力社保局", "区教育局"],
        ["10", "完善数字经济统计监测，按季度发布发展指数。", "区统计局", "区经信局"],
    ]),
]

REGULATION = [
    ("masthead", "宁波市人民政府令"),
    ("centred", "第17号"),
    ("para", "《宁波市公共数据安全管理办法》已经2027年4月2日市人民政府第20次常务会议审议通过，现予公布，自2027年6月1日起施行。"),
    ("right", "市长　王明"),
    ("right", "2027年4月10日"),
    ("title", "宁波市公共数据安全管理办法"),
    ("centred", "第一章　总则"),
    ("para", "第一条　为了加强公共数据安全管理，保障公共数据安全，促进公共数据依法有序流动，根据《中华人民共和国数据安全法》等法律、法规，结合本市实际，制定本办法。"),
    ("para", "第二条　本市行政区域内公共数据的收集、存储、使用、加工、传输、提供、开放和销毁等活动中的安全管理，适用本办法。"),
    ("para", "第三条　公共数据安全管理坚持统筹协调、分类分级、权责统一的原则，保障公共数据全生命周期安全。"),
    ("centred", "第二章　安全责任"),
    ("para", "第四条　市大数据发展管理部门负责统筹协调全市公共数据安全管理工作，建立健全公共数据安全管理制度。"),
    ("para", "第五条　公共管理和服务机构是本单位公共数据安全的责任主体，其主要负责人是本单位公共数据安全第一责任人。"),
    ("para", "第六条　公共管理和服务机构应当履行下列公共数据安全保护义务：（一）建立本单位公共数据安全管理制度；（二）开展公共数据分类分级；（三）定期开展安全风险评估；（四）制定安全事件应急预案并定期演练。"),
    ("centred", "第三章　附则"),
    ("para", "第七条　本办法自2027年6月1日起施行。"),
]

WORD_NOTICE = [
    ("masthead", "宁波市经济和信息化局文件"),
    ("number", "甬经信〔2027〕27号"),
    ("title", "宁波市经济和信息化局关于开展2027年度"),
    ("title", "专精特新中小企业培育工作的通知"),
    ("flush", "各区（县、市）经信局，各有关企业："),
    ("para", "为深入实施中小企业梯度培育工程，推动中小企业走专业化、精细化、特色化、新颖化发展之路，现就做好2027年度专精特新中小企业培育工作通知如下。"),
    ("numbered1", "培育对象"),
    ("para", "在本市注册、具有独立法人资格、从事特定细分市场时间达到2年以上的中小企业，研发投入和主营业务收入符合认定条件。"),
    ("numbered1", "工作安排"),
    ("numbered2", "企业申报。符合条件的企业于2027年5月31日前通过培育库系统提交申报材料。（市经信局牵头，市科技局配合）"),
    ("numbered2", "审核推荐。各区（县、市）经信局对申报材料进行初审，并于6月20日前将推荐名单报送市经信局。"),
    ("table", [
        ["类别", "支持方式", "资金来源"],
        ["国家级专精特新“小巨人”", "一次性奖励50万元", "市级财政"],
        ["省级专精特新中小企业", "一次性奖励20万元", "区（县、市）财政"],
    ]),
    ("numbered1", "有关要求"),
    ("para", "各地要加强政策宣传和申报指导，确保申报材料真实有效。对弄虚作假的企业，取消其三年内申报资格。"),
    ("right", "宁波市经济和信息化局\n2027年4月15日"),
]

WORD_JOINT = [
    ("masthead", "宁波市发展和改革委员会"),
    ("masthead", "宁波市商务局　　文件"),
    ("number", "甬发改〔2027〕41号"),
    ("title", "宁波市发展和改革委员会 宁波市商务局关于推进县域商业体系建设的通知"),
    ("flush", "各区（县、市）发改局、商务局："),
    ("para", "为完善县域商业网络，促进城乡消费融合发展，市发展改革委、市商务局决定联合推进县域商业体系建设。以下各项任务均由各区（县、市）人民政府负责落实，不再列出。"),
    ("para", "（一）完善县域商业网点。改造提升一批县城综合商贸服务中心和乡镇商贸中心，补齐农村商业设施短板。（市商务局、市发展改革委指导）"),
    ("para", "（二）发展农村物流共同配送。整合邮政、快递、供销等物流资源，建设县级物流配送中心和村级寄递物流综合服务站。（市交通局、市邮政管理局指导）"),
    ("para", "（三）培育农村新型商业主体。引导大型流通企业向农村延伸网络，培育一批乡村连锁便利店。（市商务局指导）"),
    ("para", "为加强工作协调，成立县域商业体系建设工作专班，成员如下："),
    ("flush", "组　长：李华　市发展改革委副主任"),
    ("flush", "副组长：赵强　市商务局副局长"),
    ("flush", "成　员：钱芳　市交通局二级调研员"),
    ("right", "宁波市发展和改革委员会　　宁波市商务局"),
    ("right", "2027年5月6日"),
]

# Written as .docx by make_docx, then turned into 13-libreoffice-export.pdf (committed) by
# LibreOffice, another producer than reportlab: real embedded fonts, justified lines,
# Word's numbering in a hanging indent, room set between Chinese characters and digits.
EXPORTED_PLAN = [
    ("masthead", "宁波市商务局文件"),
    ("number", "甬商务〔2027〕46号"),
    ("title", "宁波市商务局关于印发2027年宁波市促进会展业"),
    ("title", "发展工作要点的通知"),
    ("flush", "各区（县、市）商务主管部门，有关会展企业："),
    ("para", "为进一步做大做强会展经济，发挥会展业对稳外贸、扩内需的带动作用，我局制定了2027年宁波市促进会展业发展工作要点，现印发给你们，请结合实际认真抓好落实。各地要把会展业发展摆在突出位置，细化工作举措，每季度末向市商务局报送工作进展情况。"),
    ("numbered1", "培育品牌展会"),
    ("numbered2", "提升重点展会能级。支持中国（宁波）国际消费品博览会、中国国际日用消费品博览会等重点展会扩大规模、提升国际化水平，力争全年境外采购商数量增长百分之十五以上。（牵头单位：市商务局，配合单位：市贸促会、市财政局）"),
    ("numbered2", "引进专业展会项目。围绕我市重点产业链，引进一批国内外知名专业展会，对首次落户我市的展会项目按规定给予扶持。（牵头单位：市商务局；配合单位：各区、县级市）"),
    ("numbered1", "优化会展服务"),
    ("numbered2", "完善场馆配套设施。推进国际会议展览中心改造提升，完善周边交通、餐饮、住宿等配套服务，提高场馆使用效率和服务水平。（牵头单位：宁波国际会议展览中心，配合单位：市交通局）"),
    ("table", [
        ["季度", "重点展会", "责任单位"],
        ["第二季度", "中国（宁波）国际消费品博览会", "市商务局"],
        ["第三季度", "中国国际日用消费品博览会", "市贸促会"],
    ]),
    ("right", "宁波市商务局\n2027年3月30日"),
]

PDFS = {"08-red-header-notice.pdf": RED_HEADER_NOTICE, "09-pdf-with-table.pdf": TABLE_NOTICE,
        "10-regulation-chapters.pdf": REGULATION}
DOCXS = {"11-word-notice.docx": WORD_NOTICE, "12-word-joint-notice.docx": WORD_JOINT}


def text_lines(spec) -> list[str]:
    """What the document says, a line a paragraph (a table a line a row; a numbered
    paragraph with the number Word shows), for the check that its text is on its page."""
    counters = [0, 0]
    lines = []
    for style, text in spec:
        if style == "table":
            lines.extend("".join(row) for row in text)
            continue
        if style.startswith("numbered"):
            level = int(style[-1]) - 1
            counters[level] += 1
            counters[level + 1:] = [0] * (len(counters) - level - 1)
            label = "一二三四五六七八九十"[counters[level] - 1]
            text = f"{label}、{text}" if level == 0 else f"（{label}）{text}"
        lines.extend(text.split("\n"))
    return lines


# --- PDF ------------------------------------------------------------------------------

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.28, 841.89
LEFT, RIGHT, TOP, BOTTOM = 79.0, 595.28 - 74.0, 841.89 - 72.0, 90.0
BODY = 16.0
LEADING = 28.9


class _Typesetter:
    def __init__(self, path: Path, page_numbers: str, running_head: str | None):
        from reportlab import rl_config
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas
        rl_config.invariant = 1
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self.width = lambda text, size: pdfmetrics.stringWidth(text, FONT, size)
        self.canvas = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
        self.page, self.y = 1, TOP
        self.page_numbers, self.running_head = page_numbers, running_head
        self.table_head = None

    def _finish_page(self) -> None:
        c = self.canvas
        c.setFillColorRGB(0, 0, 0)
        c.setFont(FONT, 14)
        c.drawCentredString(PAGE_W / 2, 50, self.page_numbers.format(n=self.page))
        if self.running_head and self.page > 1:
            c.setFont(FONT, 10.5)
            c.drawCentredString(PAGE_W / 2, PAGE_H - 40, self.running_head)
        c.showPage()
        self.page += 1
        self.y = TOP

    def _need(self, height: float) -> bool:
        """Room for height more on this page, else a new page (True)."""
        if self.y - height < BOTTOM:
            self._finish_page()
            return True
        return False

    def line(self, text: str, size: float = BODY, x: float | None = None, align: str = "left",
             red: bool = False, leading: float = LEADING) -> None:
        self._need(leading)
        c = self.canvas
        c.setFont(FONT, size)
        c.setFillColorRGB(0.85, 0.1, 0.1) if red else c.setFillColorRGB(0, 0, 0)
        self.y -= leading
        if align == "center":
            c.drawCentredString(PAGE_W / 2, self.y, text)
        elif align == "right":
            c.drawRightString(RIGHT - 2 * BODY, self.y, text)
        else:
            c.drawString(LEFT if x is None else x, self.y, text)

    def wrap(self, text: str, width: float, size: float = BODY, first_indent: float = 0.0) -> list[str]:
        lines, current, room = [], "", width - first_indent
        for ch in text:
            if self.width(current + ch, size) > room:
                lines.append(current)
                current, room = "", width
            current += ch
        return lines + ([current] if current else [])

    def paragraph(self, text: str, indent: bool = True) -> None:
        first = 2 * BODY if indent else 0.0
        for n, piece in enumerate(self.wrap(text, RIGHT - LEFT, first_indent=first)):
            self.line(piece, x=LEFT + (first if n == 0 else 0))

    def table(self, rows: list[list[str]]) -> None:
        widths = _column_widths(rows, RIGHT - LEFT)
        self.table_head = rows[0]
        self._row(rows[0], widths, head=True)
        for row in rows[1:]:
            self._row(row, widths)
        self.table_head = None

    def _row(self, row: list[str], widths: list[float], head: bool = False) -> None:
        size, leading = 12.0, 18.0
        cells = [self.wrap(text, w - 8, size) for text, w in zip(row, widths)]
        height = max(len(c) for c in cells) * leading + 8
        if self._need(height) and not head and self.table_head:
            self._row(self.table_head, widths, head=True)   # the head again on the new page
        c = self.canvas
        c.setFillColorRGB(0, 0, 0)
        c.setFont(FONT, size)
        x = LEFT
        top = self.y
        for lines, w in zip(cells, widths):
            c.rect(x, top - height, w, height, stroke=1, fill=0)
            for n, piece in enumerate(lines):
                c.drawString(x + 4, top - 4 - (n + 1) * leading + 4, piece)
            x += w
        self.y = top - height

    def save(self) -> None:
        self._finish_page()
        self.canvas.save()


def _column_widths(rows, total: float) -> list[float]:
    longest = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    shares = [max(n, 3) ** 0.8 for n in longest]
    return [total * s / sum(shares) for s in shares]


def make_pdf(spec, path: Path, page_numbers: str = "—{n}—", running_head: str | None = None) -> None:
    ts = _Typesetter(path, page_numbers, running_head)
    for style, text in spec:
        if style == "masthead":
            ts.line(text, size=30, align="center", red=True, leading=48)
        elif style == "number":
            ts.line(text, align="center", leading=40)
        elif style == "title":
            ts.line(text, size=22, align="center", leading=36)
        elif style == "centred":
            ts.line(text, align="center", leading=36)
        elif style == "right":
            for piece in text.split("\n"):
                ts.line(piece, align="right")
        elif style == "table":
            ts.table(text)
        else:
            ts.paragraph(text, indent=style == "para")
    ts.save()


def make_scanned_pdf(path: Path) -> None:
    """A page that is one image and no text, as a scanner writes it."""
    from PIL import Image
    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    rl_config.invariant = 1
    image = Image.new("L", (200, 280), 255)
    for x in range(20, 180):
        for y in range(40, 44):
            image.putpixel((x, y), 0)
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    c.drawImage(ImageReader(image), 0, 0, PAGE_W, PAGE_H)
    c.showPage()
    c.save()


def make_encrypted_pdf(path: Path) -> None:
    from reportlab import rl_config
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    rl_config.invariant = 1
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H),
                      encrypt=pdfencrypt.StandardEncryption("user-password", "owner-password"))
    c.setFont(FONT, 16)
    c.drawString(LEFT, TOP, "宁波市人民政府关于示例事项的通知")
    c.showPage()
    c.save()


# --- Word -----------------------------------------------------------------------------

def _numbering(document) -> str:
    """A list Word numbers itself: level 0 一、, level 1 （一）; its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    part = document.part.numbering_part
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '</w:abstractNum>')
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    root = part.element
    first_num = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        root.append(abstract)
    root.append(num)
    return "90"


def _number(paragraph, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def make_docx(spec, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor
    document = docx.Document()
    import datetime as dt
    fixed = dt.datetime(2027, 1, 1)
    document.core_properties.created = document.core_properties.modified = fixed
    num_id = _numbering(document)
    for style, text in spec:
        if style == "table":
            table = document.add_table(rows=len(text), cols=len(text[0]))
            table.style = "Table Grid"
            for r, row in enumerate(text):
                for k, cell in enumerate(row):
                    table.cell(r, k).text = cell
            continue
        paragraph = document.add_paragraph()
        pieces = text.split("\n")
        for n, piece in enumerate(pieces):
            run = paragraph.add_run(piece)
            if n + 1 < len(pieces):
                run.add_break()
            if style == "masthead":
                run.font.size, run.font.color.rgb = Pt(26), RGBColor(0xD0, 0x10, 0x10)
            elif style == "title":
                run.font.size, run.bold = Pt(22), True
            else:
                run.font.size = Pt(16)
        if style in ("masthead", "number", "title", "centred"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif style == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif style.startswith("numbered"):
            _number(paragraph, num_id, int(style[-1]) - 1)
        elif style == "para":
            paragraph.paragraph_format.first_line_indent = Pt(32)
    document.save(str(path))


def write_all(folder: Path) -> list[Path]:
    """Every generated fixture into folder; the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    running = {"09-pdf-with-table.pdf": "鄞州区数字经济重点任务清单"}
    numbers = {"09-pdf-with-table.pdf": "第{n}页", "10-regulation-chapters.pdf": "- {n} -"}
    for name, spec in PDFS.items():
        make_pdf(spec, folder / name, numbers.get(name, "—{n}—"), running.get(name))
        written.append(folder / name)
    for name, spec in DOCXS.items():
        make_docx(spec, folder / name)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1])):
        print(written)
