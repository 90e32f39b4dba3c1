"""Typed settings, read from one YAML file (``fazhi.yml``) and overridable per run.

Every location the project touches is a setting, so a run can work in any
directory: relative paths in the file are relative to the file's own folder.
Which file: ``--config``, else ``$FAZHI_CONFIG``, else ``./fazhi.yml``, else the
defaults below anchored at the current directory.
"""

from __future__ import annotations

import os
import re
from dataclasses import fields, replace
from functools import partial
from pathlib import Path
from typing import Annotated, Any, ClassVar

import yaml
from pydantic import AfterValidator, BeforeValidator, ValidationError, ValidationInfo

from fazhi.article import COLUMNS
from fazhi.errors import ConfigError
from fazhi.law.regions import province_named
from fazhi.schema import Flag, Found, Name, Text, Trimmed, problems, schema, setting, validate
from fazhi.yamlerrors import yaml_error_at

CONFIG_ENV = "FAZHI_CONFIG"
DEFAULT_CONFIG_NAME = "fazhi.yml"


def _located(value: Any, info: ValidationInfo) -> Path:
    """A location as written: text, relative to the config file's folder (``base`` in the context)."""
    if isinstance(value, Path):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a path, not {value!r}")
    base = (info.context or {}).get("base")
    return (base / value).resolve() if base is not None else Path(value)


Location = Annotated[Path, BeforeValidator(_located)]


@schema
class Paths:
    """Where things live. ``state`` holds the scraper database, raw pages, lock and run reports.

    ``law_library`` is a folder of statute texts (``fazhi.law.library``); None means no library,
    and citations stay links to the law's page only.
    """

    UNKNOWN: ClassVar[str] = "location"

    content: Location = setting(help="the content tree: one folder per article", shown="docs")
    mkdocs_config: Location = setting(help="the MkDocs configuration", shown="mkdocs.yml")
    state: Location = setting(help="the scraper database, raw pages, lock and run reports", shown="var/state")
    site: Location = setting(help="the built site", shown="var/site")
    index: Location = setting(help="the search index", shown="var/index")
    releases: Location = setting(help="published releases and the current link", shown="var/releases")
    law_library: Location | None = setting(None, "a folder of statute texts; unset: citations link to the law's page only")


USER_AGENT = "fazhi-archiver/0.1 (+https://github.com/fazhi-archive/fazhi; public-interest archive of legal publicity)"


def _names(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"expected a list of names, not {value!r}")
    return value


@schema
class FetchSettings:
    """How politely and how hard the scraper fetches.

    An archived article's page is fetched again when its list entry changes, or when it is due: every
    (age in days × ``revisit_age_factor``) days, at least ``revisit_min_days`` and at most ``revisit_max_days``
    apart, within ``revisit_budget`` pages (and removal checks) per source and run. ``timeout`` applies only
    between reads; ``request_limit`` and ``source_limit`` are wall-clock limits, past which the source is
    unfinished and goes on the next night.
    """

    user_agent: Text = setting(USER_AGENT, "the User-Agent sent with every request (an honest fazhi-archiver string)")
    delay: float = setting(1.0, "seconds between requests to one host", ge=0, le=3600)
    concurrency: int = setting(2, "requests in flight per host", ge=1, le=64)
    timeout: float = setting(20.0, "seconds to wait between reads of one response", ge=0.1, le=3600)
    retries: int = setting(3, "retries of a timeout, dropped connection, 5xx or 429 (a refused connection or unknown name: once)",
                           ge=0, le=20)
    backoff: float = setting(1.0, "seconds before the first retry, doubling each time", ge=0, le=3600)
    max_bytes: int = setting(20 * 1024 * 1024, "largest response in bytes", ge=1)
    robots: Flag = setting(True, "obey robots.txt")
    conditional: Flag = setting(True, "send If-None-Match / If-Modified-Since from the state store, so unchanged pages answer 304")
    host_map: dict[str, str] = setting(help="host -> base URL to connect to instead (e.g. the sample mirror); URLs in sources, "
                                       "pages and archived articles stay the real ones", factory=dict,
                                       expects="a mapping of host: base URL")
    allow_hosts: Annotated[list[str], BeforeValidator(_names)] = setting(
        help="host names fetched even though they resolve to internal addresses (besides each source's own host)", factory=list)
    revisit_min_days: float = setting(1.0, "fewest days between two fetches of an archived article's page", ge=0, le=3650)
    revisit_max_days: float = setting(60.0, "most days between two fetches of an archived article's page", ge=0, le=3650)
    revisit_age_factor: float = setting(0.25, "an article is due again after its age in days times this", ge=0, le=100)
    revisit_budget: int = setting(60, "pages fetched again (and removal checks) per source and run", ge=0, le=100000)
    full_walk_days: float = setting(7.0, "how often every list page is walked (nightly walks stop at the first page with nothing new)",
                                    ge=0, le=3650)
    request_limit: float = setting(300.0, "wall-clock seconds of one request, from connecting to its last byte", ge=1, le=86400)
    source_limit: float = setting(7200.0, "wall-clock seconds of one source's work in a night", ge=1, le=604800)


