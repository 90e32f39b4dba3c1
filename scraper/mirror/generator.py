"""Fictional articles for the sample mirror, written from our own phrase pools.

Every article is invented: the places (云溪市, 青岚县 …), companies, cases and local
rules do not exist, and every body ends with a note saying so. Laws cited are real
national laws, so the law index has something to show. Generation is deterministic
for a seed, so tests and the demo see the same mirror every time.

Each site gets its platform's quirks in its data (its module in ``sites/``: ``dress``, ``special_cases``):
Word markup, full-width or ``&nbsp;`` indentation, tables, images, attachments under
several URL schemes, image-only items, duplicates, GBK pages, malformed markup and an
XSS payload set.
"""

from __future__ import annotations

import datetime as dt
import html
import random
from typing import Any

PLACES = ("云溪市", "青岚县", "鹤鸣县", "白沙洲区", "松岭县", "临川湖区", "石门湾镇", "桂枝县")
OFFICES = ("法规与标准处", "生态环境执法局", "固体废物与化学品处", "水生态环境处", "大气环境处", "土壤生态环境处",
           "办公室", "厅综合处", "生态环境监测处", "自然生态保护处")
TOPICS = ("饮用水水源保护区", "秸秆露天焚烧防治", "建设项目环境影响评价审批", "危险废物规范化环境管理", "生态环境损害赔偿",
          "排污许可证后监管", "噪声污染防治", "入河排污口监督", "重点排污单位自动监测", "农村生活污水治理")
INDUSTRIES = ("化工", "电镀", "印染", "陶瓷", "铸造", "养殖", "建材", "汽修")
VIOLATIONS = ("超标排放水污染物", "私设暗管排放废水", "非法倾倒危险废物", "未批先建", "篡改自动监测数据", "无证排污",
              "噪声扰民", "偷排含油废水")
LAWS = ("《中华人民共和国环境保护法》", "《中华人民共和国水污染防治法》", "《中华人民共和国大气污染防治法》", "《固废法》",
        "《中华人民共和国土壤污染防治法》", "《中华人民共和国行政处罚法》", "《民法典》", "《中华人民共和国环境影响评价法》",
        "《排污许可管理条例》", "《中华人民共和国噪声污染防治法》", "《中华人民共和国长江保护法》")
FICTION_NOTE = "（本文为示例内容，文中地名、单位、人物与案情均为虚构。）"

# The XSS payload set injected into some pages: nothing of it may survive as markup.
XSS_PAYLOAD = """<script>alert('xss-script')</script>
<p>风险提示<img src="xss-probe.png" onerror="alert('xss-onerror')"></p>
<p><a href="javascript:alert('xss-href')">点击查看详情</a></p>
<iframe src="http://evil.example/xss-iframe"></iframe>
<svg onload="alert('xss-svg')"><circle r="1"/></svg>
<p onclick="alert('xss-onclick')" style="background:url(javascript:alert('xss-style'))">请依法依规开展工作。</p>
<p><a href=" JaVaScRiPt:alert('xss-mixed')">原文链接</a></p>
<object data="javascript:alert('xss-object')"></object><embed src="javascript:alert('xss-embed')">
<p>&lt;script&gt;alert('xss-escaped')&lt;/script&gt; [点我](javascript:alert('xss-md'))</p>
<form action="javascript:alert('xss-form')"><input type="submit" value="提交"></form>
<p><img src="javascript:alert('xss-imgsrc')"><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">数据链接</a></p>
<math><mi xlink:href="javascript:alert('xss-math')">m</mi></math>"""


