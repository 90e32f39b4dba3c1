"""The ``fazhi`` MkDocs plugin: validate articles, generate listing pages, feed templates.

One short handler per build event, each commented with why it runs then. The
work itself is plain functions in the sibling modules.

Settings: ``fazhi build`` and ``fazhi preview`` hand theirs over with
``prepared()``; under plain ``mkdocs build`` the plugin reads them with
``fazhi.config.load_settings()`` ($FAZHI_CONFIG, ./fazhi.yml or defaults). The
content root is always MkDocs' ``docs_dir``.
"""

from __future__ import annotations

import gc
import html
import json
import logging
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from fazhi.article import COLUMNS
from fazhi.config import Settings, load_settings
from fazhi.content import ContentTree, load_tree
from fazhi.content_files import refused_files
from fazhi.errors import FazhiError
from fazhi.files import write_atomic
from fazhi.law.library import load_library
from fazhi_app.authoring import file_verdicts
from fazhi_app.extraction import file_texts
from fazhi_app.hooks import article_page, footer, refused, sharing, theme, withdrawn
from fazhi_app.hooks.archive import COLUMN_ORDER, Archive, build_archive
from fazhi_app.hooks.citelinks import CitationLinker
from fazhi_app.hooks.feeds import write_feeds
from fazhi_app.hooks.file_texts import attachment_context, describe_images, readable
from fazhi_app.hooks.law_text import statute_json
from fazhi_app.hooks.pages import PageSpec
from fazhi_app.hooks.registry import GENERATORS
from fazhi_app.hooks.tables import wrap_tables

log = logging.getLogger("mkdocs.plugins.fazhi")

_prepared: tuple[Settings, ContentTree | None] | None = None


@contextmanager
def prepared(settings: Settings, tree: ContentTree | None = None) -> Iterator[None]:
    """Builds started inside use these settings (and this already validated tree) instead of loading them."""
    global _prepared
    previous, _prepared = _prepared, (settings, tree)
    try:
        yield
    finally:
        _prepared = previous