def _column(value: Any, *, auto: bool) -> Any:
    if isinstance(value, str) and value not in COLUMNS and not (auto and value == "auto"):
        raise ValueError(f"{value!r} is not a column ({', '.join(COLUMNS)}{', auto' if auto else ''})")
    return value


@schema
class Source:
    """One list to scrape: which platform, where, and which archive column its items go to.

    ``column`` is a column key, or ``auto`` to classify by title keywords with
    ``default_column`` as the fallback. ``platform`` and ``params`` (column ids,
    unit ids, selectors) belong to the scraper's platform registry, which checks
    them right after the settings are loaded. ``replaces`` names an older source this one
    supersedes (a site migration): its articles are matched by title and date on first sight
    and take the new URLs instead of being archived anew.
    """

    name: Name = setting(help="a unique id")
    platform: Name = setting(help="the CMS platform: one of the platforms below")
    base_url: Name = setting(help="the site or column URL the platform starts from")
    title: Text = setting("", "what the source is called in reports")
    column: Annotated[Text, AfterValidator(partial(_column, auto=True))] = setting(
        "auto", "a column key, or auto: by title keywords (工作总结/年度报告 → summaries, 解读/一图读懂/问答 → interpretations, "
        "案例/以案释法/典型 → cases)")
    default_column: Annotated[Text, AfterValidator(partial(_column, auto=False))] = setting(
        "interpretations", "the column when auto finds no keyword")
    publisher: Text = setting("", "the publishing body of its articles")
    enabled: Flag = setting(True, "false: not scraped")
    max_pages: int = setting(50, "list pages a nightly walk may read (full walks have no cap)", ge=1, le=100000)
    params: dict[str, Any] = setting(help="the platform's own settings (below)", factory=dict)
    replaces: Text = setting("", "the older source this one supersedes (a site migration)")


def _police(value: str) -> str:
    if value and not _digits(value):
        raise ValueError(f"{value!r} has no record number (shaped like 赣公网安备 36010202000123号)")
    return value


def _icp(value: str) -> str:
    if value and "ICP" not in value.upper():
        raise ValueError(f"{value!r} is not an ICP 备案号 (shaped like 赣ICP备12345678号)")
    return value


def _email(value: str) -> str:
    if value and "@" not in value:
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def _in_site(value: str) -> str:
    if re.match(r"^([a-z][a-z0-9+.-]*:|//)", value, re.I):
        raise ValueError(f"{value!r} must be a path inside the site (no image from another host)")
    return value


def _digits(text: str) -> str:
    return "".join(re.findall(r"\d+", text))


@schema
class Footer:
    """What a Chinese government website shows in its footer (《政府网站发展指引》); all empty by default.

    Each field is shown on every page once set: 主办单位, 承办单位, the 联系方式 (address,
    postcode, telephone, e-mail), the ICP 备案号 and 公安机关备案号 (linked to their filing
    registries) and the 网站标识码. ``police_badge`` is the site-relative path of the small
    公安 badge shown before the 公安机关备案号: an image kept in the site, never hot-linked.
    """

    sponsor: Trimmed = setting("", "主办单位")
    operator: Trimmed = setting("", "承办单位 (where it differs from the sponsor)")
    address: Trimmed = setting("", "联系方式: 地址")
    postcode: Trimmed = setting("", "联系方式: 邮编")
    phone: Trimmed = setting("", "联系方式: 电话 (a tel: link)")
    email: Annotated[Trimmed, AfterValidator(_email)] = setting("", "联系方式: 电子邮箱 (a mailto: link)")
    icp: Annotated[Trimmed, AfterValidator(_icp)] = setting(
        "", "the ICP 备案号 (e.g. 赣ICP备12345678号-1), linked to the MIIT filing registry")
    police: Annotated[Trimmed, AfterValidator(_police)] = setting(
        "", "the 公安机关备案号 (e.g. 赣公网安备 36010202000123号) after the badge, linked to the MPS filing registry")
    police_badge: Annotated[Trimmed, AfterValidator(_in_site)] = setting(
        "assets/fazhi/beian-badge.svg", "the badge image's path inside the site; never a URL")
    site_code: Trimmed = setting("", "网站标识码, exactly as issued")

    @property
    def police_code(self) -> str:
        """The digits of the 公安机关备案号 (``赣公网安备 36010202000123号`` -> ``36010202000123``)."""
        return _digits(self.police)

    @property
    def shown(self) -> bool:
        """True once any field is set: the footer shows its government-site block only then."""
        return any(getattr(self, f.name) for f in fields(self) if f.name != "police_badge")


