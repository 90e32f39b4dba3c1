"""Articles whose substance is only in their files, as many legal-publicity columns publish them.

The page says one line (详见附件); the matter is in a typical-case compilation (PDF with a text
layer, two pages), a penalty decision (DOCX), a case table (XLSX), or an image-only 「一图读懂」
whose text is drawn in the picture (``files/infographic.png``: Noto Sans CJK at 28–46 px on a
coloured ground, drawn with Pillow and kept as a 16-colour PNG). All of it is our own fiction, and
each file says so. ``PHRASES`` holds a phrase found only inside each file, so a search for it can
only find its article through the file's text.

``file_only(articles)`` turns four of the UCAP column's articles into such articles;
``FILES`` maps each file's name (the last part of its URL path) to the bytes the mirror serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scraper.mirror import generator as g
from scraper.mirror import samples

UCAP_DOCS = "/doc/ucap/1749973237782081536/document"
INFOGRAPHIC = "yttd0915AbXq.png"
COMPILATION, DECISION, TABLE = "aljb2024Q1hZ.pdf", "qhcf2024017Rk.docx", "ajcc2024Q3mW.xlsx"

COMPILATION_PAGES = [
    ["云溪市生态环境行政执法典型案例汇编（2024年第一辑）", "（示例内容：案例中的单位、人物与案情均为虚构）",
     "案例一　某陶瓷有限公司雨污混排案", "【基本案情】执法人员夜查发现，该公司将雨水管网暗接含氟废水，经雨水口排入临川湖。",
     "【处理结果】依据《中华人民共和国水污染防治法》第八十三条，责令改正，罚款人民币三十八万元。",
     "案例二　某养殖场粪污直排案", "【基本案情】该场沼液储存池满溢后，用软管将沼液引入青岚河支流。",
     "【处理结果】责令停止违法行为，罚款人民币十二万元。"],
    ["案例三　某汽修厂危险废物台账造假案", "【基本案情】废机油转移联单与台账记载数量相差四点六吨，去向不明。",
     "【处理结果】依据《中华人民共和国固体废物污染环境防治法》第一百一十二条，罚款人民币二十万元，案件线索移送公安机关。",
     "【以案释法】产生危险废物的单位应当如实记录危险废物的种类、数量、流向和处置情况。"],
]
DECISION_TEXT = "\n".join((
    "青岚县生态环境局行政处罚决定书", "青环罚〔2024〕17号", "（示例内容：当事人与案情均为虚构）",
    "当事人：青岚县某化工有限公司", "一、违法事实和证据",
    "2024年3月12日，我局执法人员检查发现，你公司擅自拆除在线监测采样探头，致使自动监测数据失真。",
    "以上事实有现场检查笔录、调查询问笔录、视频资料为证。",
    "二、行政处罚的依据和种类",
    "你公司的行为违反了《中华人民共和国大气污染防治法》第二十四条的规定，依据该法第一百条，我局决定：",
    "责令改正，并处罚款人民币二十三万元。",
    "三、履行方式和期限",
    "你公司应自收到本决定书之日起十五日内缴纳罚款。逾期不缴纳的，每日按罚款数额的百分之三加处罚款。",
    "四、申请复议或者提起诉讼的途径和期限",
    "如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者六个月内向人民法院提起行政诉讼。",
))
TABLE_ROWS = [
    ["鹤鸣县2024年第三季度生态环境违法案件查处情况表（示例数据，均为虚构）"],
    ["序号", "案件名称", "违法行为", "处罚依据", "罚款（万元）", "办结情况"],
    ["1", "鹤鸣县某砖瓦厂脱硫塔停运案", "污染防治设施不正常运行", "《中华人民共和国大气污染防治法》第九十九条", "26", "已办结"],
    ["2", "鹤鸣县某印染厂超标排放案", "化学需氧量超标一点八倍", "《中华人民共和国水污染防治法》第八十三条", "41", "已办结"],
    ["3", "鹤鸣县某石材加工点无证排污案", "未取得排污许可证排放污染物", "《排污许可管理条例》第三十三条", "15", "复议中"],
]
INFOGRAPHIC_TITLE = "一图读懂《白沙洲区餐饮油烟污染防治办法》"

# A phrase found only inside each file, nowhere on any page of the mirror.
PHRASES = {
    COMPILATION: "雨水管网暗接含氟废水",
    DECISION: "擅自拆除在线监测采样探头",
    TABLE: "砖瓦厂脱硫塔停运案",
    INFOGRAPHIC: "油烟净化设施须与灶具同步运行",
}

FILES: dict[str, bytes] = {
    COMPILATION: samples.text_pdf(COMPILATION_PAGES),
    DECISION: samples.docx(DECISION_TEXT),
    TABLE: samples.xlsx(TABLE_ROWS),
    INFOGRAPHIC: (Path(__file__).parent / "files" / "infographic.png").read_bytes(),
}


def _one_line(text: str) -> str:
    return f"<p>{text}</p>\n<p>{g.FICTION_NOTE}</p>"


def file_only(articles: list[dict[str, Any]]) -> None:
    """Turn four articles of the UCAP column into ones whose substance is only in a file (see the module docstring)."""
    shapes = (
        (8, "云溪市2024年生态环境行政执法典型案例汇编（第一辑）", "现将2024年第一辑生态环境行政执法典型案例汇编印发，详见附件。",
         "云溪市2024年生态环境行政执法典型案例汇编.pdf", COMPILATION),
        (9, "青岚县生态环境局行政处罚决定书（青环罚〔2024〕17号）", "行政处罚决定书全文见附件。",
         "青环罚〔2024〕17号行政处罚决定书.docx", DECISION),
        (11, "鹤鸣县2024年第三季度生态环境违法案件查处情况", "本季度违法案件查处情况详见附件。",
         "2024年第三季度违法案件查处情况表.xlsx", TABLE),
    )
    for index, title, line, name, file in shapes:
        article = articles[index]
        day = article["date"][:10].replace("-", "")
        article.update(title=title, body=_one_line(line), files=[{"name": name, "path": f"{UCAP_DOCS}/{day}/{file}"}])
    infographic = articles[12]
    infographic.update(title=INFOGRAPHIC_TITLE, body="", images=[f"/jxssthjt/col42150/{infographic['id']}/{INFOGRAPHIC}"])
