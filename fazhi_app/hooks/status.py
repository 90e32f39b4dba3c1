"""The 「运行状态」 page (``/status/``): the nightly run the site was built from, and the runs before it as charts.

The page is rendered once, by the site build, from the run record in
``<state>/reports/latest.json`` (``fazhi_app.run_record``); nothing patches it
afterwards. Inside ``fazhi nightly`` that record is the run in progress: scrape,
guard, validation and fingerprint done, the build under way. So the page shows
the run as the release it makes (published once it is served), and the times of
the build and the steps after it (index, publish) as the last run that took them
had them, marked as such. Notes the run adds after the build (a repaired index, a failed
snapshot) are in its report and summary, and on the page of the next release.

Everything taken from the record is HTML-escaped: source names, reasons and
problem messages come from config files and remote sites.
"""

from __future__ import annotations

import logging
from html import escape

from fazhi_app.hooks.archive import Archive
from fazhi_app.hooks.pages import PageSpec
from fazhi_app.hooks.run_history import history_charts
from fazhi_app.run_record import RunRecord, read_history

log = logging.getLogger("mkdocs.plugins.fazhi")

SRC_URI = "status/index.md"
LATEST = "latest.json"
HISTORY_RUNS = 60
STATUS_TEXT = {
    "running": "运行中",
    "building": "已发布新版本",  # the page of a release being built is served only once that release is published
    "published": "已发布新版本",
    "unchanged": "内容无变化，未重建",
    "failed": "失败，未发布",
    "interrupted": "被中断",
}
HELD_KIND = {"new": "新增", "changed": "更新", "removed": "上游删除"}
SOURCE_STATUS = {"ok": "正常", "partial": "部分失败", "failed": "失败", "blocked": "被拦截", "unfinished": "超时未完成"}
SOURCE_COLUMNS = (("new", "新增"), ("changed", "更新"), ("unchanged", "未变"), ("removed", "上游已删除"),
                  ("conflicts", "人工修改冲突"), ("failed", "失败篇数"), ("requests", "请求数"))
STEPS = (("scrape", "抓取"), ("validate", "校验"), ("extract", "读取附件文字"), ("fingerprint", "比对"), ("build", "构建网站"),
         ("index", "更新索引"), ("publish", "发布"))
# The site build and the steps after it: their times are not known when the page is rendered (see the module docstring).
AFTER_BUILD = ("build", "index", "publish")
LISTED_ARTICLES = 30


def _seconds(value: float | None) -> str:
    return f"{value:.1f} 秒" if value is not None else "—"


def _summary(record: RunRecord) -> list[str]:
    outcome = record.outcome
    articles = record.validate.articles
    rows = [
        ("运行编号", escape(outcome.run or "—")),
        ("开始时间", escape(outcome.started or "—")),
        ("状态", escape(STATUS_TEXT.get(outcome.status, outcome.status))),
        ("本站版本", escape(record.releases.release or record.releases.current or "—")),
        ("有效文章", escape(str(articles) if articles is not None else "—")),
    ]
    if outcome.message and outcome.status not in ("running", "building"):
        rows.append(("说明", escape(outcome.message)))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return ["<table>", f"<tbody>{body}</tbody>", "</table>"]


