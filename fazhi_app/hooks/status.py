"""The 「运行状态」 page (``/status/``): the nightly run report the site was built from.

The page is rendered from ``<state>/reports/latest.json``. Inside ``fazhi
nightly`` that file holds the run in progress (scrape and validation done,
build under way), so the times of the build and index steps are not known when
MkDocs renders the page; their cells carry ``data-run-field`` and
``finish_status_page`` fills them into the built HTML before the release is
published. Everything taken from the report is HTML-escaped: source names,
reasons and problem messages come from config files and remote sites.
"""

from __future__ import annotations

import json
import logging
import re
from html import escape
from pathlib import Path
from typing import Any

from fazhi.files import write_atomic
from fazhi_app.hooks.archive import Archive
from fazhi_app.hooks.pages import PageSpec

log = logging.getLogger("mkdocs.plugins.fazhi")

SRC_URI = "status/index.md"
STATUS_TEXT = {
    "running": "运行中",
    "building": "正在构建",
    "published": "已发布新版本",
    "unchanged": "内容无变化，未重建",
    "failed": "失败，未发布",
}
HELD_KIND = {"new": "新增", "changed": "更新", "removed": "上游删除"}
SOURCE_STATUS = {"ok": "正常", "partial": "部分失败", "failed": "失败", "blocked": "被拦截", "unfinished": "超时未完成"}
SOURCE_COLUMNS = (("new", "新增"), ("changed", "更新"), ("unchanged", "未变"), ("removed", "上游已删除"),
                  ("conflicts", "人工修改冲突"), ("failed", "失败篇数"), ("requests", "请求数"))
STEPS = (("scrape", "抓取"), ("validate", "校验"), ("fingerprint", "比对"), ("build", "构建网站"), ("index", "更新索引"))
LISTED_ARTICLES = 30
FIELD_RE = re.compile(r'(<(td|span) data-run-field="([a-z_:]+)">)[^<]*(</\2>)')
# The run's notes (problems of the run, a rollback in force, runs found interrupted, warnings such as a repaired
# index): a list completed after the build, since a note may come from the steps after it or from `fazhi rollback`.
NOTES_RE = re.compile(r'(<ul data-run-list="notes">).*?(</ul>)', re.S)


def _seconds(value: Any) -> str:
    return f"{value:.1f} 秒" if isinstance(value, int | float) else "—"


def _field(name: str, text: str, tag: str = "td") -> str:
    return f'<{tag} data-run-field="{name}">{escape(text)}</{tag}>'


def _summary(report: dict[str, Any]) -> list[str]:
    rows = [
        ("运行编号", escape(report.get("run") or "—")),
        ("开始时间", escape(report.get("started") or "—")),
        ("状态", _field("status", STATUS_TEXT.get(report.get("status", ""), report.get("status", "")), "span")),
        ("本站版本", escape(report.get("release") or report.get("current") or "—")),
        ("有效文章", escape(str(report.get("articles") if report.get("articles") is not None else "—"))),
    ]
    if report.get("message") and report.get("status") not in ("running", "building"):
        rows.append(("说明", escape(report["message"])))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return ["<table>", f"<tbody>{body}</tbody>", "</table>"]


