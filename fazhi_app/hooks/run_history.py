"""The recent nightly runs as charts on the status page: inline SVG made at build time, each with its numbers beneath.

No script and nothing from another host: each chart is an ``<svg role="img">`` named by its
``<title>`` and described by its ``<desc>`` (``aria-labelledby``), and the same numbers follow
in a table, which is what a screen reader or a printout reads. Colours come from classes
in ``assets/fazhi/site.css``, so the charts follow the reading modes (高对比) like the text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from fazhi_app.run_record import RunRecord

# Drawing area in SVG units; the SVG scales to the column's width.
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 24, 22, 32
GRIDLINES = 4
# Steps drawn apart in the duration chart; every other step's time is summed as 其他.
DRAWN_STEPS = (("scrape", "抓取"), ("build", "构建网站"), ("index", "更新索引"))


@dataclass(frozen=True)
class Series:
    """One stacked part of every bar: its label, and one value per run."""

    label: str
    values: Sequence[float]


@dataclass(frozen=True)
class Chart:
    """A stacked bar chart over the runs: ``key`` names its ids and its colour classes."""

    key: str
    title: str
    unit: str
    series: Sequence[Series]
    digits: int = 0

    def totals(self) -> list[float]:
        return [sum(values) for values in zip(*(s.values for s in self.series), strict=True)]


def _number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def _scale_top(peak: float) -> float:
    """A round top for the axis, at least the peak: a power of ten times 1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6 or 8 (quarters read well)."""
    if peak <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= peak:
        step *= 10
    while step > peak:
        step /= 10
    return next(m * step for m in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10) if m * step >= peak)


def _describe(chart: Chart, runs: Sequence[str]) -> str:
    totals = chart.totals()
    peak = max(range(len(totals)), key=totals.__getitem__)
    parts = "、".join(s.label for s in chart.series)
    return (f"近 {len(runs)} 次运行（{runs[0]} 至 {runs[-1]}）的{chart.title}，柱形按{parts}分段。"
            f"最近一次合计 {_number(totals[-1], chart.digits)} {chart.unit}，最高 {_number(totals[peak], chart.digits)} {chart.unit}"
            f"（{runs[peak]}）。各次数值见下表。")


def svg(chart: Chart, runs: Sequence[str]) -> str:
    """The chart as one ``<svg>`` element: gridlines with their values, one stacked bar per run, run dates under a few."""
    title_id, desc_id = f"fz-chart-{chart.key}-title", f"fz-chart-{chart.key}-desc"
    top = _scale_top(max(chart.totals(), default=0))
    if chart.digits == 0:  # counts: gridlines on whole numbers
        top = max(GRIDLINES, math.ceil(top / GRIDLINES) * GRIDLINES)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(runs), 1)
    bar = max(slot * 0.7, 1.0)
    out = [f'<svg class="fz-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{title_id} {desc_id}">',
           f'<title id="{title_id}">{escape(chart.title)}</title>', f'<desc id="{desc_id}">{escape(_describe(chart, runs))}</desc>']
    axis_digits = chart.digits if top < 10 else 0
    for i in range(GRIDLINES + 1):
        value = top * i / GRIDLINES
        y = TOP + plot_h - plot_h * i / GRIDLINES
        out.append(f'<line class="fz-chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="fz-chart__axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_number(value, axis_digits)}</text>')
    for n, run in enumerate(runs):
        x = LEFT + slot * n + (slot - bar) / 2
        base = TOP + plot_h
        for k, series in enumerate(chart.series):
            height = plot_h * series.values[n] / top
            if height > 0:
                base -= height
                out.append(f'<rect class="fz-chart__s{k}" x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{height:.1f}"/>')
        if n in _labelled(len(runs)):
            date = escape(run[4:8])  # MMDD of the run id
            out.append(f'<text class="fz-chart__axis" x="{x + bar / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{date}</text>')
    out.append(f'<text class="fz-chart__axis" x="{LEFT}" y="{TOP - 8}">{escape(chart.unit)}</text>')
    out.append("</svg>")
    return "".join(out)


def _labelled(count: int) -> set[int]:
    """The runs whose date (MMDD) is written under the axis: about six, always the first and the last."""
    every = max(count // 6, 1)
    return {*range(0, count, every), count - 1}


def _legend(chart: Chart) -> str:
    if len(chart.series) < 2:
        return ""
    items = "".join(f'<li><span class="fz-chart__key fz-chart__s{k}"></span>{escape(s.label)}</li>' for k, s in enumerate(chart.series))
    return f'<ul class="fz-chart__legend" aria-hidden="true">{items}</ul>'


def table(chart: Chart, runs: Sequence[str]) -> str:
    """The chart's numbers: one row per run, newest first, one column per series and the total."""
    many = len(chart.series) > 1
    head = "".join(f"<th>{escape(s.label)}</th>" for s in chart.series) + ("<th>合计</th>" if many else "")
    rows = []
    for n in reversed(range(len(runs))):
        cells = "".join(f"<td>{_number(s.values[n], chart.digits)}</td>" for s in chart.series)
        if many:
            cells += f"<td>{_number(chart.totals()[n], chart.digits)}</td>"
        rows.append(f"<tr><th>{escape(runs[n])}</th>{cells}</tr>")
    caption = f"{escape(chart.title)}（{escape(chart.unit)}）"
    return (f'<table class="fz-chart__numbers"><caption>{caption}</caption>'
            f"<thead><tr><th>运行</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def charts(history: Sequence[RunRecord]) -> list[Chart]:
    """The four charts of the recent runs: durations by step, articles, held changes, sources with problems."""
    def per_run(value: Callable[[RunRecord], float]) -> list[float]:
        return [value(record) for record in history]

    drawn = {step for step, _ in DRAWN_STEPS}
    steps = [Series(label, per_run(lambda r, s=step: r.timings.get(s, 0.0))) for step, label in DRAWN_STEPS]
    other = Series("其他", per_run(lambda r: max(r.timings.get("total", 0.0) - sum(r.timings.get(s, 0.0) for s in drawn), 0.0)))
    return [
        Chart("duration", "每次运行耗时", "秒", [*steps, other], digits=1),
        Chart("articles", "每晚抓取到的文章变化", "篇", [Series(label, per_run(lambda r, k=kind: r.article_counts()[k]))
                                                for kind, label in (("new", "新增"), ("changed", "更新"), ("removed", "上游删除"))]),
        Chart("held", "暂缓发布的变化", "项", [
            Series("当晚暂缓", per_run(lambda r: len(r.guard.held_tonight))),
            Series("此前仍待审核", per_run(lambda r: max(len(r.guard.held) - len(r.guard.held_tonight), 0))),
        ]),
        Chart("sources", "失败、被拦截或超时的来源", "个", [Series("来源", per_run(RunRecord.problem_count))]),
    ]


def history_charts(history: Sequence[RunRecord]) -> list[str]:
    """The 近期运行 section of the status page (nothing before the first finished run)."""
    if not history:
        return []
    runs = [record.outcome.run or "?" for record in history]
    intro = f"最近 {len(runs)} 次每晚运行（含未发布的），图中从左到右由早到晚，每张图下的表列出同样的数字（由近及远）。"
    out = ["<h2>近期运行</h2>", f"<p>{intro}</p>"]
    for chart in charts(history):
        out.append(f'<figure class="fz-chart__figure">{svg(chart, runs)}{_legend(chart)}{table(chart, runs)}</figure>')
    return out
