"""Typed settings, read from one YAML file (``fazhi.yml``) and overridable per run.

Every location the project touches is a setting, so a run can work in any
directory: relative paths in the file are relative to the file's own folder.
Which file: ``--config``, else ``$FAZHI_CONFIG``, else ``./fazhi.yml``, else the
defaults below anchored at the current directory.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from fazhi.article import COLUMNS
from fazhi.errors import ConfigError
from fazhi.yamlerrors import yaml_error_at

CONFIG_ENV = "FAZHI_CONFIG"
DEFAULT_CONFIG_NAME = "fazhi.yml"


@dataclass(frozen=True)
class Paths:
    """Where things live. ``state`` holds the scraper database, raw pages, lock and run reports.

    ``law_library`` is a folder of statute texts (``fazhi.statutes``); None means no library,
    and citations stay links to the law's page only.
    """

    content: Path
    mkdocs_config: Path
    state: Path
    site: Path
    index: Path
    releases: Path
    law_library: Path | None = None


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
    # host names fetched even when they resolve to internal addresses (besides each source's own host)
    allow_hosts: list[str] = field(default_factory=list)
    # An archived article's page is fetched again when its list entry changes, or when it is due:
    # every (age in days × revisit_age_factor) days, at least revisit_min_days and at most
    # revisit_max_days apart, within revisit_budget pages (and removal checks) per source and run.
    revisit_min_days: float = 1.0
    revisit_max_days: float = 60.0
    revisit_age_factor: float = 0.25
    revisit_budget: int = 60
    # Nightly list walks stop at the first page with nothing new; every page is walked this often (and with --full).
    full_walk_days: float = 7.0
    # Wall-clock limits in seconds (``timeout`` applies only between reads): one request from connecting to its
    # last byte, and one source's run in a night; past either the source is unfinished and goes on the next night.
    request_limit: float = 300.0
    source_limit: float = 7200.0


@dataclass(frozen=True)
class Source:
    """One list to scrape: which platform, where, and which archive column its items go to.

    ``column`` is a column key, or ``auto`` to classify by title keywords with
    ``default_column`` as the fallback. ``platform`` and ``params`` (column ids,
    unit ids, selectors) belong to the scraper's platform registry, which checks
    them right after the settings are loaded.
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
    # The name of an older source this one supersedes (a site migration): its articles are
    # matched by title and date on first sight and take the new URLs instead of being archived anew.
    replaces: str = ""


@dataclass(frozen=True)
class Footer:
    """What a Chinese government website shows in its footer (《政府网站发展指引》); all empty by default.

    Each field is shown on every page once set: 主办单位, 承办单位, the 联系方式 (address,
    postcode, telephone, e-mail), the ICP 备案号 and 公安机关备案号 (linked to their filing
    registries) and the 网站标识码. ``police_badge`` is the site-relative path of the small
    公安 badge shown before the 公安机关备案号: an image kept in the site, never hot-linked.
    """

    sponsor: str = ""
    operator: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    icp: str = ""
    police: str = ""
    police_badge: str = "assets/fazhi/beian-badge.svg"
    site_code: str = ""

    @property
    def police_code(self) -> str:
        """The digits of the 公安机关备案号 (``赣公网安备 36010202000123号`` -> ``36010202000123``)."""
        return "".join(re.findall(r"\d+", self.police))

    @property
    def shown(self) -> bool:
        """True once any field is set: the footer shows its government-site block only then."""
        return any(getattr(self, f.name) for f in fields(self) if f.name != "police_badge")


@dataclass(frozen=True)
class GuardSettings:
    """Limits on what one night may change before the nightly job holds a change for review.

    Shares are of a source's articles known before the night; a source with fewer than
    ``min_source_articles`` is not held for its share alone. ``max_shrink`` is the share
    of a body's text that may disappear in one change; a body under ``min_body_chars``
    and without an image counts as empty. ``hold_fallback_dates`` holds an article whose date came from
    neither its page nor its list. ``sensitive_words`` (错敏词) must not appear in a
    scraped title or body.
    """

    enabled: bool = True
    max_changed_share: float = 0.5
    max_removed_share: float = 0.3
    min_source_articles: int = 6
    max_shrink: float = 0.6
    min_body_chars: int = 20
    hold_fallback_dates: bool = True
    sensitive_words: tuple[str, ...] = ()


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
    # Wall-clock limit of one nightly run in seconds: the scrape stops in time for the build, and a run still
    # short of publishing at the limit stops without publishing.
    run_limit: float = 21600.0
    footer: Footer = field(default_factory=Footer)
    guard: GuardSettings = field(default_factory=GuardSettings)

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
        if path.is_dir():
            raise ConfigError(f"{path}: is a directory, not a config file")
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path.resolve()
    if os.environ.get(CONFIG_ENV):
        return find_config(os.environ[CONFIG_ENV])
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    return local.resolve() if local.is_file() else None