def _words(value: Any) -> Any:
    if not isinstance(value, list | tuple) or not all(isinstance(w, str) and w.strip() for w in value):
        raise ValueError("must be a list of non-empty expressions")
    return tuple(w.strip() for w in value)


@schema
class GuardSettings:
    """Limits on what one night may change before the nightly job holds a change for review.

    Shares are of a source's articles known before the night; a source with fewer than
    ``min_source_articles`` is not held for its share alone. ``max_shrink`` is the share
    of a body's text that may disappear in one change; a body under ``min_body_chars``
    and without an image counts as empty. ``hold_fallback_dates`` holds an article whose date came from
    neither its page nor its list. ``sensitive_words`` (错敏词) must not appear in a
    scraped title or body.
    """

    enabled: Flag = setting(True, "false: nothing is held")
    max_changed_share: float = setting(0.5, "held when more than this share of a source's published articles changed in one night",
                                       ge=0, le=1)
    max_removed_share: float = setting(0.3, "held when more than this share of a source's published articles was removed upstream "
                                       "in one night", ge=0, le=1)
    min_source_articles: int = setting(6, "the two shares apply only to sources with at least this many published articles", ge=0)
    max_shrink: float = setting(0.6, "held when a body lost more than this share of its characters (images' Markdown not counted)",
                                ge=0, le=1)
    min_body_chars: int = setting(20, "a body with fewer characters and no image is empty; with an image, held when those few "
                                  "characters changed", ge=0)
    hold_fallback_dates: Flag = setting(True, "held when the date came from neither the page nor the list (meta tag or URL)")
    sensitive_words: Annotated[tuple[str, ...], BeforeValidator(_words)] = setting(
        (), "held when the title or body contains one of these wrong or sensitive expressions (错敏词)")


@schema
class ExtractSettings:
    """Caps on reading the text inside one attachment or image (``extract``): files come from sites we do not
    control, so each is read in a child process that is killed past ``file_seconds`` or ``memory_mb``, and a
    file past a size cap is skipped before it is read. ``ocr`` needs Tesseract with its simplified-Chinese model.
    ``night_seconds`` keeps the nightly job's reading off its critical path: an archive's backlog is read over nights."""

    ocr: Flag = setting(True, "read the text in images with Tesseract (chi_sim); false: images are skipped")
    night_seconds: float = setting(1800.0, "seconds one fazhi nightly spends reading new or changed files; the rest wait for the next "
                                   "night (a file begun is finished)", ge=0, le=604800)
    file_seconds: float = setting(60.0, "wall-clock seconds one file may take; past it its reader is killed", ge=1, le=3600)
    memory_mb: int = setting(1024, "address space in MB of the process reading one file; past it the file fails", ge=256, le=65536)
    max_pages: int = setting(2000, "a PDF or OFD with more pages is skipped", ge=1, le=1000000)
    max_pixels: int = setting(40_000_000, "an image with more pixels (width × height, read from its header) is skipped", ge=1)
    max_unpacked_mb: int = setting(200, "a DOCX, XLSX, PPTX, ODF or OFD whose parts read would unpack to more MB is skipped", ge=1,
                                   le=65536)
    max_ratio: float = setting(200.0, "a part of such a package unpacking to more than this many times its packed size is skipped",
                               ge=1, le=100000)


def _province(name: str) -> str:
    """A province as its full name (江西 -> 江西省); empty stays empty (a site of no province)."""
    if not name:
        return ""
    found = province_named(name)
    if found is None:
        raise ValueError(f"unknown province {name!r}; expected a provincial-level division's name, e.g. 江西省 (fazhi/law/regions.yaml)")
    return found


@schema
class LevelWeights:
    """How much a law library text's score counts, by its level in the hierarchy of norms (``level_weights``):
    a question from the public is answered by a national law before a city's regulation that repeats its words.
    The archive's own articles have no level and weigh 1. The defaults were measured on STARD (manual/search.md)."""

    law: float = setting(1.0, "法律", ge=0, le=10)
    administrative: float = setting(0.7, "行政法规", ge=0, le=10)
    judicial: float = setting(0.6, "司法解释", ge=0, le=10)
    rules: float = setting(0.4, "规章 (a ministry's or a local government's)", ge=0, le=10)
    local: float = setting(0.3, "地方性法规", ge=0, le=10)
    case: float = setting(0.3, "案例", ge=0, le=10)
    other: float = setting(0.3, "anything else in the library", ge=0, le=10)