def _sources(record: RunRecord) -> list[str]:
    rows = record.scrape.sources
    if not rows:
        return ["<p>本次运行未抓取（仅发布本地内容）。</p>"]
    head = "".join(f"<th>{label}</th>" for _, label in SOURCE_COLUMNS)
    out = ["<table>", f"<thead><tr><th>来源</th><th>状态</th>{head}</tr></thead>", "<tbody>"]
    for row in rows:
        cells = "".join(f"<td>{getattr(row, key)}</td>" for key, _ in SOURCE_COLUMNS)
        out.append(f"<tr><td>{escape(row.name)}</td><td>{escape(SOURCE_STATUS.get(row.status, row.status))}</td>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    reasons = [(row.name, reason) for row in rows for reason in row.reasons]
    if reasons:
        out.append("<ul>" + "".join(f"<li>{escape(n)}：{escape(str(r))}</li>" for n, r in reasons) + "</ul>")
    return out


def _changes(record: RunRecord, archive: Archive) -> list[str]:
    changes = record.fingerprint.changes or {}
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


def _left_out(record: RunRecord) -> list[str]:
    if not record.validate.excluded:
        return []
    items = "".join(f"<li><code>{escape(str(path))}</code></li>" for path in record.validate.excluded)
    return ["<h2>未发布的文件</h2>", f"<p>以下文件有问题，本版本未收录，其余内容照常发布：</p><ul>{items}</ul>"]


def _held(record: RunRecord) -> list[str]:
    if not record.guard.held:
        return []
    items = "".join(
        f"<li><code>#{escape(str(h.get('id')))}</code> {escape(HELD_KIND.get(h.get('kind', ''), str(h.get('kind'))))} "
        f"<code>{escape(str(h.get('path')))}</code>（{escape(str(h.get('source')))}）：{escape('；'.join(h.get('reasons') or []))}</li>"
        for h in record.guard.held
    )
    intro = "<p>以下来源变化超出变更检查的限度，已保存但未发布，待人工审核（<code>fazhi review</code>）：</p>"
    return ["<h2>暂缓发布的变化</h2>", f"{intro}<ul>{items}</ul>"]


def _run_before(record: RunRecord, history: list[RunRecord]) -> RunRecord | None:
    return next((r for r in reversed(history) if r.outcome.run != record.outcome.run), None)


def _notes(record: RunRecord, before: RunRecord | None) -> list[str]:
    """This run's notes, then those the run before added after its own page was built (its run problems and late warnings)."""
    notes = [f"运行问题：{problem}" for problem in record.notes.run_problems]
    if before is not None:
        notes += [f"上次运行 {before.outcome.run} 的运行问题：{problem}" for problem in before.notes.run_problems]
        notes += [f"上次运行 {before.outcome.run}：{w}" for w in before.notes.warnings if w not in record.notes.warnings]
    rollback = record.releases.rollback
    if rollback:  # this page belongs to the release the run is building: it ends the rollback
        notes.append(f"回滚已结束：{rollback.get('since')} 起由 fazhi rollback 发布的版本 {rollback.get('to')}"
                     f"（取代版本 {rollback.get('from')}）在内容变化后由本版本 {record.outcome.run} 接替")
    notes += [f"上次运行 {run} 被中断，本次已清理其遗留的临时文件" for run in record.cleanup.interrupted]
    notes += record.notes.warnings
    items = "".join(f"<li>{escape(note)}</li>" for note in notes) or "<li>无</li>"
    return ["<h2>运行提示</h2>", f"<ul>{items}</ul>"]


def _timings(record: RunRecord, history: list[RunRecord]) -> list[str]:
    """Each step's time; a step after the build not yet timed shows the last finished run's, marked."""
    before = next((r for r in reversed(history) if r.outcome.run != record.outcome.run and "build" in r.timings), None)
    cells = []
    for step, label in STEPS:
        seconds = record.timings.get(step)
        if seconds is None and step in AFTER_BUILD and before is not None and step in before.timings:
            text = f"{_seconds(before.timings[step])}（上次运行 {before.outcome.run}）"
        else:
            text = _seconds(seconds)
        cells.append(f"<tr><th>{label}</th><td>{escape(text)}</td></tr>")
    return ["<table>", f"<tbody>{''.join(cells)}</tbody>", "</table>"]


def render(record: RunRecord | None, archive: Archive, history: list[RunRecord] | None = None) -> str:
    """The page body (HTML inside Markdown) for a run record and the runs before it, or a note when there is none yet."""
    history = history or []
    if record is None:
        return "<p>尚无自动运行记录：本站由 <code>fazhi nightly</code> 每晚更新后，这里显示最近一次运行的结果。</p>"
    parts = ["<p>本站每晚自动抓取各来源、校验文章并在内容变化时发布新版本。以下是生成本版本的那次运行。</p>"]
    parts += ["<h2>概要</h2>", *_summary(record)]
    parts += ["<h2>各来源抓取结果</h2>", *_sources(record)]
    parts += ["<h2>本次发布的变化</h2>", *_changes(record, archive)]
    if record.validate.problems:
        parts += ["<h2>文章问题</h2>", "<ul>" + "".join(f"<li><code>{escape(p)}</code></li>" for p in record.validate.problems) + "</ul>"]
    parts += _left_out(record) + _held(record) + _notes(record, _run_before(record, history))
    parts += ["<h2>耗时</h2>", *_timings(record, history)]
    parts += history_charts(history)
    return "\n".join(parts)


def latest_record(archive: Archive) -> RunRecord | None:
    path = archive.settings.paths.state / "reports" / LATEST
    try:
        return RunRecord.read(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("%s: run report not readable (%s); the status page says so", path, exc)
        record = RunRecord()
        record.outcome.status, record.outcome.message = "failed", f"运行报告无法读取：{exc}"
        return record


def pages(archive: Archive) -> list[PageSpec]:
    about = "本站每晚自动抓取、校验、构建和发布；本页是生成当前版本的那次运行的结果：各来源抓取情况、发布的变化和耗时，以及近期运行的图表。"
    history = read_history(archive.settings.paths.state / "reports", LATEST, HISTORY_RUNS)
    return [PageSpec(SRC_URI, "运行状态", markdown=render(latest_record(archive), archive, history), description=about)]