# Allowed ranges of numeric settings, by dotted name (``sources.max_pages`` for every source).
RANGES: dict[str, tuple[float, float | None]] = {
    "listing_per_page": (1, 1000),
    "serve_port": (0, 65535),
    "keep_releases": (1, 1000),
    "fetch.delay": (0, 3600),
    "fetch.concurrency": (1, 64),
    "fetch.timeout": (0.1, 3600),
    "fetch.retries": (0, 20),
    "fetch.backoff": (0, 3600),
    "fetch.max_bytes": (1, None),
    "fetch.revisit_min_days": (0, 3650),
    "fetch.revisit_max_days": (0, 3650),
    "fetch.revisit_age_factor": (0, 100),
    "fetch.revisit_budget": (0, 100000),
    "fetch.full_walk_days": (0, 3650),
    "fetch.request_limit": (1, 86400),
    "fetch.source_limit": (1, 604800),
    "run_limit": (1, 604800),
    "sources.max_pages": (1, 100000),
    "guard.max_changed_share": (0, 1),
    "guard.max_removed_share": (0, 1),
    "guard.min_source_articles": (0, None),
    "guard.max_shrink": (0, 1),
    "guard.min_body_chars": (0, None),
}
INTERNAL = ("config_file",)  # dataclass fields no config file may set
KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "str": "text"}

Key = tuple[str | int, ...]


class _Marks:
    """Where each value sits in the config file, so an error names file, line and column."""

    def __init__(self, path: Path, root: yaml.Node | None):
        self.path = path
        self.marks: dict[Key, yaml.Mark] = {}
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, key: Key) -> None:
        self.marks[key] = node.start_mark
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    self.marks[(*key, "<key>", k.value)] = k.start_mark
                    self._walk(v, (*key, k.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*key, i))

    def at(self, key: Key, *, at_key: bool = False) -> str:
        """``file:line:column`` of the value at ``key`` (of its key with ``at_key``), or just the file."""
        mark = self.marks.get((*key[:-1], "<key>", key[-1]) if at_key and key else key)
        return f"{self.path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(self.path)

    def error(self, key: Key, what: str, *, at_key: bool = False) -> ConfigError:
        """A ConfigError ``file:line:column: setting: what``; ``at_key`` points at the key, not its value."""
        return ConfigError(f"{self.at(key, at_key=at_key)}: {_dotted(key)}: {what}" if key else f"{self.at(key)}: {what}")


def _dotted(key: Key) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in key).lstrip(".")


def _range_text(low: float, high: float | None) -> str:
    return f"from {low:g} to {high:g}" if high is not None else f"of at least {low:g}"


def _coerce(kind: str, value: Any, limits: tuple[float, float | None] | None) -> Any:
    """``value`` as ``kind`` within ``limits``; ValueError says what was expected."""
    expected = KINDS.get(kind, kind) + (f" {_range_text(*limits)}" if limits else "")
    if kind == "int":
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit())):
            raise ValueError(f"expected {expected}, not {value!r}")
        value = int(value)
    elif kind == "float":
        if isinstance(value, bool):
            raise ValueError(f"expected {expected}, not {value!r}")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected {expected}, not {value!r}") from None
    elif kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected {expected}, not {value!r}")
    elif kind == "str":
        if isinstance(value, (dict, list)):
            raise ValueError(f"expected {expected}, not a {'mapping' if isinstance(value, dict) else 'list'}")
        value = "" if value is None else str(value)
    if limits and not (limits[0] <= value and (limits[1] is None or value <= limits[1])):
        raise ValueError(f"expected {expected}, not {value!r}")
    return value


@dataclass(frozen=True)
class Where:
    """A place in the config file: the file's marks and the key path of a mapping (``("fetch",)``, ``("sources", 0)``)."""

    marks: _Marks
    key: Key = ()

    def error(self, name: str | None, what: str) -> ConfigError:
        """A ConfigError for the value of ``name`` in this mapping (or for the mapping itself)."""
        return self.marks.error((*self.key, name) if name is not None else self.key, what)


def _fail(where: str | Where, name: str | None, what: str) -> ConfigError:
    """A ConfigError for setting ``name`` of the mapping at ``where`` (a Where, or a plain ``file: section`` prefix)."""
    if isinstance(where, Where):
        return where.error(name, what)
    return ConfigError(f"{where}.{name}: {what}" if name is not None else f"{where}: {what}")


