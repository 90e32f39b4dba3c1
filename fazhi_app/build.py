"""Build the archive site: validate every article, run MkDocs strictly, publish by renaming.

``build_site`` is what ``fazhi build`` and the nightly run call. It refuses an
invalid content tree before anything is written, builds into a fresh folder
beside the target and only then swaps it in, so the published site is either
the old one or the complete new one. ``preview`` is ``mkdocs serve`` with live
reload for staff editing articles, and ``render_markdown`` turns Markdown into
HTML with the site's own extensions for HTML made outside a page build.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import markdown
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from fazhi.config import Settings
from fazhi.content import load_tree
from fazhi.errors import ArticleInvalid, BuildFailed, ConfigError
from fazhi_app.hooks.plugin import FazhiPlugin, prepared

PREVIEW_HOST = "127.0.0.1"


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: where, how long it took, HTML pages written, articles among them.

    ``citation_links``: citations linked to an article of the law library (0 without one).
    """

    site_dir: Path
    seconds: float
    pages: int
    articles: int
    citation_links: int = 0


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so a failed strict build can say what went wrong."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def _config_file(settings: Settings) -> str:
    path = settings.paths.mkdocs_config
    if not path.is_file():
        raise ConfigError(f"{path}: MkDocs config file not found")
    return str(path)


def build_site(settings: Settings, site_dir: Path | str | None = None) -> BuildResult:
    """Build the site from ``settings.paths.content`` into ``site_dir`` (default ``settings.paths.site``).

    Raises ArticleInvalid (every problem, nothing written) or BuildFailed (the target is left as it was).
    """
    start = time.perf_counter()
    target = Path(site_dir or settings.paths.site).resolve()
    content = settings.paths.content
    if not content.is_dir():
        raise ConfigError(f"{content}: content directory not found")
    config_file = _config_file(settings)
    tree = load_tree(content)
    if tree.problems:
        raise ArticleInvalid(tree.problems)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        with prepared(settings, tree):
            config = load_config(config_file=config_file, docs_dir=str(content), site_dir=str(staging), strict=True)
            plugin = config.plugins.get("fazhi")
            if not isinstance(plugin, FazhiPlugin):
                raise ConfigError(f"{config_file}: the fazhi plugin is not enabled (plugins: [fazhi])")
            config.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_build(config)
            finally:
                config.plugins.on_shutdown()
        _publish(staging, target)
    except (MkDocsException, jinja2.TemplateError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed("\n".join(["site build failed; the published site is unchanged", *collect.messages, str(exc)])) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logger.removeHandler(collect)
    links = plugin.linker.links if plugin.linker is not None else 0
    return BuildResult(target, time.perf_counter() - start, plugin.pages, len(tree.articles), links)


def _publish(staging: Path, target: Path) -> None:
    """Swap the finished build in for the old site with two renames in the same folder."""
    staging.chmod(0o755)
    if not target.exists():
        staging.rename(target)
        return
    old = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def preview(settings: Settings, port: int = 8000) -> None:
    """Serve the site from the content tree on 127.0.0.1 with live reload until interrupted.

    Broken articles are reported and left out instead of stopping the server.
    """
    from mkdocs.commands.serve import serve

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s %(message)s"))
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with prepared(settings):
            serve(
                config_file=_config_file(settings),
                livereload=True,
                docs_dir=str(settings.paths.content),
                dev_addr=f"{PREVIEW_HOST}:{port}",
            )
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from None
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@lru_cache(maxsize=4)
def _markdown_options(config_file: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    config = load_config(config_file=config_file)
    return tuple(config.markdown_extensions), dict(config.mdx_configs)


def render_markdown(text: str, settings: Settings) -> str:
    """Markdown to HTML with exactly the extensions the site's pages use (read once per mkdocs.yml)."""
    extensions, configs = _markdown_options(_config_file(settings))
    return markdown.Markdown(extensions=list(extensions), extension_configs=configs).convert(text)