def _interpretation(r: random.Random, place: str, doc: str, law: str, *_: str) -> tuple[list[tuple[str, list[str]]], str]:
    sections = [
        ("一、起草背景", [
            f"为深入贯彻{law}，进一步规范{place}{doc[1:-1].replace('管理办法', '')}相关工作，"
            f"市生态环境局在深入调研、广泛征求意见的基础上，起草了{doc}。",
            f"近年来，{place}生态环境质量持续改善，但部分领域仍存在监管责任不够明晰、执法标准不够统一等问题，亟需通过制度予以规范。",
        ]),
        ("二、主要内容", [
            f"{doc}共五章二十八条，分别对适用范围、职责分工、监管措施、信息公开和法律责任作出规定。",
            "一是明确部门职责，建立“谁审批、谁监管，谁主管、谁监管”的工作机制；二是细化监管措施，推行分级分类管理；三是强化信息公开，畅通公众参与渠道。",
            f"对违反规定的行为，依照{r.choice(LAWS)}等法律法规予以处理。",
        ]),
        ("三、需要说明的问题", [
            "本办法自印发之日起施行，有效期五年。施行过程中如遇上级政策调整，从其规定。",
        ]),
    ]
    return sections, "interpretations"


Sections = list[tuple[str, list[str]]]


def _case(r: random.Random, place: str, doc: str, law: str, industry: str = "化工",
          violation: str = "超标排放水污染物") -> tuple[Sections, str]:
    fine = r.choice((8, 12, 20, 35, 46, 60))
    sections = [
        ("【基本案情】", [
            f"{r.randint(2019, 2024)}年{r.randint(1, 12)}月，{place}生态环境局执法人员在“双随机、一公开”检查中发现，"
            f"某{industry}有限公司存在{violation}的行为。",
            "执法人员现场制作了调查询问笔录，提取了监测数据和影像资料，并依法责令企业立即改正。",
        ]),
        ("【处理结果】", [
            f"依据{law}相关规定，{place}生态环境局对该公司作出罚款人民币{fine}万元的行政处罚决定，并将案件线索移送公安机关。企业已缴纳罚款并完成整改。",
        ]),
        ("【以案释法】", [
            f"{law}规定，排放污染物的企业事业单位和其他生产经营者，应当采取措施，防治在生产建设或者其他活动中产生的污染。",
            "本案中，当事人主观上存在故意，客观上造成了环境风险，依法应当承担相应的法律责任。",
        ]),
        ("【典型意义】", [
            "本案是运用行政执法与刑事司法衔接机制的一个示例，警示企业守法经营，切实履行生态环境保护主体责任。",
        ]),
    ]
    return sections, "cases"


def _summary(r: random.Random, place: str, doc: str, law: str, *_: str) -> tuple[list[tuple[str, list[str]]], str]:
    sections = [
        ("一、主要工作情况", [
            f"过去一年，{place}生态环境局坚持以法治思维和法治方式推进生态环境保护工作，认真落实{law}，法治政府建设各项任务有序推进。",
            "（一）健全依法决策机制。严格执行重大行政决策程序，全年开展合法性审查二十余件。",
            "（二）规范行政执法行为。全面推行行政执法公示、执法全过程记录和重大执法决定法制审核制度。",
            "（三）深入开展普法宣传。落实“谁执法谁普法”普法责任制，组织“六五环境日”等主题宣传活动。",
        ]),
        ("二、存在的不足", [
            "基层执法力量相对薄弱，执法人员专业能力仍需提升，部分领域制度建设有待完善。",
        ]),
        ("三、下一步工作打算", [
            "持续推进执法规范化建设，加强执法人员培训，推动生态环境领域法治建设再上新台阶。",
        ]),
    ]
    return sections, "summaries"


KINDS = (
    ("《{doc}》政策解读", _interpretation),
    ("关于《{doc}》的问答", _interpretation),
    ("以案释法：{place}某{industry}企业{violation}案", _case),
    ("《{doc}》解读", _interpretation),
    ("{place}生态环境局{year}年法治政府建设工作总结", _summary),
    ("典型案例｜{place}{violation}案", _case),
    ("一文读懂 | 《{doc}》", _interpretation),
    ("{place}生态环境局{year}年度普法责任清单落实情况报告", _summary),
    ("{year}年生态环境执法典型案例（第{n}批）", _case),
)


