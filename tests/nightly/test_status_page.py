"""The 运行状态 page: rendered once from the run record, escaped, with the runs before it as charts and tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fazhi.config import Settings, default_paths
from fazhi_app.hooks.archive import Archive
from fazhi_app.hooks.run_history import charts, svg, table
from fazhi_app.hooks.status import SRC_URI, pages
from fazhi_app.run_record import RunRecord
from tests.fixtures.deployment import Deployment

REPORT = {
    "run": "20251126T020000Z",
    "started": "2025-11-26T10:00:00+08:00",
    "status": "building",
    "message": "",
    "release": "20251126T020000Z",
    "articles": 42,
    "sources": [
        {"name": "jx-<script>alert(1)</script>", "status": "ok", "new": 3, "changed": 1, "unchanged": 38, "removed": 1, "conflicts": 0,
         "failed": 0, "requests": 12, "reasons": []},
        {"name": "mee", "status": "blocked", "new": 0, "changed": 0, "unchanged": 0, "removed": 0, "conflicts": 0, "failed": 0,
         "requests": 1, "reasons": ["http://127.0.0.1/x: HTTP 412 challenge <b>"]},
    ],
    "changes": {"articles": {"added": ["cases/2025/new-case/index.md"], "changed": [], "removed": []}, "files": {"templates": {}},
                "values": [], "first": False},
    "problems": [],
    "timings": {"scrape": 2.5, "validate": 0.3},
}
# An earlier finished run, as reports were written before the record had a version.
BEFORE = {**REPORT, "run": "20251125T020000Z", "status": "published", "message": "published release 20251125T020000Z",
          "held_tonight": [{"id": 1}, {"id": 2}], "held": [{"id": 1}, {"id": 2}, {"id": 0}],
          "timings": {"scrape": 3.0, "build": 12.34, "index": 0.5, "publish": 0.01, "total": 16.0}}


def _archive(tmp_path: Path, report: dict | None, *earlier: dict) -> Archive:
    settings = Settings(paths=default_paths(tmp_path))
    reports = settings.paths.state / "reports"
    reports.mkdir(parents=True)
    for run in earlier:
        (reports / f"{run['run']}.json").write_text(json.dumps(run), "utf-8")
    if report is not None:
        (reports / "latest.json").write_text(json.dumps(report), "utf-8")
        (reports / f"{report['run']}.json").write_text(json.dumps(report), "utf-8")
    return Archive(settings=settings)


def test_page_shows_sources_changes_and_escapes_remote_text(tmp_path: Path) -> None:
    [spec] = pages(_archive(tmp_path, REPORT))
    assert spec.src_uri == SRC_URI and spec.title == "运行状态"
    html = spec.markdown
    assert "<script>" not in html and "jx-&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "HTTP 412 challenge &lt;b&gt;" in html
    assert "<td>38</td>" in html and "上游已删除" in html and "<td>被拦截</td>" in html
    assert "cases/2025/new-case/index.md" in html, "an article unknown to the archive is listed by path"
    assert "其他变化：templates" in html
    assert "<th>抓取</th><td>2.5 秒</td>" in html
    assert "<th>构建网站</th><td>—</td>" in html, "no run before this one took a build"
    assert "<th>状态</th><td>已发布新版本</td>" in html, "the page of the release being built is served once it is published"
    assert "近期运行" not in html, "no finished run yet, no history"


def test_build_and_later_step_times_come_from_the_run_before(tmp_path: Path) -> None:
    [spec] = pages(_archive(tmp_path, REPORT, BEFORE))
    html = spec.markdown
    assert "<th>构建网站</th><td>12.3 秒（上次运行 20251125T020000Z）</td>" in html
    assert "<th>更新索引</th><td>0.5 秒（上次运行 20251125T020000Z）</td>" in html
    assert "<th>抓取</th><td>2.5 秒</td>" in html, "a step this run took shows its own time"


def test_without_a_report_the_page_says_so(tmp_path: Path) -> None:
    [spec] = pages(_archive(tmp_path, None))
    assert "尚无自动运行记录" in spec.markdown


def test_an_unreadable_report_does_not_stop_the_build(tmp_path: Path) -> None:
    archive = _archive(tmp_path, REPORT)
    (archive.settings.paths.state / "reports" / "latest.json").write_text("{not json", "utf-8")
    [spec] = pages(archive)
    assert "运行报告无法读取" in spec.markdown


def test_notes_list_run_problems_rollback_interrupted_runs_and_warnings(tmp_path: Path) -> None:
    report = {**REPORT, "interrupted": ["20251125T020000Z"], "warnings": ["disk <almost> full"], "run_problems": ["git failed"],
              "rollback": {"from": "B", "to": "A", "since": "2025-11-26T09:00:00+08:00", "digest": "x"}}
    html = pages(_archive(tmp_path, report))[0].markdown
    assert "上次运行 20251125T020000Z 被中断" in html and "disk &lt;almost&gt; full" in html
    assert "运行问题：git failed" in html
    assert f"版本 A（取代版本 B）在内容变化后由本版本 {REPORT['run']} 接替" in html, "this page is the release that ends the rollback"


def test_notes_the_run_before_added_after_its_build_show_on_the_next_page(tmp_path: Path) -> None:
    before = {**BEFORE, "run_problems": ["git failed"], "warnings": ["search index repaired: 1 missing"]}
    html = pages(_archive(tmp_path, REPORT, before))[0].markdown
    assert "上次运行 20251125T020000Z 的运行问题：git failed" in html
    assert "上次运行 20251125T020000Z：search index repaired: 1 missing" in html


def test_a_quiet_run_says_it_has_no_notes(tmp_path: Path) -> None:
    [spec] = pages(_archive(tmp_path, REPORT))
    assert "<h2>运行提示</h2>\n<ul><li>无</li></ul>" in spec.markdown


def test_each_chart_is_a_named_image_with_its_numbers_in_a_table_beneath() -> None:
    history = [RunRecord.from_json(BEFORE), RunRecord.from_json({**BEFORE, "run": "20251126T020000Z", "held_tonight": [],
                                                                   "held": [], "timings": {"scrape": 1.0, "total": 2.0}})]
    runs = [r.outcome.run or "" for r in history]
    found = {chart.key: chart for chart in charts(history)}
    assert set(found) == {"duration", "articles", "held", "sources"}
    for chart in found.values():
        image = svg(chart, runs)
        title_id, desc_id = f"fz-chart-{chart.key}-title", f"fz-chart-{chart.key}-desc"
        assert image.startswith("<svg ") and 'role="img"' in image and f'aria-labelledby="{title_id} {desc_id}"' in image
        assert f'<title id="{title_id}">{chart.title}</title>' in image and f'<desc id="{desc_id}">近 2 次运行' in image
        assert "style=" not in image and "<script" not in image and "http" not in image.replace("http://www.w3.org", "")
    duration = table(found["duration"], runs)
    # Newest first: scrape, build, index, other (total minus the three), total.
    assert "<tr><th>20251126T020000Z</th><td>1.0</td><td>0.0</td><td>0.0</td><td>1.0</td><td>2.0</td></tr>" in duration
    assert "<tr><th>20251125T020000Z</th><td>3.0</td><td>12.3</td><td>0.5</td><td>0.2</td><td>16.0</td></tr>" in duration
    held = table(found["held"], runs)
    assert "<tr><th>20251125T020000Z</th><td>2</td><td>1</td><td>3</td></tr>" in held
    assert "<tr><th>20251125T020000Z</th><td>1</td></tr>" in table(found["sources"], runs), "mee was blocked"
    articles = table(found["articles"], runs)
    assert "<tr><th>20251125T020000Z</th><td>3</td><td>1</td><td>1</td><td>5</td></tr>" in articles
    # Bars are drawn to scale: the 16 s night's bar is eight times as tall as the 2 s night's.
    bars: dict[str, float] = {}
    for x, height in re.findall(r'<rect class="fz-chart__s\d" x="([^"]+)" y="[^"]+" width="[^"]+" height="([^"]+)"/>',
                                svg(found["duration"], runs)):
        bars[x] = bars.get(x, 0.0) + float(height)
    first, second = bars.values()
    assert abs(first / second - 8) < 0.1


def test_a_real_night_renders_the_history_of_the_runs_before(deployment: Deployment) -> None:
    d = deployment
    first = d.run()
    second = d.run(force=True)
    assert (first.status, second.status) == ("published", "published"), second.summary
    html = (d.current().site / "status" / "index.html").read_text("utf-8")
    assert second.record.outcome.run in html and "近期运行" in html
    assert html.count('role="img"') == 4 and html.count("<title id=\"fz-chart-") == 4
    build = first.record.timings["build"]
    assert f"<th>构建网站</th><td>{build:.1f} 秒（上次运行 {first.record.outcome.run}）</td>" in html
    new = sum(row.new for row in first.record.scrape.sources)
    assert f"<tr><th>{first.record.outcome.run}</th><td>{new}</td><td>0</td><td>0</td><td>{new}</td></tr>" in html
    assert "data-run-field" not in html
