"""Index build: the full build of the 3,475 LawRefBook documents, timed, and the incremental update of ten.

1. The documents are written as an article content tree and
   ``search.indexer.rebuild_index`` builds the index as ``fazhi index --rebuild``
   does (load and validate the tree, then Whoosh's multi-process writer,
   ``search.index_writer.CheckedMpWriter``, in two processes on two cores, one
   segment each): wall time, CPU time of this process and of the writer
   processes, index size, and the load average around it (the machine may be
   shared). The CPU time gives the wall time on two idle cores: this process's
   time plus half the writer processes' time. The full build has no target:
   the nightly job rebuilds only when the schema changes.
2. Ten articles change and ``update_index`` runs as ``fazhi index`` does (target ≤ 2 s).
3. With ``--check``: the index is checked the way the product relies on it:
   Whoosh's ``optimize`` rewrites every segment into one (its merge path
   reading back every posting), then ``search.verify`` compares the index with
   the content tree (about 2 minutes more).
4. With ``--profile``: the same build in one process under cProfile, the time
   grouped into analysis, Whoosh's posting pool and its writing of the postings
   (blocks, pickling, compression), plus the top functions.

With ``--laws-with-units`` it measures instead what ``fazhi index --rebuild`` writes
with a law library: the LawRefBook folder read as one (``fazhi.law.library.load_library``),
its laws as documents and every article of their versions in force as a unit
(``search.law_documents``), all written from scratch by ``sync_articles``. It
reports the reading, then the writing's wall time, CPU time of this process and
of the writer processes, the largest writer's peak resident memory and the
index size (target: ≤ 5 minutes in all). ``--laws N`` takes N laws spread over
the library (for a quick comparison); ``--profile`` then profiles the writing
in one process.

    .venv/bin/python bench/index_build.py [--check] [--profile] [--write]
    .venv/bin/python bench/index_build.py --laws-with-units [--laws N] [--profile] [--write]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.results import machine, write_section
from bench.search_corpus import LAWS, dir_size, git_revision, law_articles, law_documents, load_average
from fazhi.law.library import Library, load_library
from search import law_documents as library_index
from search.indexer import WRITER_MB, optimize_index, rebuild_index, sync_articles, update_index
from search.verify import verify_index
from tests.fixtures.search import write_tree

UPDATE_TARGET = 2.0
# The whole rebuild with the law library's laws and article units, reading the library included (seconds).
UNITS_TARGET = 300.0
CHANGED = 10
# Profile phases: (label, (file suffix, function name)) of the functions whose cumulative time makes each phase.
PHASES = (
    ("adding documents: analysis and Whoosh's posting pool", (("whoosh/writing.py", "add_document"),)),
    ("analysis (rjieba words, bigrams, positions)", (("search/schema.py", "word_values"),)),
    ("writing the postings at commit (Whoosh's sorted pool through its field writer)", (("whoosh/codec/base.py", "add_postings"),)),
    ("zlib compression of the blocks", (("~", "<built-in method zlib.compress>"),)),
    ("pickling (blocks and positions)", (("~", "<built-in method _pickle.dumps>"),)),
    ("Whoosh's posting pool (adding a posting)", (("whoosh/writing.py", "add"),)),
    ("Whoosh's lookup of a document's field length for each posting", (("whoosh/codec/whoosh3.py", "doc_field_length"),)),
    ("Whoosh's columns and stored fields per document",
     (("whoosh/codec/base.py", "add_column_value"), ("whoosh/codec/whoosh3.py", "add_field"))),
    ("the index documents of laws and units (search/law_documents.py)",
     (("search/law_documents.py", "unit_fields"), ("search/law_documents.py", "document_fields"))),
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(content: Path, where: Path, procs: int | None) -> dict[str, float]:
    load = load_average()
    cpu, kids, started = time.process_time(), children_cpu(), time.perf_counter()
    stats = rebuild_index(content, where, procs=procs)
    wall = time.perf_counter() - started
    return {
        "wall": wall, "cpu": time.process_time() - cpu, "children": children_cpu() - kids,
        "size": dir_size(Path(stats.directory)) / 2**20, "documents": stats.documents, "load": load, "end_load": load_average(),
    }


def update(content: Path, articles: list, where: Path) -> tuple[float, float]:  # type: ignore[type-arg]
    """(wall, CPU) seconds of ``update_index`` after ten articles changed (one process: a small segment beside the big ones)."""
    note = "\n\n（第{}次修订说明：本条内容已更新。）"
    write_tree(content, [dataclasses.replace(a, body=a.body + note.format(n)) for n, a in enumerate(articles[::347][:CHANGED])])
    started, cpu = time.perf_counter(), time.process_time()
    stats = update_index(content, where)
    assert (stats.updated, stats.added, stats.removed) == (CHANGED, 0, 0), stats
    return time.perf_counter() - started, time.process_time() - cpu


def check(content: Path, where: Path) -> str:
    """Whoosh's optimize over the updated index (its merge reads every posting back), then verification."""
    started = time.perf_counter()
    optimize_index(where)
    seconds = time.perf_counter() - started
    verification = verify_index(content, where)
    if not verification.ok:
        raise SystemExit("the optimized index does not match: " + "; ".join(map(str, verification.differences[:5])))
    return f"optimize {seconds:.1f} s; {verification.summary}"


