"""Site build benchmark: the LawRefBook corpus as articles, our build against a bare Material build.

Imports every document of the corpus (3,475 laws) as an article into a temp content
tree, spread over the three columns (title from the first ``# `` heading, date from a
``(YYYY-MM-DD)`` in the file name, else the first ``YYYY年M月D日`` in the text), then
times two builds of that same tree, each in its own process:

- fazhi: ``fazhi_app.build.build_site`` (validation, strict MkDocs build with the fazhi
  plugin: listings, year archives, law pages, feeds);
- bare: Material with no plugin at all and ``nav`` set to the home page, so the
  articles are plain pages rendered by the same theme and Markdown extensions.

Reports wall time, peak memory (the build process's own maxrss), output size and the
median article page size, and writes them to the "## Site build" section of
bench/RESULTS.md. Targets: fazhi ≤ 1.3 × bare wall time, median article page ≤ 60 KB.

    python bench/build.py [--corpus DIR] [--limit N] [--repeat N] [--keep DIR] [--no-write] [--law-library [DIR]]

With ``--law-library`` (default DIR: the corpus itself) the same articles are built twice by
fazhi, without and with that law library (law pages with text for every law, citations linked),
and bare Material builds the same pages: the articles plus every library file as a page of its
own. Results go to "## Site build with the law library", together with the citation links and
the unresolved citations of the sample site (docs/ with fazhi_app/sample_laws).

The corpus defaults to $FAZHI_LAWREFBOOK, else ../shared/corpora/lawrefbook/data
beside the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.results import machine, write_section  # noqa: E402
from fazhi.article import Article, article_path, classify, slugify  # noqa: E402
from fazhi.config import Settings, default_paths  # noqa: E402
from fazhi.content import load_tree  # noqa: E402
from fazhi_app.build import build_site  # noqa: E402
from fazhi_app.citation_check import citation_warnings  # noqa: E402
from fazhi_app.hooks.archive import COLUMN_ORDER  # noqa: E402

SECTION = "## Site build"
FILE_DATE_RE = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)")
TEXT_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
FALLBACK_DATE = dt.datetime(2000, 1, 1)
TARGET_RATIO = 1.3
TARGET_MEDIAN_KB = 60

OUR_BUILD = """
import json, resource, sys
from pathlib import Path
from fazhi_app.build import build_site
from fazhi.config import Settings, default_paths
repo, content, site, state = map(Path, sys.argv[1:5])
library = sys.argv[5] if len(sys.argv) > 5 else None
settings = Settings(paths=default_paths(repo)).with_paths(content=content, site=site, state=state, law_library=library)
result = build_site(settings)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"pages": result.pages, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
                  "links": result.citation_links}))
