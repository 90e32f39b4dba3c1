"""The run record: written and read back unchanged, reports of earlier versions read, the summary and commit message made from it."""

from __future__ import annotations

import json
from pathlib import Path

from fazhi_app.nightly import STEPS, format_summary
from fazhi_app.run_record import RECORD_VERSION, RunRecord, SourceRow, read_history
from fazhi_app.snapshot import night_message

OLD_REPORT = Path(__file__).parent / "reports" / "report-v1.json"


def _record() -> RunRecord:
    record = RunRecord()
    record.outcome.run, record.outcome.status, record.outcome.exit_code = "20251126T020000Z", "published", 3
    record.outcome.message = "published release 20251126T020000Z"
    record.releases.release = record.releases.current = "20251126T020000Z"
    record.releases.published = True
    record.scrape.sources = [SourceRow("jx", "ok", new=3, changed=1, removed=2, requests=9),
                             SourceRow("mee", "blocked", requests=1, reasons=["HTTP 412 challenge"])]
    record.scrape.problem_sources = ["mee"]
    record.guard.held_tonight = [{"id": 7, "kind": "removed", "path": "cases/2025/a/index.md", "url": "http://x/a", "source": "jx",
                                  "reasons": ["3 of 10 removed"]}]
    record.guard.held = record.guard.held_tonight
    record.validate.articles, record.validate.excluded = 41, ["cases/2025/bad/index.md"]
    record.notes.warnings = ["search index repaired: 1 missing"]
    record.timings = {"scrape": 2.5, "build": 12.25, "total": 20.0}
    return record


def test_a_record_reads_back_as_written(tmp_path: Path) -> None:
    record = _record()
    record.write(tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["record_version"] == RECORD_VERSION
    assert data["sources"][1] == {**{k: 0 for k in ("new", "changed", "unchanged", "not_due", "revisited", "merged", "removed",
                                                     "conflicts", "failed")}, "name": "mee", "status": "blocked", "requests": 1,
                                  "reasons": ["HTTP 412 challenge"]}
    assert RunRecord.read(tmp_path / "r.json") == record


def test_a_report_written_before_the_record_had_a_version_reads() -> None:
    data = json.loads(OLD_REPORT.read_text("utf-8"))
    assert "record_version" not in data
    record = RunRecord.from_json(data)
    assert record.version == 1
    assert (record.outcome.run, record.outcome.status, record.releases.release) == (data["run"], "published", data["release"])
    assert [row.name for row in record.scrape.sources] == [s["name"] for s in data["sources"]]
    assert record.article_counts()["new"] == sum(s["new"] for s in data["sources"]) > 0
    assert record.timings == data["timings"]
    # Written again, every key it had keeps its value; only the version is added.
    again = record.to_json()
    assert {k: again[k] for k in data} == data and again["record_version"] == 1


def test_keys_a_report_lacks_take_their_defaults_and_unknown_keys_are_ignored() -> None:
    record = RunRecord.from_json({"run": "20240101T000000Z", "status": "failed", "a_later_section": {"x": 1}})
    assert record.scrape.sources == [] and record.notes.run_problems == [] and record.releases.rollback is None


def test_each_step_is_named_once_in_order() -> None:
    names = [step.name for step in STEPS]
    assert names == ["scrape", "guard", "validate", "laws", "extract", "fingerprint", "build", "index", "publish"]


def test_summary_is_made_from_the_record() -> None:
    summary = format_summary(_record())
    lines = summary.splitlines()
    assert lines[0] == "fazhi nightly 20251126T020000Z: published (exit 3): published release 20251126T020000Z"
    assert any(line.startswith("mee") and "blocked" in line for line in lines)
    assert "  mee: HTTP 412 challenge" in lines
    assert "left out of the release: cases/2025/bad/index.md" in lines
    assert "held for review: #7 removed cases/2025/a/index.md: 3 of 10 removed" in lines
    assert "times: scrape 2.5 s, build 12.2 s, total 20.0 s" in lines
    assert "warning: search index repaired: 1 missing" in lines


def test_snapshot_message_is_made_from_the_record() -> None:
    subject, lines = night_message(_record())
    assert subject == "nightly 20251126T020000Z: 3 new, 1 changed, 2 removed upstream, 1 held"
    assert "held: http://x/a (removed): 3 of 10 removed" in lines and "left out: cases/2025/bad/index.md" in lines


def test_history_keeps_finished_runs_of_any_version_oldest_first(tmp_path: Path) -> None:
    (tmp_path / "20240101T000000Z.json").write_text(OLD_REPORT.read_text("utf-8"), "utf-8")
    _record().write(tmp_path / "20251126T020000Z.json")
    running = RunRecord.from_json({"run": "20251127T020000Z", "status": "building"})
    running.write(tmp_path / "20251127T020000Z.json")
    running.write(tmp_path / "latest.json")
    (tmp_path / "20251125T020000Z.json").write_text("{damaged", "utf-8")
    history = read_history(tmp_path, "latest.json", 60)
    assert [r.outcome.run for r in history] == [json.loads(OLD_REPORT.read_text("utf-8"))["run"], "20251126T020000Z"]
    assert [r.outcome.run for r in read_history(tmp_path, "latest.json", 1)] == ["20251126T020000Z"]