def _typed(cls: type, raw: Any, where: str | Where) -> dict[str, Any]:
    """Check a mapping's keys against a dataclass and coerce scalar settings, within their RANGES."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(where, None, "must be a mapping of settings")
    known = {f.name: f for f in fields(cls) if f.name not in INTERNAL}
    scope = f"{where.key[0]}." if isinstance(where, Where) and where.key else ""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in known:
            unknown = f"unknown setting {name!r} (known: {', '.join(sorted(known))})"
            if isinstance(where, Where):
                section = f"{_dotted(where.key)}: " if where.key else ""
                raise ConfigError(f"{where.marks.at((*where.key, name), at_key=True)}: {section}{unknown}")
            raise ConfigError(f"{where}: {unknown}")
        kind = str(known[name].type)
        try:
            if kind.startswith("dict"):
                if not isinstance(value, dict):
                    raise ValueError(f"expected a mapping, not {value!r}")
            elif kind.startswith("list"):
                if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                    raise ValueError(f"expected a list of names, not {value!r}")
            elif kind in KINDS:
                value = _coerce(kind, value, RANGES.get(f"{scope}{name}"))
        except ValueError as exc:
            raise _fail(where, name, str(exc)) from None
        out[name] = value
    return out


def _source(raw: Any, marks: _Marks, key: Key) -> Source:
    values = _typed(Source, raw, Where(marks, key))
    for name in ("name", "platform", "base_url"):
        if not values.get(name):
            raise marks.error(key, f"missing {name}")
    for name in ("column", "default_column"):
        column = values.get(name)
        if column is not None and column not in COLUMNS and not (name == "column" and column == "auto"):
            raise marks.error((*key, name), f"{column!r} is not a column ({', '.join(COLUMNS)}{', auto' if name == 'column' else ''})")
    return Source(**values)


def _footer(raw: Any, where: Where) -> Footer:
    footer = Footer(**{k: v.strip() for k, v in _typed(Footer, raw, where).items()})
    if footer.icp and "ICP" not in footer.icp.upper():
        raise where.error("icp", f"{footer.icp!r} is not an ICP 备案号 (shaped like 赣ICP备12345678号)")
    if footer.police and not footer.police_code:
        raise where.error("police", f"{footer.police!r} has no record number (shaped like 赣公网安备 36010202000123号)")
    if footer.email and "@" not in footer.email:
        raise where.error("email", f"{footer.email!r} is not an e-mail address")
    if re.match(r"^([a-z][a-z0-9+.-]*:|//)", footer.police_badge, re.I):
        raise where.error("police_badge", f"{footer.police_badge!r} must be a path inside the site (no image from another host)")
    return footer


def read_config(path: Path) -> tuple[Any, _Marks]:
    """The config file's YAML data and where each value sits; every failure names file, line and column."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(f"{path}:{line}:{column}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, column, what = yaml_error_at(exc)
        raise ConfigError(f"{path}:{line + 1}:{column + 1}: not valid YAML: {what}") from None
    return value, _Marks(path, root)


def load_settings(config: str | Path | None = None) -> Settings:
    """Read settings from the chosen config file (see module docstring)."""
    path = find_config(config)
    if path is None:
        return Settings(paths=default_paths(Path.cwd()))
    raw, marks = read_config(path)
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise marks.error((), "must be a mapping of settings (setting: value)")
    base = path.parent
    defaults = default_paths(base)
    raw_paths = raw.pop("paths", None) or {}
    if not isinstance(raw_paths, dict):
        raise marks.error(("paths",), "must be a mapping of location: path")
    locations = {f.name for f in fields(Paths)}
    for name, value in raw_paths.items():
        if name not in locations:
            raise marks.error(("paths", name), f"unknown location (known: {', '.join(sorted(locations))})", at_key=True)
        if not isinstance(value, str) or not value.strip():
            raise marks.error(("paths", name), f"expected a path, not {value!r}")
    paths = replace(defaults, **{k: (base / str(v)).resolve() for k, v in raw_paths.items()})
    fetch = FetchSettings(**_typed(FetchSettings, raw.pop("fetch", None), Where(marks, ("fetch",))))
    footer = _footer(raw.pop("footer", None), Where(marks, ("footer",)))
    sources = raw.pop("sources", None) or []
    if not isinstance(sources, list):
        raise marks.error(("sources",), "must be a list of sources")
    parsed = tuple(_source(s, marks, ("sources", i)) for i, s in enumerate(sources))
    names = [s.name for s in parsed]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise marks.error(("sources", i, "name"), f"{name!r} is used by another source; names must be unique")
    guard = _guard(raw.pop("guard", None), Where(marks, ("guard",)))
    for i, source in enumerate(parsed):
        if source.replaces and (source.replaces not in names or source.replaces == source.name):
            raise marks.error(("sources", i, "replaces"), f"{source.replaces!r} is not another configured source")
    rest = _typed(Settings, raw, Where(marks))
    return Settings(paths=paths, config_file=path, fetch=fetch, sources=parsed, footer=footer, guard=guard, **rest)


def _guard(raw: Any, where: Where) -> GuardSettings:
    """The ``guard`` mapping (its numbers checked against RANGES) and its list of words."""
    values = _typed(GuardSettings, raw, where)
    words = values.get("sensitive_words", ())
    if not isinstance(words, list | tuple) or not all(isinstance(w, str) and w.strip() for w in words):
        raise where.error("sensitive_words", "must be a list of non-empty expressions")
    values["sensitive_words"] = tuple(w.strip() for w in words)
    return GuardSettings(**values)
