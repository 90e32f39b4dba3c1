"""A platform is known in its registries only: the scraper's ``PLATFORMS`` and the mirror's ``SITES``.

Adding a CMS platform touches its platform module and its mirror site module; no other module branches on a
platform's name, and a name neither registry knows is an error, never silently the generic platform.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

from scraper.mirror import MirrorData, sites
from scraper.mirror.data import SITES, article_url_path
from scraper.mirror.render import ROBOTS, site_of
from scraper.platforms import PLATFORMS

REPO = Path(__file__).resolve().parents[2]
NAMES = {cls.name for cls in PLATFORMS} | set(SITES)
# The registries themselves list the names; everything else reads them from there.
REGISTRIES = {Path("scraper/platforms/__init__.py"), Path("scraper/mirror/sites/__init__.py")}


def _names_in(node: ast.AST) -> set[str]:
    """Platform names written as string literals directly in ``node`` (or in a tuple, list or set literal)."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return {i.value for i in items if isinstance(i, ast.Constant) and i.value in NAMES}


def _branches_on_platform_names(path: Path) -> list[str]:
    """``x == "ucap"``, ``x in ("trs", …)`` and dicts keyed by platform names in one module, as ``file:line`` lines."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops):
            names = set().union(*(_names_in(side) for side in (node.left, *node.comparators)))
        elif isinstance(node, ast.Dict):
            names = set().union(*(_names_in(key) for key in node.keys if key is not None))
            names = names if len(names) > 1 else set()
        else:
            continue
        if names:
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {', '.join(sorted(names))}")
    return found


def test_no_module_outside_the_registries_branches_on_a_platform_name() -> None:
    modules = [p for part in ("fazhi", "fazhi_app", "scraper", "search") for p in sorted((REPO / part).rglob("*.py"))]
    found = [line for p in modules if p.relative_to(REPO) not in REGISTRIES for line in _branches_on_platform_names(p)]
    assert not found, "platform names compared or tabled outside the registries:\n" + "\n".join(found)


def test_every_site_module_is_registered_as_a_platform_the_scraper_knows() -> None:
    modules = [m.name for m in pkgutil.iter_modules(sites.__path__) if not m.name.startswith("_")]
    assert sorted(SITES) == sorted(modules)
    for name in modules:
        site = importlib.import_module(f"scraper.mirror.sites.{name}").SITE
        assert SITES[name] is site and site.key == name
        assert site.platform in {cls.name for cls in PLATFORMS}, f"mirror site {name}: no scraper platform {site.platform!r}"


def test_an_unknown_site_is_an_error_not_the_generic_one(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="unknown mirror site 'drupal'"):
        article_url_path("drupal", "1", "2024-05-06 10:00")
    with pytest.raises(KeyError, match="unknown mirror site 'drupal'"):
        MirrorData(tmp_path).add_article("drupal", "标题", "<p>正文</p>")


def test_hosts_answer_robots_from_the_sites_on_them() -> None:
    """Two sites share sthjt.jiangxi.gov.cn: its robots.txt holds both their lines, and each path goes to its own site."""
    assert ROBOTS["sthjt.jiangxi.gov.cn"].splitlines()[0] == "User-agent: *"
    assert {"Disallow: /module/visitcount/", "Disallow: /jxssthjt/search/"} <= set(ROBOTS["sthjt.jiangxi.gov.cn"].splitlines())
    assert ROBOTS["www.mee.gov.cn"] == "User-agent: *\nAllow: /\n"
    assert site_of("sthjt.jiangxi.gov.cn", "/queryList") == "ucap"
    assert site_of("sthjt.jiangxi.gov.cn", "/col/col42150/index.html") == "hanweb"
    assert site_of("www.example.com", "/") is None
