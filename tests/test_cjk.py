import pytest

from explorer import cjk
from explorer.tools import rawtext


@pytest.mark.parametrize("raw, clean", [
    ("宁 波高新区管委会", "宁波高新区管委会"),
    ("宁波经济技术开发区 管委会", "宁波经济技术开发区管委会"),
    ("市委宣传部、 市文广旅游局", "市委宣传部、市文广旅游局"),
    ("市发展改革委 市商务局关于印发", "市发展改革委 市商务局关于印发"),   # two issuers in a joint title
    ("支持银行通过自贸试验区 NRA 账户", "支持银行通过自贸试验区 NRA 账户"),  # CJK beside Latin keeps its space
    ("攻坚行动方案 (2021-2025年)的通知", "攻坚行动方案(2021-2025年)的通知"),
    ("1日 市长裘东耀出席", "1日 市长裘东耀出席"),                          # chronicle day
    ("甬政发〔2021〕52号 宁波市人民政府关于", "甬政发〔2021〕52号 宁波市人民政府关于"),
])
def test_stray_spaces_inside_chinese_words_are_removed(raw, clean):
    assert rawtext.remove_stray_spaces(raw) == clean


@pytest.mark.parametrize("text, canonical, parts", [
    ("甬政办发〔2021〕79号", "甬政办发〔2021〕79号", ("甬政办发", 2021, 79)),
    ("甬政办发[2021]79号", "甬政办发〔2021〕79号", ("甬政办发", 2021, 79)),
    ("甬政办发（2021）79号", "甬政办发〔2021〕79号", ("甬政办发", 2021, 79)),
    ("甬政发【2021】58号", "甬政发〔2021〕58号", ("甬政发", 2021, 58)),
    ("国函〔2025〕39号", "国函〔2025〕39号", ("国函", 2025, 39)),
    ("政府令第260号", "政府令第260号", ("政府令", None, 260)),
])
def test_document_numbers_are_parsed_into_canonical_form(text, canonical, parts):
    number = cjk.parse_doc_number(text)
    assert str(number) == canonical
    assert (number.prefix, number.year, number.number) == parts


def test_text_that_is_not_a_document_number_is_rejected():
    assert cjk.parse_doc_number("宁波市人民政府") is None


@pytest.mark.parametrize("text, level", [
    ("一、总体目标", 2), ("十三、统筹推进", 2), ("（一）指导思想", 3), ("(二) 总体思路", 3),
    ("1.商贸流通规模持续扩大", 4), ("2. 完善商贸便民服务生态", 4), ("（1）细则", 5),
    ("第二章 总则", 2), ("2020年，全市", None), ("3.04", None),
])
def test_heading_levels_follow_official_document_enumerators(text, level):
    assert cjk.heading_level(text) == level


@pytest.mark.parametrize("text, ends", [
    ("请认真贯彻落实。", True), ("理念。”", True), ("出台了“225”", False),
    ("（牵头单位：市住建局；配合单位：市自然资源规划局）", True), ("加快推进", False), ("免去：", True),
])
def test_sentence_ends_look_through_closing_quotes(text, ends):
    assert cjk.ends_sentence(text) is ends


def test_chinese_numerals():
    assert [cjk.chinese_numeral(t) for t in ("一", "十", "十二", "二十五", "一百零三")] == [1, 10, 12, 25, 103]