@schema
class Settings:
    """Everything a run needs to know; ``config_file`` is None when only defaults apply."""

    INTERNAL: ClassVar[tuple[str, ...]] = ("config_file",)  # fields no config file may set

    paths: Paths = setting(help="where things live (below); relative paths are relative to the config file's folder", shown="below")
    config_file: Path | None = None
    site_name: Text = setting("互联网+法治宣传", "the site's title")
    publisher: Text = setting("江西省生态环境厅", "default publisher for fazhi new")
    site_url: Text = setting("http://127.0.0.1:8000/", "absolute URL of the site (feeds, sitemap, canonical links, og:url, JSON-LD)")
    listing_per_page: int = setting(20, "articles per listing page", ge=1, le=1000)
    fetch: FetchSettings = setting(help="how the scraper fetches (below)", factory=FetchSettings)
    sources: tuple[Source, ...] = setting((), "what the scraper scrapes (below)")
    serve_host: Text = setting("127.0.0.1", "where fazhi serve listens")
    serve_port: int = setting(8000, "the port fazhi serve listens on", ge=0, le=65535)
    keep_releases: int = setting(5, "releases the nightly job keeps", ge=1, le=1000)
    run_limit: float = setting(21600.0, "wall-clock seconds one fazhi nightly may take: its scrape stops in time for the build, and "
                               "a run still short of publishing at the limit publishes nothing and ends", ge=1, le=604800)
    footer: Footer = setting(help="the government-site footer (below)", factory=Footer)
    guard: GuardSettings = setting(help="when a scraped change is held for review (below)", factory=GuardSettings)
    extract: ExtractSettings = setting(help="caps on reading the text inside attachments and images (below)", factory=ExtractSettings)
    jurisdiction: Annotated[Trimmed, AfterValidator(_province)] = setting(
        "", "the site's own province (江西省): its and its cities' regulations and rules weigh as national law in search; "
        "empty: no province")
    level_weights: LevelWeights = setting(help="search weights of the law library's texts by level (below)", factory=LevelWeights)

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
        """``file:line:column`` of the value at ``key`` (of its key with ``at_key``); for a key the file lacks
        (a missing setting), of the nearest mapping that holds it."""
        mark = self.marks.get((*key[:-1], "<key>", key[-1]) if at_key and key else key)
        while mark is None and key:
            key = key[:-1]
            mark = self.marks.get(key)
        return f"{self.path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(self.path)

    def error(self, key: Key, what: str, *, at_key: bool = False) -> ConfigError:
        """A ConfigError ``file:line:column: setting: what``; ``at_key`` points at the key, not its value."""
        return ConfigError(f"{self.at(key, at_key=at_key)}: {_dotted(key)}: {what}" if key else f"{self.at(key)}: {what}")


def _dotted(key: Key) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in key).lstrip(".")


def schema_error(marks: _Marks, found: Found, prefix: Key = ()) -> ConfigError:
    """One schema problem as ``file:line:column: dotted.name: what``; an unknown key is named at the key itself.

    An unknown setting reads ``section: unknown setting 'x'``, an unknown location or param ``paths.x: unknown location``.
    """
    key = (*prefix, *found.key)
    if found.at_key and found.what.startswith("unknown setting"):
        section = f"{_dotted(key[:-1])}: " if key[:-1] else ""
        return ConfigError(f"{marks.at(key, at_key=True)}: {section}{found.what}")
    if found.at_key:
        what = found.what.replace(f" {key[-1]!r}", "", 1)
        return marks.error(key, what, at_key=True)
    return marks.error(key, found.what)


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
    """Read settings from the chosen config file (see module docstring), checked against the schema above."""
    path = find_config(config)
    if path is None:
        return Settings(paths=default_paths(Path.cwd()))
    raw, marks = read_config(path)
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise marks.error((), "must be a mapping of settings (setting: value)")
    for name in Settings.INTERNAL:
        if name in raw:
            raise schema_error(marks, Found((name,), f"unknown setting {name!r}", at_key=True))
    sections = ("paths", "fetch", "sources", "footer", "guard", "extract", "level_weights")
    raw = {k: v for k, v in raw.items() if not (v is None and k in sections)}
    raw_paths = raw.get("paths", {})
    if not isinstance(raw_paths, dict):
        raise marks.error(("paths",), "must be a mapping of location: path")
    defaults = {f.name: getattr(default_paths(path.parent), f.name) for f in fields(Paths)}
    raw["paths"] = {**{k: v for k, v in defaults.items() if v is not None}, **raw_paths}
    try:
        settings = validate(Settings, raw, context={"base": path.parent})
    except ValidationError as exc:
        raise schema_error(marks, problems(Settings, exc)[0]) from None
    names = [s.name for s in settings.sources]
    for i, source in enumerate(settings.sources):
        if source.name in names[:i]:
            raise marks.error(("sources", i, "name"), f"{source.name!r} is used by another source; names must be unique")
        if source.replaces and (source.replaces not in names or source.replaces == source.name):
            raise marks.error(("sources", i, "replaces"), f"{source.replaces!r} is not another configured source")
    return replace(settings, config_file=path)
