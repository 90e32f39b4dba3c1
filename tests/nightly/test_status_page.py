"""The 运行状态 page: rendered from a run report, escaped, and completed after the build."""

from __future__ import annotations

import json
from pathlib import Path

from fazhi.config import Settings, default_paths
from fazhi_app.hooks.archive import Archive
from fazhi_app.hooks.status import SRC_URI, finish_status_page, pages

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


def _archive(tmp_path: Path, report: dict | None) -> Archive:
    settings = Settings(paths=default_paths(tmp_path))
    if report is not None:
        (settings.paths.state / "reports").mkdir(parents=True)
        (settings.paths.state / "reports" / "latest.json").write_text(json.dumps(report), "utf-8")
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
    assert '<td data-run-field="time:scrape">2.5 秒</td>' in html
    assert '<td data-run-field="time:build">—</td>' in html, "build time is unknown while building"


def test_without_a_report_the_page_says_so(tmp_path: Path) -> None:
    [spec] = pages(_archive(tmp_path, None))
    assert "尚无自动运行记录" in spec.markdown


def test_an_unreadable_report_does_not_stop_the_build(tmp_path: Path) -> None:
    archive = _archive(tmp_path, REPORT)
    (archive.settings.paths.state / "reports" / "latest.json").write_text("{not json", "utf-8")
    [spec] = pages(archive)
    assert "运行报告无法读取" in spec.markdown


def test_finish_fills_status_and_times_into_the_built_page(tmp_path: Path) -> None:
    [spec] = pages(_archive(tmp_path, REPORT))
    page = tmp_path / "site" / "status" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html><body>{spec.markdown}</body></html>", "utf-8")
    finish_status_page(tmp_path / "site", {**REPORT, "timings": {**REPORT["timings"], "build": 12.34, "index": 0.5}})
    html = page.read_text("utf-8")
    assert '<td data-run-field="time:build">12.3 秒</td>' in html
    assert '<td data-run-field="time:index">0.5 秒</td>' in html
    assert '<span data-run-field="status">已发布新版本</span>' in html
    assert '<td data-run-field="time:scrape">2.5 秒</td>' in html


def test_notes_list_interrupted_runs_and_warnings_including_those_after_the_build(tmp_path: Path) -> None:
    report = {**REPORT, "interrupted": ["20251125T020000Z"], "warnings": ["disk <almost> full"]}
    [spec] = pages(_archive(tmp_path, report))
    assert "上次运行 20251125T020000Z 被中断" in spec.markdown and "disk &lt;almost&gt; full" in spec.markdown
    page = tmp_path / "site" / "status" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html><body>{spec.markdown}</body></html>", "utf-8")
    later = {**report, "warnings": [*report["warnings"], "search index repaired: 1 missing; it was rebuilt from the content tree"]}
    finish_status_page(tmp_path / "site", later)
    html = page.read_text("utf-8")
    assert "search index repaired: 1 missing" in html and "disk &lt;almost&gt; full" in html
    assert html.count("被中断") == 1


def test_a_quiet_run_says_it_has_no_notes(tmp_path: Path) -> None:
    [spec] = pages(_archive(tmp_path, REPORT))
    assert '<ul data-run-list="notes"><li>无</li></ul>' in spec.markdown
