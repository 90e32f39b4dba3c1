"""``fazhi index`` and ``fazhi search``: build the Whoosh index and query it from the terminal."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from fazhi.config import Settings
from fazhi.content import load_tree
from fazhi.errors import ConfigError, SearchQueryError
from fazhi.law.questions import questions_digest
from fazhi_app.authoring import content_root
from fazhi_app.exit_codes import EXIT_PROBLEMS, epilog
from fazhi_app.extraction import file_texts
from fazhi_app.known_questions import joined_questions, law_index_documents
from fazhi_app.options import settings_options
from fazhi_app.serving import resolve_served
from search.indexer import current_generation, file_damage, optimize_index, sync_articles, valid_tree
from search.law_documents import require_library
from search.query import SearchRequest, SearchResponse, search
from search.verify import verify_index


@click.command("index", epilog=epilog("index"))
@click.option("--rebuild", is_flag=True, help="Write the whole index anew (default: only added, changed and removed articles and laws).")
@click.option(
    "--verify", is_flag=True,
    help="Change nothing: compare the index with the content tree and the law library (files intact, every article and law"
         " at its current hash, no ghosts).",
)
@click.option("--optimize", is_flag=True, help="After updating, merge the index into one segment (Whoosh's optimize).")
@settings_options
def index_command(settings: Settings, rebuild: bool, verify: bool, optimize: bool) -> None:
    """Index the content tree (with the text read from its files, and the law library's texts when one is set) for search,
    incrementally by content hash."""
    if verify:
        if rebuild or optimize:
            raise click.UsageError("--verify changes nothing; it cannot be combined with --rebuild or --optimize")
        _verify(settings)
        return
    tree = valid_tree(content_root(settings))
    # the text the nightly job read from the articles' files, as kept: indexing reads no file itself
    stats = sync_articles(tree.articles, settings.paths.index, rebuild=rebuild, laws=law_index_documents(settings),
                          files=file_texts(settings, tree), questions=questions_digest(settings.paths.state))
    how = "rebuilt" if stats.rebuilt else "updated"
    click.echo(
        f"index {how}: {stats.added} added, {stats.updated} updated, {stats.removed} removed, {stats.unchanged} unchanged"
        f" ({stats.documents} documents) in {stats.seconds:.1f} s -> {stats.directory}"
    )
    if optimize:
        merged = optimize_index(settings.paths.index)
        click.echo(f"index optimized: one segment in {merged.seconds:.1f} s")


def _verify(settings: Settings) -> None:
    """Differences on stdout, one a line; the summary on stderr; exit 1 when there is any."""
    root = content_root(settings)
    verification = verify_index(root, settings.paths.index, settings.paths.law_library, file_texts(settings, load_tree(root)),
                                questions_digest(settings.paths.state), joined_questions(settings))
    for difference in verification.differences:
        click.echo(str(difference))
    hint = "; run `fazhi index --rebuild` to rebuild it" if not verification.ok else ""
    click.echo(verification.summary + hint, err=True)
    if not verification.ok:
        sys.exit(EXIT_PROBLEMS)


@click.command("search", epilog=epilog("search"))
@click.argument("query", required=False, default="")
@click.option("--kind", help="Only this kind of document: articles (the archive's), laws (the law library's texts) "
              "or provisions (their articles, one by one).")
@click.option("--in", "within", type=click.Choice(["files"]), help="Only documents found in the text read from their files"
              " (attachments, images).")
@click.option("--column", help="Only this column: summaries, interpretations or cases.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Only articles dated on or after this day.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Only articles dated on or before this day.")
@click.option("--year", help="Only articles of this year.")
@click.option("--source", help="Only articles from this source office (信息来源), exact name.")
@click.option("--law", help="Only articles citing this law (canonical name or short form, e.g. 固废法).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True, help="Order of results.")
@click.option("--page", default="1", show_default=True, help="Result page to show.")
@click.option("--per-page", default="10", show_default=True, help="Results per page (at most 100).")
@click.option("--json", "as_json", is_flag=True, help="Print the response as JSON (the /api/search shape).")
@settings_options
def search_command(settings: Settings, query: str, as_json: bool, **options: str | None) -> None:
    """Search the index: words, "exact phrases", -exclusions; prints ranked results.

    Searches <releases>/current/index when a release is published (what `fazhi
    serve` answers from), else --index. A query naming a law's article
    (环境保护法第二十五条) prints that article's text, with a law library.
    """
    params = {"q": query, "from": options.pop("date_from"), "to": options.pop("date_to"), "in": options.pop("within"), **options}
    require_library(settings.paths.law_library)
    served = resolve_served(settings)  # the published release's index, as `fazhi serve` answers from
    index = served.index
    try:
        response = search(index, SearchRequest.from_params(params), served.ranking, library=served.library)
    except SearchQueryError as exc:
        raise ConfigError(_query_problem(exc, index)) from None
    except Exception as exc:  # Whoosh reading damaged files fails with anything (EOFError, struct.error, TypeError …)
        live = current_generation(index)
        damage = file_damage(live, deep=True) if live is not None else []
        if live is None or not damage:
            raise
        what = "; ".join(f"{name}: {problem}" for name, problem in damage)
        raise ConfigError(f"{live}: the search index is damaged ({what}); rebuild it with `fazhi index --rebuild`, "
                          f"or let `fazhi nightly` repair a release's index ({type(exc).__name__})") from None
    if as_json:
        click.echo(json.dumps(response.to_dict(), ensure_ascii=False, indent=1))
        return
    _print_results(response)


# Search parameters as the command line spells them, for naming the culprit of a bad query.
OPTION_OF = {"kind": "--kind", "in": "--in", "column": "--column", "from": "--from", "to": "--to", "year": "--year", "source": "--source",
             "law": "--law", "sort": "--sort", "page": "--page", "per_page": "--per-page"}


def _query_problem(exc: SearchQueryError, index: Path) -> str:
    """``culprit: what`` for a query the index cannot answer: the option, the query, or the index."""
    message = str(exc)
    if exc.status == 503:
        return f"{index}: no search index here; run `fazhi index` first (or pass --index)"
    for name, option in OPTION_OF.items():
        if re.match(rf"(unknown )?'?{name}'?\b", message) or f"'{name}'" in message:
            return f"{option}: {message}"
    return f"QUERY: {message}"


def _print_results(response: object) -> None:
    """Ranked results with <mark> shown in bold yellow; the rest of the snippet HTML unescaped."""
    from html import unescape

    from rich.console import Console
    from rich.text import Text

    assert isinstance(response, SearchResponse)
    console = Console(highlight=False)

    def marked(fragment: str) -> Text:
        text = Text()
        for i, part in enumerate(re.split(r"</?mark>", fragment)):
            text.append(unescape(part), style="bold yellow" if i % 2 else "")
        return text

    head = f"{response.total} results for “{response.query}”" if response.query else f"{response.total} articles"
    partial = " · partial (time limit)" if response.partial else ""
    console.print(Text(f"{head} · page {response.page} of {response.pages}{partial}", style="bold"))
    for answer in response.answers:  # the answer card: the statute articles that answer, and the articles citing them
        console.print()
        repealed = " · repealed" if answer.repealed else ""
        console.print(Text(f"《{answer.law}》{answer.label}  {answer.url}  version {answer.version}{repealed}", style="bold"))
        for paragraph in answer.text.splitlines():
            console.print(Text(f"   {paragraph}"))
        if answer.citing:
            console.print(Text("   cited by:", style="dim"))
        for citing in answer.citing:
            console.print(Text(f"   {citing.date}  {citing.title}  /{citing.url}", style="dim"))
    law = response.law
    if law is not None and law.article is not None:
        console.print()
        console.print(Text(f"《{law.name}》{law.article.label}  {law.article.url}", style="bold"))
        for paragraph in law.article.text.splitlines():
            console.print(Text(f"   {paragraph}"))
        if law.article.repeal is not None:
            console.print(Text(f"   （已于 {law.article.repeal.date} 由《{law.article.repeal.by}》废止）", style="dim"))
    if response.hint:
        console.print(response.hint, soft_wrap=True)
    if not response.hits and response.suggestion:
        hint = "without the filters" if response.suggestion_reason == "drop_filters" else f"“{response.suggestion}”"
        console.print(f"Nothing found. Try {hint}.")
    start = (response.page - 1) * response.per_page
    for n, hit in enumerate(response.hits, start + 1):
        console.print()
        console.print(Text(f"{n}. ") + marked(hit.title_html))
        where = " · ".join(part for part in (hit.date, hit.column_name or hit.level_name, hit.source, f"/{hit.url}") if part)
        console.print(Text(f"   {where}", style="dim"))
        console.print(Text("   ") + marked(hit.snippet))
        if hit.found_in is not None:
            page = f", page {hit.found_in.page}" if hit.found_in.page else ""
            console.print(Text(f"   in {hit.found_in.file}{page}: ", style="dim") + marked(hit.found_in.snippet))
    facets = "; ".join(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()) for name, counts in response.facets.items() if counts)
    if facets:
        console.print()
        console.print(Text(facets, style="dim"))


COMMANDS = [index_command, search_command]

