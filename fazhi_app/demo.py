"""``make demo`` (``python -m fazhi_app.demo``): the whole nightly job on the sample mirror, then the site.

1. start the sample mirror of the four source platforms on 127.0.0.1 (data in
   ``var/demo/mirror``, generated on first use);
2. write ``var/demo/fazhi.yml``: the default sources pointed at the mirror, every
   location under ``var/demo/`` (the content tree is seeded from the repository's
   ``docs/`` on first use, so the repository's tracked files are never modified);
3. import the demo's known questions for the sample laws (``sample_questions.jsonl``, fictional, our own
   words; what ``fazhi laws questions import`` does), then run ``fazhi nightly``: scrape, validate, build,
   index, publish;
4. serve the published release (site and search API) on 127.0.0.1 until Ctrl-C.

Run it again and the nightly run finds nothing changed and serves at once; while
it serves, ``.venv/bin/fazhi nightly --config var/demo/fazhi.yml`` reruns the job
against the same mirror from another terminal. Every command the demo prints is
spelt with absolute paths, so it works as printed in a fresh shell.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import click
import yaml

from fazhi.config import load_settings
from fazhi.errors import ConfigError, FazhiError
from fazhi.law.library import load_library
from fazhi.law.questions import import_questions
from fazhi_app.exit_codes import EXIT_USAGE
from fazhi_app.failures import run_reporting
from fazhi_app.nightly import EXIT_NOT_PUBLISHED, run_nightly
from fazhi_app.ports import port_free
from fazhi_app.releases import Releases
from fazhi_app.serving import serve as serve_site
from scraper.mirror import Mirror, filed
from scraper.platforms import check_settings

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "var" / "demo"
DEMO_HOST = "127.0.0.1"
# Our own, fictional statutes: the demo's law pages and citation links use them (production sets its own library).
SAMPLE_LAW_LIBRARY = Path(__file__).resolve().parent / "sample_laws"
# Known questions for those statutes, fictional and in our own words, imported on every start (a second import adds nothing).
SAMPLE_QUESTIONS = Path(__file__).resolve().parent / "sample_questions.jsonl"
# The searches the demo prints: a word, and a phrase found only inside a penalty decision's Word file (``scraper.mirror.filed``),
# which finds its one-line article through the file's text.
SEARCHES = ("执法", f'"{filed.PHRASES[filed.DECISION]}"')


def seed_content(content: Path) -> None:
    """Copy the repository's docs/ (staff articles and site pages) into the demo's content tree once."""
    if content.exists():
        return
    docs = REPO / "docs"
    if not docs.is_dir():
        raise ConfigError(f"{docs}: not found; run the demo from a clone of the repository")
    tmp = content.with_name(content.name + ".seeding")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(docs, tmp)
    tmp.rename(content)


def write_config(mirror: Mirror, base: Path, port: int) -> Path:
    """The demo's fazhi.yml: the mirror's sources and host map, every location under ``base``."""
    config = base / "fazhi.yml"
    defaults = load_settings(REPO / "fazhi.yml")
    mirror.write_config(config, content=base / "content", state=base / "state", settings=defaults)
    raw = yaml.safe_load(config.read_text("utf-8"))
    raw["paths"].update(
        mkdocs_config=str(REPO / "mkdocs.yml"), site=str(base / "site"), index=str(base / "index"), releases=str(base / "releases"),
        law_library=str(SAMPLE_LAW_LIBRARY),
    )
    raw.update(site_name=defaults.site_name, publisher=defaults.publisher, site_url=f"http://127.0.0.1:{port}/", serve_port=port)
    header = "# Written by `make demo` (python -m fazhi_app.demo) on each start: the sample mirror's port changes.\n"
    config.write_text(header + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return config


def fazhi_command() -> str:
    """How a fresh shell runs this installation's ``fazhi``: the script beside this Python, by absolute path."""
    script = Path(sys.executable).with_name("fazhi")
    return shlex.quote(str(script)) if script.is_file() else f"{shlex.quote(sys.executable)} -m fazhi_app.cli"


def search_command(fazhi: str, config: Path, query: str) -> str:
    """A search as the demo prints it, for a fresh shell."""
    return f"{fazhi} search {shlex.quote(query)} --config {shlex.quote(str(config))}"


def run_demo(base: Path, port: int, serve: bool = True) -> int:
    """Mirror, nightly run, then serve until Ctrl-C; returns the exit code for the shell."""
    if serve and not port_free(DEMO_HOST, port):
        click.echo(f"fazhi: {DEMO_HOST}:{port}: the port is in use; choose another with `make demo PORT=8001`", err=True)
        return EXIT_USAGE
    base.mkdir(parents=True, exist_ok=True)
    seed_content(base / "content")
    with Mirror(base / "mirror") as mirror:
        click.echo(f"fazhi demo: sample mirror on {mirror.base_url}")
        config = write_config(mirror, base, port)
        settings = check_settings(load_settings(config))
        imported = import_questions(settings.paths.state, load_library(SAMPLE_LAW_LIBRARY), SAMPLE_QUESTIONS)
        if imported.added:
            click.echo(f"fazhi demo: {imported.added} known question(s) imported from {SAMPLE_QUESTIONS}")
        result = run_nightly(settings, progress=sys.stderr.isatty(), log=lambda line: click.echo(line, err=True))
        click.echo(result.summary)
        click.echo(f"report: {result.report_path}")
        current = Releases(settings.paths.releases).current()
        if current is None:
            click.echo("fazhi demo: nothing was published, so there is nothing to serve (see the problems above)", err=True)
            return EXIT_NOT_PUBLISHED
        if not serve:
            return result.exit_code
        if result.exit_code == EXIT_NOT_PUBLISHED:
            click.echo(f"fazhi demo: this run published nothing; serving the previous release {current.name}", err=True)
        fazhi = fazhi_command()
        click.echo(f"\nfazhi demo: the archive and its search are at http://{DEMO_HOST}:{port}/  (Ctrl-C stops)")
        click.echo("            from another terminal, as printed:")
        click.echo(f"              rerun the job:  {fazhi} nightly --config {shlex.quote(str(config))}")
        for query in SEARCHES:
            click.echo(f"              search:         {search_command(fazhi, config, query)}")
        click.echo(f"              releases:       {fazhi} releases --config {shlex.quote(str(config))}\n")
        serve_site(settings, host=DEMO_HOST, port=port)
    return 0


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port of the site and search API.")
@click.option("--dir", "base", type=click.Path(file_okay=False, path_type=Path), default=DEMO_DIR, show_default=True,
              help="Where the demo keeps its content, state, releases and mirror data.")
@click.option("--no-serve", is_flag=True, help="Run the nightly job on the mirror, then exit instead of serving.")
def main(port: int, base: Path, no_serve: bool) -> None:
    """The whole nightly job on the built-in sample mirror, then the site and search on 127.0.0.1."""
    try:
        code = run_demo(base.resolve(), port, serve=not no_serve)
    except FazhiError as exc:
        click.echo(f"fazhi: {exc}", err=True)
        code = EXIT_USAGE
    sys.exit(code)


def run() -> None:
    """``main`` with the CLI's one-line errors for bad options (``make demo PORT=abc``)."""
    argv = sys.argv[1:]
    sys.exit(run_reporting(lambda: main.main(argv, "python -m fazhi_app.demo", standalone_mode=False), argv))


if __name__ == "__main__":
    run()
