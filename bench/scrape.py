"""What a nightly scrape costs one host as the archive grows: 2,000 articles, no validators, the default 1 s delay.

The sample mirror's TRS site (www.mee.gov.cn) grown to 2,000 articles, served without ETag
or Last-Modified (as many government servers do), scraped with the default fetch settings
(delay 1 s, concurrency 2, robots.txt, retries, revisit schedule). The first, full scrape
fills the archive with the delay off (setup, not measured). Then:

- **no-change night**, real 1 s delay: requests, bytes, wall time;
- **10 list-visible edits** (new titles) among the 30 newest articles, real 1 s delay: all 10 picked up?
- **simulated nights** (a settable clock, one day per night, delay off, requests counted; at the
  1 s delay a night lasts about one second per request): a body edit of an old article that its
  list does not show is picked up on which night, against its revisit window; 10 title edits
  spread over the whole list, on which night; requests per night;
- **two sources, same articles**: the same 2,000 articles also served by the generic site
  (pufa.example.org); how many articles the archive holds afterwards.

Writes the "## Scrape" section of bench/RESULTS.md (``--no-write`` only prints). Today's
behaviour on the same mirror is measured separately (``--baseline`` runs the scraper of another
checkout, e.g. ``git archive main``, in a subprocess against the same mirror).

    .venv/bin/python bench/scrape.py [--articles 2000] [--nights 70] [--baseline DIR] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.results import machine, write_section  # noqa: E402
from fazhi.config import FetchSettings, Settings, default_paths  # noqa: E402
from fazhi.content import load_tree  # noqa: E402
from scraper.mirror import Mirror  # noqa: E402
from scraper.mirror.data import article_url_path  # noqa: E402
from scraper.run import scrape  # noqa: E402

TRS = "mee-zcjd"
GENERIC = "example-generic"
DEFAULT_DELAY = FetchSettings().delay


class Clock:
    """The schedule's clock, moved one simulated day per night."""

    def __init__(self) -> None:
        self.now = dt.datetime.now().replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now


def grow(mirror: Mirror, count: int, sites: tuple[str, ...]) -> list[str]:
    """Add ``count`` articles to each site, the same ones everywhere (ids, dates, titles, bodies); returns the TRS ids."""
    base = [a for a in mirror.articles("trs") if not a["flags"]]
    added: dict[str, list[dict[str, Any]]] = {site: [] for site in sites}
    ids = []
    for i in range(count):
        model = base[i % len(base)]
        when = (dt.datetime(2015, 1, 1) + dt.timedelta(hours=31 * i + 9)).strftime("%Y-%m-%d %H:%M")
        title = f"{model['title']}（第{i + 1}篇）"
        body = model["body"].replace("</p>", f"（编号 {i + 1}）</p>", 1)
        for site in sites:
            article_id = str(1_200_000 + i) if site == "trs" else f"b{i + 1:05d}"
            added[site].append({"id": article_id, "title": title, "date": when, "office": model["office"], "body": body,
                                "path": article_url_path(site, article_id, when), "files": [], "images": [], "flags": [],
                                "updated": "2025-08-01T08:00:00+00:00"})
        ids.append(str(1_200_000 + i))
    for site, records in added.items():
        mirror.data.save(site, [*mirror.articles(site), *records])
    return ids


def traffic(mirror: Mirror) -> tuple[int, int]:
    log = mirror.requests()
    return len(log), sum(r.size for r in log)


def night(mirror: Mirror, settings: Settings, clock: Clock, names: list[str], **options: Any) -> dict[str, Any]:
    mirror.clear_log()
    started = time.perf_counter()
    report = scrape(settings, names, clock=clock, **options)
    seconds = time.perf_counter() - started
    requests, size = traffic(mirror)
    sources = report.sources
    return {
        "requests": requests, "bytes": size, "seconds": seconds, "status": sorted({s.status for s in sources}),
        "walk": sources[0].walk, "list_pages": sum(s.list_pages for s in sources), "new": sum(s.new for s in sources),
        "changed": sum(s.changed for s in sources), "revisited": sum(s.revisited for s in sources),
        "changed_by_revisit": sum(s.changed_by_revisit for s in sources), "merged": sum(s.merged for s in sources),
    }