def _sources(report: dict[str, Any]) -> list[str]:
    rows = report.get("sources") or []
    if not rows:
        return ["<p>本次运行未抓取（仅发布本地内容）。</p>"]
    head = "".join(f"<th>{label}</th>" for _, label in SOURCE_COLUMNS)
    out = ["<table>", f"<thead><tr><th>来源</th><th>状态</th>{head}</tr></thead>", "<tbody>"]
    for row in rows:
        status = SOURCE_STATUS.get(row.get("status", ""), row.get("status", ""))
        cells = "".join(f"<td>{escape(str(row.get(key, 0)))}</td>" for key, _ in SOURCE_COLUMNS)
        out.append(f"<tr><td>{escape(str(row.get('name', '')))}</td><td>{escape(status)}</td>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    reasons = [(row.get("name", ""), reason) for row in rows for reason in row.get("reasons") or []]
    if reasons:
        out.append("<ul>" + "".join(f"<li>{escape(str(n))}：{escape(str(r))}</li>" for n, r in reasons) + "</ul>")
    return out


def _changes(report: dict[str, Any], archive: Archive) -> list[str]:
    changes = report.get("changes") or {}
    articles = changes.get("articles") or {}
    if changes.get("first"):
        return ["<p>这是首次发布。</p>"]
    out: list[str] = []
    for kind, label in (("added", "新增文章"), ("changed", "更新文章"), ("removed", "移除的文章文件")):
        paths = articles.get(kind) or []
        if not paths:
            continue
        items = []
        for path in paths[:LISTED_ARTICLES]:
            entry = archive.by_src.get(path)
            items.append(f'<li><a href="../{escape(entry.url)}">{escape(entry.title)}</a></li>' if entry else f"<li>{escape(path)}</li>")
        more = f"<li>……共 {len(paths)} 篇</li>" if len(paths) > LISTED_ARTICLES else ""
        out.append(f"<p>{label}（{len(paths)}）</p><ul>{''.join(items)}{more}</ul>")
    other = sorted(changes.get("files") or {}) + list(changes.get("values") or [])
    if other:
        out.append(f"<p>其他变化：{escape('、'.join(other))}</p>")
    return out or ["<p>文章无变化。</p>"]


def _left_out(report: dict[str, Any]) -> list[str]:
    excluded = report.get("excluded") or []
    if not excluded:
        return []
    items = "".join(f"<li><code>{escape(str(path))}</code></li>" for path in excluded)
    return ["<h2>未发布的文件</h2>", f"<p>以下文件有问题，本版本未收录，其余内容照常发布：</p><ul>{items}</ul>"]


def _held(report: dict[str, Any]) -> list[str]:
    held = report.get("held") or []
    if not held:
        return []
    items = "".join(
        f"<li><code>#{escape(str(h.get('id')))}</code> {escape(HELD_KIND.get(h.get('kind', ''), str(h.get('kind'))))} "
        f"<code>{escape(str(h.get('path')))}</code>（{escape(str(h.get('source')))}）：{escape('；'.join(h.get('reasons') or []))}</li>"
        for h in held
    )
    intro = "<p>以下来源变化超出变更检查的限度，已保存但未发布，待人工审核（<code>fazhi review</code>）：</p>"
    return ["<h2>暂缓发布的变化</h2>", f"{intro}<ul>{items}</ul>"]


def _note_items(report: dict[str, Any]) -> str:
    notes = [f"运行问题：{problem}" for problem in report.get("run_problems") or []]
    rollback = report.get("rollback")
    if rollback:
        notes.append(f"已回滚：{rollback.get('since')} 起由 fazhi rollback 发布本版本 {rollback.get('to')}，"
                     f"取代版本 {rollback.get('from')}；此后内容有变化时，每晚运行才会发布新版本")
    notes += [f"上次运行 {run} 被中断，本次已清理其遗留的临时文件" for run in report.get("interrupted") or []]
    notes += [str(warning) for warning in report.get("warnings") or []]
    return "".join(f"<li>{escape(note)}</li>" for note in notes) or "<li>无</li>"


def _notes(report: dict[str, Any]) -> list[str]:
    return ["<h2>运行提示</h2>", f'<ul data-run-list="notes">{_note_items(report)}</ul>']


def _timings(report: dict[str, Any]) -> list[str]:
    timings = report.get("timings") or {}
    cells = "".join(f"<tr><th>{label}</th>{_field('time:' + step, _seconds(timings.get(step)))}</tr>" for step, label in STEPS)
    return ["<table>", f"<tbody>{cells}</tbody>", "</table>"]


def render(report: dict[str, Any] | None, archive: Archive) -> str:
    """The page body (HTML inside Markdown) for a run report, or a note when there is none yet."""
    if report is None:
        return "<p>尚无自动运行记录：本站由 <code>fazhi nightly</code> 每晚更新后，这里显示最近一次运行的结果。</p>"
    parts = ["<p>本站每晚自动抓取各来源、校验文章并在内容变化时发布新版本。以下是生成本版本的那次运行。</p>"]
    parts += ["<h2>概要</h2>", *_summary(report)]
    parts += ["<h2>各来源抓取结果</h2>", *_sources(report)]
    parts += ["<h2>本次发布的变化</h2>", *_changes(report, archive)]
    if report.get("problems"):
        parts += ["<h2>文章问题</h2>", "<ul>" + "".join(f"<li><code>{escape(p)}</code></li>" for p in report["problems"]) + "</ul>"]
    parts += _left_out(report) + _held(report) + _notes(report)
    parts += ["<h2>耗时</h2>", *_timings(report)]
    return "\n".join(parts)


def latest_report(archive: Archive) -> dict[str, Any] | None:
    path = archive.settings.paths.state / "reports" / "latest.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s: run report not readable (%s); the status page says so", path, exc)
        return {"run": None, "status": "failed", "message": f"运行报告无法读取：{exc}"}


def pages(archive: Archive) -> list[PageSpec]:
    about = "本站每晚自动抓取、校验、构建和发布；本页是生成当前版本的那次运行的结果：各来源抓取情况、发布的变化和耗时。"
    return [PageSpec(SRC_URI, "运行状态", markdown=render(latest_report(archive), archive), description=about)]


def finish_status_page(site_dir: Path, report: dict[str, Any]) -> None:
    """Fill what was unknown at render time (status, step times, later notes) into the built page."""
    page = site_dir / "status" / "index.html"
    if not page.is_file():
        return
    timings = report.get("timings") or {}
    values = {"status": STATUS_TEXT["published"], **{f"time:{step}": _seconds(timings.get(step)) for step, _ in STEPS}}

    def fill(m: re.Match[str]) -> str:
        return f"{m.group(1)}{escape(values[m.group(3)])}{m.group(4)}" if m.group(3) in values else m.group(0)

    html = FIELD_RE.sub(fill, page.read_text("utf-8"))
    html = NOTES_RE.sub(lambda m: f"{m.group(1)}{_note_items(report)}{m.group(2)}", html)
    write_atomic(page, html)  # also called on a published release (a rollback, a late problem): never half a page
