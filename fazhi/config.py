"""Typed settings, read from one YAML file (``fazhi.yml``) and overridable per run.

Every location the project touches is a setting, so a run can work in any
directory: relative paths in the file are relative to the file's own folder.
Which file: ``--config``, else ``$FAZHI_CONFIG``, else ``./fazhi.yml``, else the
defaults below anchored at the current directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from fazhi.article import COLUMNS
from fazhi.errors import ConfigError

CONFIG_ENV = "FAZHI_CONFIG"
DEFAULT_CONFIG_NAME = "fazhi.yml"
PLATFORMS = ("ucap", "hanweb", "trs", "generic")


@dataclass(frozen=True)
class Paths:
    """Where things live. ``state`` holds the scraper database, raw pages, lock and run reports."""

    content: Path
    mkdocs_config: Path
    state: Path
    site: Path
    index: Path
    releases: Path


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how hard the scraper fetches."""

    user_agent: str = "fazhi-archiver/0.1 (+https://github.com/fazhi-archive/fazhi; public-interest archive of legal publicity)"
    delay: float = 1.0
    concurrency: int = 2
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0
    max_bytes: int = 20 * 1024 * 1024
    robots: bool = True
    # send If-None-Match / If-Modified-Since from the state store, so unchanged pages answer 304
    conditional: bool = True
    # host -> base URL to send its requests to instead (e.g. the sample mirror on 127.0.0.1);
    # URLs in sources, pages and archived articles stay the real ones.
    host_map: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One list to scrape: which platform, where, and which archive column its items go to.

    ``column`` is a column key, or ``auto`` to classify by title keywords with
    ``default_column`` as the fallback. ``params`` is platform-specific (column
    ids, unit ids, selectors) and checked by the platform module.
    """

    name: str
    platform: str
    base_url: str
    title: str = ""
    column: str = "auto"
    default_column: str = "interpretations"
    publisher: str = ""
    enabled: bool = True
    max_pages: int = 50
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know; ``config_file`` is None when only defaults apply."""

    paths: Paths
    config_file: Path | None = None
    site_name: str = "互联网+法治宣传"
    publisher: str = "江西省生态环境厅"
    site_url: str = "http://127.0.0.1:8000/"
    listing_per_page: int = 20
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: tuple[Source, ...] = ()
    serve_host: str = "127.0.0.1"
    serve_port: int = 8000
    keep_releases: int = 5

    def with_paths(self, **overrides: Path | str | None) -> Settings:
        """A copy with some locations replaced (command-line options); None leaves one as is."""
        given = {k: Path(v).resolve() for k, v in overrides.items() if v is not None}
        return replace(self, paths=replace(self.paths, **given))


def default_paths(base: Path) -> Paths:
    base = base.resolve()
    return Paths(
        content=base / "docs",
        mkdocs_config=base / "mkdocs.yml",
        state=base / "var" / "state",
        site=base / "var" / "site",
        index=base / "var" / "index",
        releases=base / "var" / "releases",
    )


def find_config(explicit: str | Path | None = None) -> Path | None:
    """The config file to use, or None for built-in defaults."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path.resolve()
    if os.environ.get(CONFIG_ENV):
        return find_config(os.environ[CONFIG_ENV])
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    return local.resolve() if local.is_file() else None


def _typed(cls: type, raw: Any, where: str) -> dict[str, Any]:
    """Check a mapping's keys against a dataclass and coerce simple scalar types."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a mapping")
    known = {f.name: f for f in fields(cls)}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        kind = known[key].type
        try:
            if kind in ("int", int):
                value = int(value)
            elif kind in ("float", float):
                value = float(value)
            elif kind in ("bool", bool) and not isinstance(value, bool):
                raise ValueError(f"{value!r} is not true/false")
            elif kind in ("str", str):
                value = str(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}.{key}: {exc}") from None
        out[key] = value
    return out


def _source(raw: Any, where: str) -> Source:
    values = _typed(Source, raw, where)
    for key in ("name", "platform", "base_url"):
        if not values.get(key):
            raise ConfigError(f"{where}: missing {key}")
    if values["platform"] not in PLATFORMS:
        raise ConfigError(f"{where}.platform: {values['platform']!r} is not one of {', '.join(PLATFORMS)}")
    for key in ("column", "default_column"):
        column = values.get(key)
        if column is not None and column not in COLUMNS and not (key == "column" and column == "auto"):
            raise ConfigError(f"{where}.{key}: {column!r} is not a column ({', '.join(COLUMNS)}{', auto' if key == 'column' else ''})")
    if not isinstance(values.get("params", {}), dict):
        raise ConfigError(f"{where}.params: must be a mapping")
    return Source(**values)


def load_settings(config: str | Path | None = None) -> Settings:
    """Read settings from the chosen config file (see module docstring)."""
    path = find_config(config)
    if path is None:
        return Settings(paths=default_paths(Path.cwd()))
    try:
        raw = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must be a mapping of settings")
    base = path.parent
    defaults = default_paths(base)
    raw_paths = raw.pop("paths", None) or {}
    if not isinstance(raw_paths, dict):
        raise ConfigError(f"{path}: paths must be a mapping")
    unknown = set(raw_paths) - {f.name for f in fields(Paths)}
    if unknown:
        raise ConfigError(f"{path}: paths: unknown location(s) {', '.join(sorted(unknown))}")
    paths = replace(defaults, **{k: (base / str(v)).resolve() for k, v in raw_paths.items()})
    fetch = FetchSettings(**_typed(FetchSettings, raw.pop("fetch", None), f"{path}: fetch"))
    sources = raw.pop("sources", None) or []
    if not isinstance(sources, list):
        raise ConfigError(f"{path}: sources must be a list")
    parsed = tuple(_source(s, f"{path}: sources[{i}]") for i, s in enumerate(sources))
    names = [s.name for s in parsed]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: source names must be unique")
    rest = _typed(Settings, raw, str(path))
    for key in ("paths", "config_file", "fetch", "sources"):
        rest.pop(key, None)
    return Settings(paths=paths, config_file=path, fetch=fetch, sources=parsed, **rest)