def profile(articles: list, where: Path, laws: list | None = None) -> tuple[list[tuple[str, float]], float, str]:  # type: ignore[type-arg]
    profiler = cProfile.Profile()
    profiler.enable()
    sync_articles(articles, where, rebuild=True, procs=1, laws=laws or ())
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(row[3] for row in stats.stats.values())  # type: ignore[attr-defined]
    phases = []
    for label, keys in PHASES:
        seconds = sum(
            row[3] for (file, _, name), row in stats.stats.items()  # type: ignore[attr-defined]
            if any(file.endswith(suffix) and name == function for suffix, function in keys)
        )
        phases.append((label, seconds))
    top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:12]  # type: ignore[attr-defined]
    lines = [f"| `{Path(file).name}:{line} {name}` | {row[2]:.1f} s | {row[1]:,} |" for (file, line, name), row in top]
    return phases, total, "\n".join(lines)


def library_units(count: int | None) -> tuple[list[library_index.LawIndexed], int, int, float]:
    """(laws and units, laws, units, seconds to read) of the LawRefBook library, or of ``count`` laws spread over it."""
    started = time.perf_counter()
    library = load_library(LAWS)
    if count is not None:
        names = sorted(library.laws)
        library = Library(library.root, {name: library.laws[name] for name in names[::max(1, len(names) // count)][:count]})
    laws, units = library_index.law_documents(library), library_index.provision_units(library)
    return [*laws, *units], len(laws), len(units), time.perf_counter() - started


def write_units(documents: list[library_index.LawIndexed], where: Path, procs: int | None) -> dict[str, float]:
    """The laws and units written from scratch as ``fazhi index --rebuild`` writes them (no articles beside them here)."""
    load = load_average()
    cpu, kids, started = time.process_time(), children_cpu(), time.perf_counter()
    stats = sync_articles([], where, rebuild=True, procs=procs, laws=documents)
    wall = time.perf_counter() - started
    return {
        "wall": wall, "cpu": time.process_time() - cpu, "children": children_cpu() - kids,
        "peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20, "size": dir_size(Path(stats.directory)) / 2**20,
        "documents": stats.documents, "load": load, "end_load": load_average(),
    }


def units_main(args: argparse.Namespace) -> int:
    documents, laws, units, read = library_units(args.laws)
    print(f"read: {laws:,} laws and {units:,} article units in {read:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="fazhi-units-") as tmp:
        built = write_units(documents, Path(tmp) / "index", args.procs)
        print(f"write: {built['documents']:,} documents in {built['wall']:.1f} s wall, {built['cpu']:.1f} s CPU here + "
              f"{built['children']:.1f} s CPU in writer processes, largest writer {built['peak']:.2f} GB resident, {built['size']:.0f} MB; "
              f"load {built['load']} -> {built['end_load']}", flush=True)
        phases, total, top = profile([], Path(tmp) / "profiled", documents) if args.profile else ([], 0.0, "")
    for label, seconds in phases:
        print(f"  {label}: {seconds:.1f} s of {total:.1f} s profiled", flush=True)
    if args.write:
        write_section(units_section(built, laws, units, read, phases, total, top, args))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="also optimize the updated index and verify it (about 2 minutes)")
    ap.add_argument("--profile", action="store_true", help="also profile a one-process build (about 3 minutes)")
    ap.add_argument("--procs", type=int, default=None, help="writer processes (default: what the product uses)")
    ap.add_argument("--laws-with-units", action="store_true", help="measure the law library's laws and units instead")
    ap.add_argument("--laws", type=int, default=None, help="with --laws-with-units: only this many laws, spread over the library")
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    args = ap.parse_args()
    if args.laws_with_units:
        return units_main(args)

    articles, _ = law_articles(law_documents())
    with tempfile.TemporaryDirectory(prefix="fazhi-build-") as tmp:
        content = write_tree(Path(tmp) / "content", articles)
        built = build(content, Path(tmp) / "index", args.procs)
        print(f"build: {built['documents']} documents in {built['wall']:.1f} s wall, {built['cpu']:.1f} s CPU here + "
              f"{built['children']:.1f} s CPU in writer processes, {built['size']:.0f} MB; load {built['load']} -> {built['end_load']}",
              flush=True)
        updated, updated_cpu = update(content, articles, Path(tmp) / "index")
        print(f"update: {CHANGED} changed articles in {updated:.2f} s wall, {updated_cpu:.2f} s CPU", flush=True)
        checked = check(content, Path(tmp) / "index") if args.check else ""
        if checked:
            print(checked, flush=True)
        phases, total, top = profile(articles, Path(tmp) / "profiled") if args.profile else ([], 0.0, "")
    for label, seconds in phases:
        print(f"  {label}: {seconds:.1f} s of {total:.1f} s profiled", flush=True)
    if args.write:
        write_section(section(built, updated, updated_cpu, checked, phases, total, top, args))
    return 0


def profile_text(what: str, phases: list[tuple[str, float]], total: float, top: str) -> str:
    """The profile's part of a section: time per phase and the top functions (empty without a profile)."""
    if not phases:
        return ""
    phase_rows = "\n".join(f"| {label} | {seconds:.1f} s | {100 * seconds / total:.0f} % |" for label, seconds in phases)
    return f"""
Profile of the same {what} in one process (cProfile, which roughly doubles Python-heavy time; cumulative
time per phase, phases overlap where one calls another; {total:.1f} s profiled in all):

| phase | time | share |
|---|---|---|
{phase_rows}

Top functions by own time:

| function | own time | calls |
|---|---|---|
{top}
"""


def section(
    built: dict[str, float], updated: float, updated_cpu: float, checked: str,
    phases: list[tuple[str, float]], total: float, top: str, args: argparse.Namespace,
) -> str:
    """The "Index build" section of RESULTS.md for these results."""
    cpu = built["cpu"] + built["children"]
    idle = built["cpu"] + built["children"] / 2
    met = "met" if updated <= UPDATE_TARGET else "not met"
    checked_what = "the updated index through Whoosh's optimize (all segments merged into one), then verified"
    check_row = f"| {checked_what} | {checked} | |\n" if checked else ""
    profiled = profile_text("build", phases, total, top)
    options = "".join(f"--{name} " for name in ("check", "profile") if getattr(args, name))
    return f"""## Index build

Measured {dt.date.today().isoformat()} at revision {git_revision()} on: {machine()}.
The machine is shared: load average {built['load']} at the start, {built['end_load']} at the end; with
other work on both cores the wall time is longer than on an idle machine, the CPU time much less so.

| what | result | target |
|---|---|---|
| full build, {built['documents']:,} LawRefBook documents as a content tree, `rebuild_index` (`fazhi index --rebuild`) |\
 {built['wall']:.1f} s wall | none (the nightly job rebuilds only on a schema change) |
| CPU time of that build (this process + two writer processes) | {cpu:.1f} s ({built['cpu']:.1f} + {built['children']:.1f}) | |
| wall time that CPU time makes on two idle cores (this process + half the writers') | about {idle:.0f} s | |
| index size | {built['size']:.0f} MB | |
| incremental update, {CHANGED} changed articles of {built['documents']:,} (`update_index`, `fazhi index`) |\
 {updated:.2f} s wall, {updated_cpu:.2f} s CPU | ≤ {UPDATE_TARGET:.0f} s: {met} |
{check_row}
The writer is Whoosh's own: `whoosh.multiproc.MpWriter` with one segment per writer process
(`search.index_writer.CheckedMpWriter`, which adds only a commit that fails when a writer process died, and a
cancel that ends the processes), and Whoosh's `SegmentWriter` in one process for updates under 400
documents; a posting buffer of {WRITER_MB / 1024:.0f} GB split between the processes (`search.indexer.WRITER_MB`).
{profiled}
Command: `.venv/bin/python bench/index_build.py {options}--write`\
 (the corpus under `FAZHI_SHARED`, by default `../shared`)
"""


def units_section(
    built: dict[str, float], laws: int, units: int, read: float, phases: list[tuple[str, float]], total: float, top: str,
    args: argparse.Namespace,
) -> str:
    """The "Index build: the law library with its article units" section of RESULTS.md."""
    whole = read + built["wall"]
    met = "met" if whole <= UNITS_TARGET else "not met"
    idle = read + built["cpu"] + built["children"] / 2
    profiled = profile_text("writing", phases, total, top)
    first = str(built["load"]).split(" / ")[0]
    busy = (" Other work ran beside it (a load above 2.5 at the start): on two idle cores the wall time is about the"
            " estimate from the CPU time below." if first[:1].isdigit() and float(first) >= 2.5 else "")
    options = "".join(f"--{name} " for name in ("profile",) if getattr(args, name)) + (f"--laws {args.laws} " if args.laws else "")
    return f"""## Index build: the law library with its article units

Measured {dt.date.today().isoformat()} at revision {git_revision()} on: {machine()}.
Load average {built['load']} at the start of the writing, {built['end_load']} at its end (the machine is shared; the CPU
times depend little on the load, the wall time much).{busy}

| what | result | target |
|---|---|---|
| reading the library (`load_library`) and making its documents and units (`search.law_documents`) |\
 {laws:,} laws, {units:,} units, {read:.1f} s | |
| writing them from scratch (`sync_articles(..., rebuild=True)`, as `fazhi index --rebuild` with a law library) |\
 {built['wall']:.1f} s wall | |
| the whole rebuild, reading and writing | {whole:.1f} s wall | ≤ {UNITS_TARGET:.0f} s: {met} |
| CPU time of the writing (this process + the writer processes) |\
 {built['cpu'] + built['children']:.1f} s ({built['cpu']:.1f} + {built['children']:.1f}) | |
| wall time that CPU time makes on two idle cores (reading, this process, half the writers') | about {idle:.0f} s | |
| largest writer process, peak resident memory | {built['peak']:.2f} GB | |
| index size | {built['size']:.0f} MB | |
{profiled}
Command: `.venv/bin/python bench/index_build.py --laws-with-units {options}--write`\
 (the corpus under `FAZHI_SHARED`, by default `../shared`)
"""


if __name__ == "__main__":
    sys.exit(main())