def _paragraph(content: str, style: str) -> str:
    """One paragraph in a CMS's way of indenting and marking up text."""
    escaped = html.escape(content, quote=False)
    if style == "word":
        return (f'<p class="MsoNormal" style="text-indent:32pt;line-height:30pt;font-family:Calibri">'
                f'<span style="font-family:仿宋_GB2312;font-size:16pt"><font face="仿宋_GB2312">{escaped}</font></span>'
                f'<span style="font-family:仿宋_GB2312;font-size:16pt"><o:p></o:p></span></p>')
    if style == "fullwidth":
        return f"<p>\u3000\u3000{escaped}</p>"
    if style == "nbsp":
        return f"<p>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;{escaped}</p>"
    if style == "ensp":
        return f"<p>&ensp;&ensp;{escaped}</p>"
    return f"<p>{escaped}</p>"


def _heading(content: str, style: str) -> str:
    escaped = html.escape(content, quote=False)
    if style == "word":
        return (f'<p class="MsoNormal" style="text-indent:32pt"><b><span style="font-family:黑体;font-size:16pt">{escaped}</span></b>'
                "<o:p></o:p></p>")
    if style == "fullwidth":
        return f"<div>\u3000\u3000<b>{escaped}</b></div>"
    return f"<p><strong>{escaped}</strong></p>"


def _table(r: random.Random, word: bool) -> str:
    rows = [("指标", f"{r.randint(2020, 2024)}年", "同比变化")]
    for name in ("行政处罚案件（件）", "罚没金额（万元）", "普法活动（场）"):
        rows.append((name, str(r.randint(12, 480)), f"{r.choice(('+', '-'))}{r.randint(1, 30)}%"))
    cell = ('<td style="border:solid windowtext 1.0pt"><p class="MsoNormal">{}<o:p></o:p></p></td>' if word else "<td>{}</td>")
    body = "".join("<tr>" + "".join(cell.format(html.escape(c)) for c in row) + "</tr>" for row in rows)
    return f'<table class="MsoTableGrid" border="1" cellspacing="0">{body}</table>' if word else f"<table border=1>{body}</table>"


def body_html(r: random.Random, sections: list[tuple[str, list[str]]], style: str, *, table: bool, extra: str = "") -> str:
    """An article body in the given CMS style, ending with the fiction note."""
    parts = []
    for heading, paragraphs in sections:
        parts.append(_heading(heading, style))
        parts.extend(_paragraph(p, style) for p in paragraphs)
    if table:
        parts.insert(3, _table(r, style == "word"))
    parts.append(extra)
    parts.append(_paragraph(FICTION_NOTE, style))
    return "\n".join(p for p in parts if p)


def make_articles(site: str, count: int, seed: int, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """``count`` plain fictional articles for ``site``, newest first; quirks are added by the caller."""
    r = random.Random(f"{site}-{seed}")
    span = int((end - start).total_seconds() // 60)
    stamps = sorted((start + dt.timedelta(minutes=r.randrange(span)) for _ in range(count)), reverse=True)
    articles = []
    for i, when in enumerate(stamps):
        template, build = KINDS[i % len(KINDS)]
        place, topic = r.choice(PLACES), r.choice(TOPICS)
        doc = f"{place}{topic}管理办法"
        industry, violation = r.choice(INDUSTRIES), r.choice(VIOLATIONS)
        title = template.format(doc=doc, place=place, industry=industry, violation=violation, year=when.year - 1, n=r.choice("一二三四"))
        sections, kind = build(r, place, f"《{doc}》", r.choice(LAWS[:5] + LAWS[7:]), industry, violation)
        articles.append({
            "title": title,
            "kind": kind,
            "date": when.replace(hour=r.randint(8, 18)).strftime("%Y-%m-%d %H:%M"),
            "office": r.choice(OFFICES),
            "sections": sections,
            "seq": i,
        })
    return articles