"""

BARE_BUILD = """
import json, resource, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(config_file=sys.argv[1])
config.plugins.on_startup(command="build", dirty=False)
build(config)
config.plugins.on_shutdown()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"pages": None, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}))
"""


@dataclass
class Run:
    """One timed build."""

    seconds: float
    cpu_seconds: float
    maxrss_mb: float
    pages: int
    bytes: int
    median_article_kb: float
    links: int = 0


def document_date(path: Path, text: str) -> dt.datetime:
    match = FILE_DATE_RE.search(path.name) or TEXT_DATE_RE.search(text[:2000])
    if match:
        try:
            return dt.datetime(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    return FALLBACK_DATE


def import_corpus(corpus: Path, content: Path, limit: int | None) -> list[str]:
    """Write the site pages and one article per corpus document; returns the article URLs."""
    shutil.copytree(REPO / "docs", content, ignore=lambda d, names: [n for n in names if Path(d) == REPO / "docs" and n in COLUMN_ORDER])
    files = sorted(corpus.rglob("*.md"))[:limit]
    slugs: set[str] = set()
    urls = []
    for number, path in enumerate(files):
        text = path.read_text("utf-8")
        lines = text.split("\n")
        heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
        title = lines[heading][2:].strip() if heading is not None else path.stem
        body = "\n".join(lines[heading + 1:] if heading is not None else lines)
        slug = base = slugify(title)
        suffix = 2
        while slug in slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        slugs.add(slug)
        article = Article(
            title=title,
            date=document_date(path, text),
            column=classify(title) or COLUMN_ORDER[number % 3],
            slug=slug,
            body=body,
            source=path.relative_to(corpus).parts[0],
            publisher="国家法律法规数据库",
        )
        target = content / article_path(article.column, article.date, article.slug)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(article.to_markdown(), "utf-8")
        urls.append(article.url)
    return urls


def bare_config(work: Path, content: Path, site: Path, name: str = "bare-mkdocs.yml") -> Path:
    """Material, no plugins, the home page as the whole nav, our Markdown extensions.

    Site pages that need one of our templates (the search page) are left out: bare Material has none.
    """
    ours = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    custom = [p.relative_to(content).as_posix() for p in content.glob("*/index.md") if "\ntemplate:" in p.read_text("utf-8")]
    config = {
        "site_name": "bare",
        "docs_dir": str(content),
        "site_dir": str(site),
        "theme": {"name": "material", "language": "zh", "font": False},
        "plugins": [],
        "nav": ["index.md"],
        "markdown_extensions": ours["markdown_extensions"],
        "exclude_docs": "\n".join(custom),
    }
    path = work / name
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return path


def measure(command: list[str], site: Path, urls: list[str]) -> Run:
    if site.exists():
        shutil.rmtree(site)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed: {' '.join(command[:3])}\n{done.stderr[-4000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    pages = report["pages"] or sum(1 for _ in site.rglob("index.html"))
    sizes = sorted((site / url / "index.html").stat().st_size for url in urls)
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return Run(seconds, report["cpu"], report["maxrss_kb"] / 1024, pages, total, statistics.median(sizes) / 1024, report.get("links") or 0)


def section(command: str, documents: int, ours: list[Run], bare: list[Run]) -> str:
    best_ours, best_bare = min(ours, key=lambda r: r.seconds), min(bare, key=lambda r: r.seconds)
    ratio = best_ours.seconds / best_bare.seconds
    cpu_ratio = min(r.cpu_seconds for r in ours) / min(r.cpu_seconds for r in bare)

    def row(name: str, run: Run) -> str:
        return (f"| {name} | {run.seconds:.1f} | {run.cpu_seconds:.1f} | {run.maxrss_mb:.0f} | {run.pages:,} |"
                f" {run.bytes / 1024 / 1024:.0f} | {run.median_article_kb:.1f} |")

    verdict = "meets" if ratio <= TARGET_RATIO and best_ours.median_article_kb <= TARGET_MEDIAN_KB else "MISSES"
    return "\n".join([
        SECTION,
        "",
        f"- Machine: {machine()}; other work was running on it at the same time.",
        f"- Date: {dt.date.today().isoformat()}",
        f"- Command: `{command}`",
        f"- Input: {documents:,} LawRefBook documents imported as articles (plus the site's own pages), spread over the three columns.",
        f"- Best of {len(ours)} runs each, alternating (wall time of the whole build process, including Python start-up):"
        f" fazhi {', '.join(f'{r.seconds:.1f}' for r in ours)} s; bare {', '.join(f'{r.seconds:.1f}' for r in bare)} s."
        f" CPU time (user + system of the build process; steadier than wall time on a shared machine):"
        f" fazhi {', '.join(f'{r.cpu_seconds:.1f}' for r in ours)} s; bare {', '.join(f'{r.cpu_seconds:.1f}' for r in bare)} s.",
        "",
        "| build | wall time (s) | CPU time (s) | peak memory (MB) | HTML pages | output (MB) | median article page (KB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        row("fazhi (`build_site`, strict, listings, year archives, law pages, feeds)", best_ours),
        row("bare Material (no plugins, nav = home page)", best_bare),
        "",
        f"Ratio fazhi / bare: **{ratio:.2f}** in wall time, {cpu_ratio:.2f} in CPU time (target ≤ {TARGET_RATIO});"
        f" median article page **{best_ours.median_article_kb:.1f} KB** (target ≤ {TARGET_MEDIAN_KB} KB): {verdict} the targets.",
        "",
        f"fazhi writes {best_ours.pages - best_bare.pages:,} pages more than bare (column listings, year archives, one page per"
        " cited law, guide) plus the feeds, and validates every article first. What keeps it close to bare: article files are"
        " loaded once with libyaml and filed under column, year and law in one pass; generated pages skip the Markdown pass;"
        " Material's nav, tabs, stylesheet/script links, footer and config block are rendered once per place in the site"
        " instead of once per page (`fazhi_app/hooks/theme.py`); the garbage collector does not rescan the loaded archive while"
        " pages render.",
        "",
    ])


LIBRARY_SECTION = "## Site build with the law library"


def revision() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def bare_with_library(work: Path, content: Path, library: Path) -> Path:
    """A copy of the content tree with every library file as one more plain page: what bare Material builds for law pages."""
    bare_content = work / "bare-content"
    if bare_content.exists():
        shutil.rmtree(bare_content)
    shutil.copytree(content, bare_content)
    for number, path in enumerate(sorted(library.rglob("*.md"))):
        target = bare_content / "statutes" / f"{number}" / "index.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text("utf-8"), "utf-8")
    return bare_config(work, bare_content, work / "bare-site", "bare-law-pages-mkdocs.yml")


def sample_site_citations(work: Path) -> tuple[int, int]:
    """(citation links, unresolved citations) of the sample site: docs/ built with fazhi_app/sample_laws."""
    settings = Settings(paths=default_paths(REPO)).with_paths(
        site=work / "sample-site", state=work / "sample-state", law_library=REPO / "fazhi_app" / "sample_laws")
    result = build_site(settings)
    return result.citation_links, len(citation_warnings(settings, load_tree(settings.paths.content)))


def library_runs(work: Path, content: Path, library: Path, urls: list[str], args: argparse.Namespace) -> None:
    """fazhi without and with the library against bare Material on the articles plus one page per library file."""
    base = [sys.executable, "-c", OUR_BUILD, str(REPO), str(content), str(work / "site"), str(work / "state")]
    commands = {
        "fazhi": base,
        "fazhi+library": [*base, str(library)],
        "bare": [sys.executable, "-c", BARE_BUILD, str(bare_config(work, content, work / "bare-site"))],
        "bare+law pages": [sys.executable, "-c", BARE_BUILD, str(bare_with_library(work, content, library))],
    }
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for n in range(args.repeat):
        for name, command in commands.items():
            runs[name].append(measure(command, work / ("site" if name.startswith("fazhi") else "bare-site"), urls))
            print(f"run {n + 1}: {name} {runs[name][-1].seconds:.1f} s", flush=True)
    links, unresolved = sample_site_citations(work)
    best = {name: min(r, key=lambda run: run.seconds) for name, r in runs.items()}
    ratio = best["fazhi+library"].seconds / best["bare+law pages"].seconds
    cpu_ratio = min(r.cpu_seconds for r in runs["fazhi+library"]) / min(r.cpu_seconds for r in runs["bare+law pages"])
    median = best["fazhi+library"].median_article_kb
    verdict = "meets" if ratio <= TARGET_RATIO and median <= TARGET_MEDIAN_KB else "MISSES"
    rows = [
        f"| {name} | {run.seconds:.1f} | {run.cpu_seconds:.1f} | {run.maxrss_mb:.0f} | {run.pages:,} | {run.bytes / 1024 / 1024:.0f} |"
        f" {run.median_article_kb:.1f} | {run.links:,} |"
        for name, run in best.items()
    ]
    argv = " ".join(sys.argv[1:])
    text = "\n".join([
        LIBRARY_SECTION,
        "",
        f"- Machine: {machine()}; load average before the runs: {os.getloadavg()[0]:.2f} (other work shares the machine).",
        f"- Date: {dt.date.today().isoformat()}, at revision {revision()}",
        f"- Command: `python bench/build.py {argv}`",
        f"- Input: {len(urls):,} LawRefBook documents imported as articles; law library: {library} (the same corpus, read as statutes).",
        f"- Best of {args.repeat} runs each, alternating; wall times: "
        + "; ".join(f"{name} {', '.join(f'{r.seconds:.1f}' for r in rs)} s" for name, rs in runs.items()) + ".",
        "",
        "| build | wall time (s) | CPU time (s) | peak memory (MB) | HTML pages | output (MB) | median article page (KB) | links |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"fazhi with the library / bare Material with one page per library file: **{ratio:.2f}** in wall time, {cpu_ratio:.2f} in CPU"
        f" time (target ≤ {TARGET_RATIO}); median article page **{median:.1f} KB** (target ≤ {TARGET_MEDIAN_KB} KB):"
        f" {verdict} the targets.",
        f"Library cost: {best['fazhi+library'].seconds - best['fazhi'].seconds:.1f} s more than fazhi without it.",
        "",
        f"Sample site (docs/ with fazhi_app/sample_laws): {links} citation links made, {unresolved} unresolved citations"
        " (`fazhi check` warnings: the sample articles also cite real national laws, which the fictional sample library lacks).",
        "",
        "On a shared machine wall times swing with the load; CPU times are the steadier comparison. Where the library's"
        " time goes: reading it once per build, one page per law version with its text rendered without a Markdown pass"
        " (bare Material runs Markdown over every law file), and the popover JSON blocks of the cited law versions. The"
        " corpus mostly cites without 《》 (依照刑法第二百六十六条), which is deliberately not read as a citation, hence few links.",
        "",
    ])
    print(text)
    if not args.no_write:
        write_section(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_corpus = os.environ.get("FAZHI_LAWREFBOOK") or str(REPO.parent / "shared" / "corpora" / "lawrefbook" / "data")
    parser.add_argument("--corpus", type=Path, default=Path(default_corpus), help="LawRefBook data folder")
    parser.add_argument("--limit", type=int, default=None, help="import only the first N documents")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each build; the best is reported")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    parser.add_argument("--no-write", action="store_true", help="print the results without updating bench/RESULTS.md")
    parser.add_argument("--law-library", type=Path, nargs="?", const=True, default=None,
                        help="also build with this law library (default: the corpus) and compare with bare Material on the same pages")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: corpus not found (set --corpus or $FAZHI_LAWREFBOOK)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="fazhi-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        content = work / "content"
        if content.exists():
            shutil.rmtree(content)
        urls = import_corpus(args.corpus, content, args.limit)
        print(f"imported {len(urls)} documents into {content}", flush=True)
        ours_cmd = [sys.executable, "-c", OUR_BUILD, str(REPO), str(content), str(work / "site"), str(work / "state")]
        if args.law_library is not None:
            library = args.corpus if args.law_library is True else args.law_library
            library_runs(work, content, library, urls, args)
            return
        bare_cmd = [sys.executable, "-c", BARE_BUILD, str(bare_config(work, content, work / "bare-site"))]
        ours, bare = [], []
        for n in range(args.repeat):
            ours.append(measure(ours_cmd, work / "site", urls))
            print(f"run {n + 1}: fazhi {ours[-1].seconds:.1f} s", flush=True)
            bare.append(measure(bare_cmd, work / "bare-site", urls))
            print(f"run {n + 1}: bare  {bare[-1].seconds:.1f} s", flush=True)
        argv = " ".join(sys.argv[1:])
        text = section(f"python bench/build.py{' ' + argv if argv else ''}", len(urls), ours, bare)
        print(text)
        if not args.no_write:
            write_section(text)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
