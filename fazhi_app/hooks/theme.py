"""Make Material's per-page chrome cheap: the nav, the tabs and theme strings are worked out once.

On an archive of thousands of pages the same global nav is rendered into every page.
Off the nav (articles, listings, law pages) it only changes with where the page sits:
the links are relative to the page, so two pages at the same depth under the same
top-level folder (and with the same template) get identical HTML. ``Memo`` renders
it once per such place and reuses it; pages in the nav (they show themselves as
active) are always rendered. The same holds for the tabs, the stylesheet and script
links, the footer and Material's JSON config block (``overrides/main.html``).

Material looks theme strings up by building its whole translation table on every
call; ``Translations`` asks it once per string. Our ``partials/nav.html``,
``partials/tabs.html`` and ``partials/language.html`` call these; Material's own
templates stay reachable under the ``material/`` prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import material
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from markupsafe import Markup
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"


class Memo:
    """Renders a fragment once per place in the site for pages outside the nav."""

    def __init__(self) -> None:
        self.fragments: dict[tuple[str, int, str, str], Markup] = {}
        self._nav_pages: tuple[int, frozenset[int]] = (0, frozenset())

    def _in_nav(self, page: Page, nav: Navigation) -> bool:
        if self._nav_pages[0] != id(nav):
            self._nav_pages = (id(nav), frozenset(id(p) for p in nav.pages))
        return id(page) in self._nav_pages[1]

    def __call__(self, kind: str, page: Page | None, nav: Navigation, caller: Callable[[], str]) -> Markup:
        if page is None or self._in_nav(page, nav):
            return Markup(caller())
        key = (kind, page.url.count("/"), page.url.split("/", 1)[0], page.meta.get("template", ""))
        if key not in self.fragments:
            self.fragments[key] = Markup(caller())
        return self.fragments[key]


class Translations:
    """Material's theme strings for one language, each looked up once (``language`` is ours, e.g. zh-CN)."""

    def __init__(self, env: Environment, language: str):
        base = language if (MATERIAL_TEMPLATES / "partials" / "languages" / f"{language}.html").is_file() else language.split("-")[0]
        self.tables = [env.get_template(f"partials/languages/{name}.html").module for name in dict.fromkeys((base, "en"))]
        self.strings: dict[str, str] = {"language": language}

    def __call__(self, key: str) -> str:
        if key not in self.strings:
            self.strings[key] = next((str(v) for v in (t.t(key) for t in self.tables) if str(v)), key)  # type: ignore[attr-defined]
        return self.strings[key]


def install(env: Environment, language: str) -> Environment:
    """Expose Material's templates as ``material/…`` and the helpers our partials call."""
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(str(MATERIAL_TEMPLATES))})])  # type: ignore[list-item]
    env.globals["fazhi_memo"] = Memo()
    env.globals["fazhi_translate"] = Translations(env, language)
    return env


__all__ = ["Memo", "Translations", "install"]