def nav_paths(nav: Any) -> set[str]:
    """Every docs-relative file the configured nav points to."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(nav_paths(v) for v in nav.values()))
    if isinstance(nav, list):
        return set().union(*(nav_paths(v) for v in nav))
    return set()


class GeneratedPage(Page):
    """A generated page: with no Markdown text of its own it skips the Markdown pass entirely.

    Its body comes from its template, and on a big archive there are thousands of these;
    building a Markdown converter for each empty one would cost more than rendering it.
    """

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown and self.markdown.strip():
            super().render(config, files)
            return
        self.content = ""
        self.toc = get_toc([])
        self.present_anchor_ids = set()


class FazhiPlugin(BasePlugin):
    """Turns the content tree into the archive site (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.serving = False
        self.archive: Archive | None = None
        self.invalid: set[str] = set()
        self.notices: list[PageSpec] = []
        self.refused: dict[str, str] = {}
        self.specs: dict[str, PageSpec] = {}
        self.pages = 0
        self.linker: CitationLinker | None = None

    @property
    def data(self) -> Archive:
        if self.archive is None:
            raise PluginError("the fazhi plugin was used before its on_config ran")
        return self.archive

    # Serving tolerates broken articles (staff are mid-edit); building never does.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    # Load and validate every article here, before MkDocs empties site_dir: a bad article
    # must stop the build while the previous site is still intact.
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.docs_dir).resolve()
        self.invalid = set()
        settings, tree = _prepared or (None, None)
        try:
            settings = settings or load_settings()
        except FazhiError as exc:
            raise PluginError(str(exc)) from None
        if tree is None or tree.root.resolve() != root:
            tree = load_tree(root)
        if tree.problems:
            lines = "\n".join(str(p) for p in tree.problems)
            if not self.serving:
                raise PluginError(f"{len(tree.problems)} problem(s) in articles under {root}; nothing was built:\n{lines}")
            log.warning("these articles are left out of the preview until fixed:\n%s", lines)
            self.invalid = {p.path for p in tree.problems}
        texts = file_texts(settings, tree)  # from the extraction cache: a build reads no file
        self.archive = build_archive(tree.articles, settings, texts)
        for entry in self.archive.entries:
            if found := readable(entry.article, texts.get(entry.src_uri, ())):
                self.archive.readable[entry.src_uri] = found
        self.notices = withdrawn.notice_specs(tree.withdrawn)
        self.refused = refused_files(root, file_verdicts(settings))
        for uri, reason in self.refused.items():
            log.info("left out of the site: %s: %s", uri, reason)
        self.linker = None
        if settings.paths.law_library is not None:
            library = load_library(settings.paths.law_library)
            if not library.laws:
                raise PluginError(f"{settings.paths.law_library}: no law text in the law library (check it with `fazhi laws import`)")
            self.archive.library = library
            self.linker = CitationLinker(library, self.archive.today)
        config.site_name = settings.site_name
        if not config.site_url:
            config.site_url = settings.site_url
        # Everything loaded so far lives until the build ends: keep the cyclic garbage collector
        # from walking it again and again while thousands of pages are rendered (unfrozen after).
        gc.freeze()
        return config

    # Generated pages must exist as Files before MkDocs builds the nav from them; articles
    # are marked not-in-nav so the global nav (rendered into every page) stays small.
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for uri in self.invalid | {notice.src_uri for notice in self.notices}:
            if (bad := files.get_file_from_path(uri)) is not None:
                files.remove(bad)  # broken while previewing, or withdrawn: its text must not be built
        refused.remove_files(files, self.refused)
        for uri in self.data.by_src:
            article_file = files.get_file_from_path(uri)
            if article_file is not None:
                article_file.inclusion = InclusionLevel.NOT_IN_NAV
        in_nav = nav_paths(config.nav)
        self.specs = {}
        for generator in GENERATORS:
            for spec in generator(self.data):
                self._add(spec, files, config, in_nav)
        for notice in self.notices:
            self._add(notice, files, config, in_nav)
        self.pages = len(files.documentation_pages())
        return files

    def _add(self, spec: PageSpec, files: Files, config: MkDocsConfig, in_nav: set[str]) -> None:
        if spec.src_uri in self.specs or spec.src_uri in self.data.by_src:
            raise PluginError(f"two pages would be built at {spec.src_uri}")
        self.specs[spec.src_uri] = spec
        if files.get_file_from_path(spec.src_uri) is not None:
            return  # hand-written in the content tree: its text is the page's introduction
        inclusion = InclusionLevel.INCLUDED if spec.src_uri in in_nav else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, spec.src_uri, content=spec.source(), inclusion=inclusion)
        files.append(file)
        GeneratedPage(None, file, config)  # sets file.page; MkDocs builds it like any page

    # MkDocs picks the template from page meta right after this event. Material prints
    # page titles unescaped, so a title such as 《关于修改<…>的决定》 is escaped here once.
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        if (entry := self.data.by_src.get(uri)) is not None:
            page.meta["template"] = "article.html"
            page.meta["title"] = html.escape(entry.title, quote=False)
            markdown = refused.unlink(markdown, posixpath.dirname(uri), self.refused)
        elif (spec := self.specs.get(uri)) is not None:
            if spec.template:
                page.meta.setdefault("template", spec.template)
            page.meta.setdefault("hide", list(spec.hide))
            page.meta.setdefault("title", html.escape(spec.title, quote=False))
        return markdown

    # Once per build, before any page is rendered: the helpers our partials call, the
    # columns that templates of every page (header search, search filters) list, the footer.
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        env.globals["fazhi_columns"] = [(key, COLUMNS[key].name) for key in COLUMN_ORDER]
        env.globals["fazhi_law_library"] = self.data.library is not None  # the search page's kind filter
        env.globals["fazhi_footer"] = footer.context(self.data.settings.footer)
        return theme.install(env, config.theme["language"])

    # Tables are wrapped in keyboard-reachable scroll regions once the page's HTML exists; in an
    # article, citations become links first, on the HTML, so those in tables and lists are found alike,
    # and each image with text gets its 「图片文字」 disclosure.
    def on_page_content(self, content: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        entry = self.data.by_src.get(page.file.src_uri)
        if entry is not None and self.linker is not None:
            content = self.linker.link(content, entry.article.date.date(), page.url)
        if entry is not None:
            content = describe_images(content, entry, self.data.readable.get(entry.src_uri, {}), page.url)
        return wrap_tables(content)

    # Per-page data is computed only for the page being rendered; the page's HTML is final
    # here, so an article's first image is known for its Open Graph tags.
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        uri = page.file.src_uri
        described = str(page.meta.get("description") or config.site_description or "")
        if (entry := self.data.by_src.get(uri)) is not None:
            context["fazhi"] = article_page.context(self.data, entry)
            kept = refused.kept_attachments(context["fazhi"]["attachments"], self.refused)
            context["fazhi"]["attachments"] = attachment_context(kept, self.data.readable.get(uri, {}))
            share = sharing.article(self.data, entry, page_url=page.canonical_url or "", site_url=config.site_url or "",
                                    html=page.content or "")
        elif (spec := self.specs.get(uri)) is not None:
            context["fazhi"] = spec.context
            share = sharing.Sharing(title=spec.title, description=spec.description or described)
        else:
            share = sharing.Sharing(title=html.unescape(page.title or ""), description=described)
        context["fazhi_share"] = share
        return context

    # Feeds need the final site_url and go beside the pages once these are written; so do the
    # statute texts the citation links of the pages just rendered point to.
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        write_feeds(self.data, Path(config.site_dir), config.site_url or "")
        gone = {notice.src_uri.removesuffix("index.md") for notice in self.notices}
        withdrawn.prune_sitemap(Path(config.site_dir), gone)
        withdrawn.write_list(Path(config.site_dir), gone)
        if self.linker is not None and self.data.library is not None:
            for target, (law, version, block) in self.linker.used.items():
                data = statute_json(law, version, block, self.data.library)
                write_atomic(Path(config.site_dir) / target, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        gc.unfreeze()

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