def settings_for(mirror: Mirror, root: Path, delay: float, names: tuple[str, ...]) -> Settings:
    settings = mirror.settings(Settings(paths=default_paths(root)))
    return replace(settings, fetch=replace(settings.fetch, delay=delay, backoff=FetchSettings().backoff),
                   sources=tuple(s for s in settings.sources if s.name in names))


def one_host(count: int, nights: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp, Mirror(Path(tmp) / "mirror", validators=False) as mirror:
        ids = grow(mirror, count, ("trs",))
        quick = settings_for(mirror, Path(tmp), 0.0, (TRS,))
        polite = replace(quick, fetch=replace(quick.fetch, delay=DEFAULT_DELAY))
        clock = Clock()
        result: dict[str, Any] = {"articles": len(mirror.articles("trs"))}
        result["setup"] = night(mirror, quick, clock, [TRS])

        clock.now += dt.timedelta(days=1)
        result["quiet"] = night(mirror, polite, clock, [TRS])

        newest = [a for a in mirror.articles("trs") if not a["flags"]][:30]
        for record in newest[::3]:
            mirror.edit_article("trs", record["id"], title=record["title"] + "（更新）")
        clock.now += dt.timedelta(days=1)
        result["listed_edits"] = night(mirror, polite, clock, [TRS])

        spread = ids[:: max(1, len(ids) // 10)][:10]
        hidden = ids[len(ids) // 2 + 7]  # not one of the spread edits: its list entry stays as it was
        mirror.edit_article("trs", hidden, body="<p>正文在列表看不到的地方改过了。</p>")
        for article_id in spread:
            record = mirror.data.article("trs", article_id)
            mirror.edit_article("trs", article_id, title=record["title"] + "（订正）")
        per_night, hidden_night, spread_found, spread_night, full_walks = [], None, 0, None, []
        for day in range(1, nights + 1):
            clock.now += dt.timedelta(days=1)
            done = night(mirror, quick, clock, [TRS])
            per_night.append(done["requests"])
            if done["walk"] == "full":
                full_walks.append(done["requests"])
            spread_found += done["changed"] - done["changed_by_revisit"]
            if spread_night is None and spread_found >= len(spread):
                spread_night = day
            if hidden_night is None and done["changed_by_revisit"]:
                hidden_night = day
        result["simulated"] = {"nights": nights, "hidden_edit_night": hidden_night, "spread_edits_night": spread_night,
                               "max_requests": max(per_night), "mean_requests": sum(per_night) / len(per_night),
                               "full_walk_requests": max(full_walks) if full_walks else 0,
                               "window_days": quick.fetch.revisit_max_days}
        return result


def two_sources(count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp, Mirror(Path(tmp) / "mirror", validators=False) as mirror:
        grow(mirror, count, ("trs", "generic"))
        settings = settings_for(mirror, Path(tmp), 0.0, (TRS, GENERIC))
        done = night(mirror, settings, Clock(), [TRS, GENERIC])
        articles = load_tree(settings.paths.content).articles
        shared = [a for a in articles if "（第" in a.title and "篇）" in a.title]
        both = [a for a in shared if a.origin_urls]
        return {**done, "archived": len(articles), "shared_archived": len(shared), "shared_with_both_urls": len(both)}


def baseline(checkout: Path, count: int) -> dict[str, Any]:
    """Today's behaviour: another checkout's scraper (``scraper.run.scrape``) on the same mirror, first run, then a no-change run."""
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp, Mirror(Path(tmp) / "mirror", validators=False) as mirror:
        grow(mirror, count, ("trs",))
        script = (
            "import json, sys, time; from dataclasses import replace; from pathlib import Path\n"
            "from fazhi.config import Settings, default_paths\nfrom scraper.run import scrape\n"
            "from scraper.mirror import mirror_settings\n"
            f"s = mirror_settings({mirror.base_url!r}, Settings(paths=default_paths(Path({tmp!r}) / 'old')))\n"
            f"s = replace(s, sources=tuple(replace(x, max_pages=10_000) for x in s.sources if x.name == {TRS!r}))\n"
            "scrape(s, progress=False); print('first done', flush=True); sys.stdin.readline()\n"
            "t = time.perf_counter(); scrape(s, progress=False); print(json.dumps({'seconds': time.perf_counter() - t}), flush=True)\n"
        )
        process = subprocess.Popen([sys.executable, "-c", script], cwd=checkout, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"})
        assert process.stdin is not None and process.stdout is not None
        process.stdout.readline()
        mirror.clear_log()
        process.stdin.write("\n")
        process.stdin.flush()
        seconds = json.loads(process.stdout.readline())["seconds"]
        process.wait(60)
        requests, size = traffic(mirror)
        return {"requests": requests, "bytes": size, "seconds_no_delay": seconds}


def load() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


def section(command: str, host: dict[str, Any], pair: dict[str, Any], old: dict[str, Any] | None, loads: tuple[str, str]) -> str:
    sim = host["simulated"]
    quiet, edits = host["quiet"], host["listed_edits"]
    lines = [
        "## Scrape",
        "",
        f"- Date: {dt.date.today().isoformat()}",
        f"- Machine: {machine()} (shared with other work while measuring: load average {loads[0]} at the start, "
        f"{loads[1]} at the end)",
        f"- Command: `{command}`",
        f"- Setup: sample mirror on 127.0.0.1 without validators (no ETag, no Last-Modified), its TRS site grown to "
        f"{host['articles']} articles on one host; default fetch settings (delay {DEFAULT_DELAY:g} s, concurrency 2, robots.txt, "
        "retries, revisit budget 60, full walk every 7 days); the first full scrape ran with the delay off "
        f"({host['setup']['requests']} requests, {host['setup']['seconds']:.0f} s).",
        "",
        "| night (delay 1 s, real) | requests | bytes | wall time (s) | list pages | picked up |",
        "|---|---:|---:|---:|---:|---|",
        f"| no change upstream | {quiet['requests']} | {quiet['bytes']:,} | {quiet['seconds']:.1f} | {quiet['list_pages']} | — |",
        f"| 10 title edits among the 30 newest | {edits['requests']} | {edits['bytes']:,} | {edits['seconds']:.1f} | "
        f"{edits['list_pages']} | {edits['changed']} of 10 |",
    ]
    if old:
        estimate = old["requests"] * DEFAULT_DELAY
        lines.append(f"| no change, today's behaviour (main) | {old['requests']} | {old['bytes']:,} | ≈ {estimate:.0f} (estimated: one "
                     f"request per second; {old['seconds_no_delay']:.0f} s with the delay off) | every page | — |")
    lines += [
        "",
        f"Simulated nights (settable clock, one day per night, {sim['nights']} nights, delay off; at the 1 s delay a night lasts "
        "about one second per request):",
        "",
        f"- a body edit of an old article that the list does not show: picked up on simulated night {sim['hidden_edit_night']}, "
        f"{sim['hidden_edit_night'] + 2} days after its page was last fetched (its revisit window is at most {sim['window_days']:g} days);",
        f"- 10 title edits spread over the whole list (pages the nightly walk does not reach): all picked up by night "
        f"{sim['spread_edits_night']} (the next full walk);",
        f"- requests per night: mean {sim['mean_requests']:.0f}, most {sim['max_requests']} (a full-walk night: "
        f"{sim['full_walk_requests']}, every list page plus the night's revisits).",
        "",
        f"Two sources, same articles: the {pair['shared_archived']} shared articles served by both the TRS and the generic site "
        f"({pair['requests']} requests) are archived as {pair['shared_archived']} files, {pair['shared_with_both_urls']} of them "
        f"listing both addresses; {pair['merged']} second copies were merged, {pair['archived']} articles in all (with the sites' "
        "own).",
        "",
        "A nightly walk stops at the first list page whose entries are known and unchanged; an article page is asked for "
        "again only when its list entry changes or it is due by age, within the per-source revisit budget "
        "(scraper/source_run.py, scraper/schedule.py).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--nights", type=int, default=70, help="simulated nights for the revisit window")
    parser.add_argument("--baseline", type=Path, default=None, help="a checkout of today's code to measure on the same mirror")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    started = load()
    host = one_host(args.articles, args.nights)
    print(json.dumps(host, indent=1))
    pair = two_sources(args.articles)
    print(json.dumps(pair, indent=1))
    old = baseline(args.baseline.resolve(), args.articles) if args.baseline else None
    print(json.dumps(old, indent=1))
    text = section(("python bench/scrape.py " + " ".join(sys.argv[1:])).strip(), host, pair, old, (started, load()))
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
