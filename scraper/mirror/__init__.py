"""The sample mirror: our own fictional copy of the four platforms, served on 127.0.0.1.

Sites (``SITES``; key -> real host, config source name):

    ucap     sthjt.jiangxi.gov.cn /jxssthjt/…, POST /queryList   -> sthjt-ucap
    hanweb   sthjt.jiangxi.gov.cn /col/…, /art/…, dataproxy.jsp  -> sthjt-hanweb
    trs      www.mee.gov.cn /zcwj/zcjd/index[_N].shtml           -> mee-zcjd
    generic  pufa.example.org /pfxc/index[_N].html               -> example-generic

The server dispatches on the Host header, so the scraper keeps the real URLs and
only ``fetch.host_map`` sends the connections here. Every GET page has an ETag and
Last-Modified and answers 304 to a matching conditional request (``validators=False``
sends neither, as many government servers do); each host serves
a robots.txt (pufa.example.org forbids /pfxc/private/, which one list entry links to).

Python API (tests, ``fazhi_app.demo``, the nightly job)::

    from scraper.mirror import Mirror

    with Mirror(tmp_path / "mirror") as mirror:      # generates data if the folder is empty; port 0 = free port
        mirror.base_url                              # 'http://127.0.0.1:41873'
        settings = mirror.settings(base_settings)    # sources of fazhi.yml, all enabled, host_map -> mirror, delay 0
        mirror.write_config(path, content=…, state=…)  # the same as a fazhi.yml for the CLI
        record = mirror.add_article("trs", "某某政策解读", "<p>正文</p>")   # -> {"id", "path", …}
        mirror.edit_article("trs", record["id"], body="<p>改过的正文</p>")
        mirror.delete_article("trs", record["id"])   # its page answers 404; answer="410" or "redirect"
                                                     # (302 to /404.html, a 200 page saying 页面不存在)
        mirror.inject_fault("hanweb", "500")         # also 503 429 404 timeout drop 412 challenge short
                                                     # trickle (a byte every 2 s) empty (lists list nothing)
                                                     # redesign (HTML pages become a script-rendered shell);
        mirror.inject_fault("ucap", "412", times=1, match="/queryList")   # counted / path-limited
        mirror.clear_faults()                        # or clear_faults("hanweb")
        mirror.requests(site="trs")                  # LoggedRequest(method, host, path, query, status, site, conditional, size)
        mirror.clear_log()
        mirror.url("trs", record)                    # the real URL of an article, e.g. https://www.mee.gov.cn/…

``generate(data_dir, seed)`` writes a fresh data directory; ``MirrorData(data_dir)``
changes one without a server (another process serving it sees the change at once).
``serve(data_dir, host, port, on_ready)`` runs a mirror until interrupted (``fazhi mirror``).

What the data reproduces (see ``data._site_articles`` and ``_special_cases``): ``<base href>``
and relative links, duplicate list entries, truncated list titles with the full title in
``title=``, meta PubDate unlike the shown date (and lower-case ``pubdate``), dates as
``2020-12-22 16:11`` / ``2020年12月22日`` / ``[2017-04-24]`` / ``(2023-06-05)``, full-width,
``&nbsp;`` and ``&ensp;`` indentation, Word ``MsoNormal``/``<o:p>`` markup, tables, images,
attachments (.pdf .doc .xls) as ``/doc/ucap/…``, ``downfile.jsp?filename=``, relative
``files/…``, ``./P0….pdf`` and absolute ``http://`` links, a missing image, image-only items,
a GB2312-declared page with GBK-only characters and an undeclared GBK page, malformed HTML,
a page needing the main-content fallback, and the XSS payload set (``generator.XSS_PAYLOAD``).

A fifth, hostile host (``hostile.HOST``, source ``hostile.SOURCE``, not among the default
sources) serves files that are not what their names say and links to internal addresses.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from fazhi.config import Settings, Source, load_settings
from fazhi.errors import ConfigError
from scraper.mirror import hostile
from scraper.mirror.data import FAULT_KINDS, GONE_ANSWERS, HOSTS, SITES, MirrorData, Site, generate
from scraper.mirror.server import LoggedRequest, MirrorServer

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "fazhi.yml"
SCHEMES = {"ucap": "https", "hanweb": "http", "trs": "https", "generic": "http"}


def default_sources() -> tuple[Source, ...]:
    """The sources of the project's default fazhi.yml (the real sites the mirror imitates)."""
    if not DEFAULT_CONFIG.is_file():
        raise ConfigError(f"{DEFAULT_CONFIG}: default config not found; pass sources explicitly")
    return load_settings(DEFAULT_CONFIG).sources


def mirror_settings(base_url: str, settings: Settings | None = None, sources: tuple[Source, ...] | None = None) -> Settings:
    """Settings whose sources the mirror serves, all enabled, connected to it via host_map, without delays."""
    settings = settings or load_settings(DEFAULT_CONFIG)
    chosen = sources or settings.sources or default_sources()
    served = tuple(replace(s, enabled=True) for s in chosen if urlsplit(s.base_url).hostname in (*HOSTS, hostile.HOST))
    fetch = replace(settings.fetch, host_map={host: base_url for host in (*HOSTS, hostile.HOST)}, delay=0.0, backoff=0.05)
    return replace(settings, fetch=fetch, sources=served)


class Mirror:
    """A mirror server over a data directory; see the module docstring."""

    def __init__(self, data_dir: Path | None = None, *, seed: int = 2020, port: int = 0, slow_seconds: float = 3.0,
                 validators: bool = True):
        self._tmp = tempfile.TemporaryDirectory(prefix="fazhi-mirror-") if data_dir is None else None
        self.dir = Path(self._tmp.name) if self._tmp else Path(data_dir)  # type: ignore[arg-type]
        self.data = MirrorData(self.dir) if (self.dir / "faults.json").is_file() else generate(self.dir, seed)
        self.port = port
        self.slow_seconds = slow_seconds
        self.validators = validators
        self.server: MirrorServer | None = None
        self._thread: threading.Thread | None = None

    # -- running -------------------------------------------------------------------------------
    def start(self) -> str:
        """Serve in a background thread; returns the base URL."""
        if self.server is None:
            self.server = MirrorServer(self.data, "127.0.0.1", self.port, self.slow_seconds, self.validators)
            self._thread = threading.Thread(target=self.server.serve_forever, name="fazhi-mirror", daemon=True)
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Mirror:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self.server is None:
            raise RuntimeError("the mirror is not running; call start()")
        return self.server.base_url

    @property
    def host_map(self) -> dict[str, str]:
        return {host: self.base_url for host in (*HOSTS, hostile.HOST)}

    # -- configuration -------------------------------------------------------------------------
    def settings(self, settings: Settings | None = None, sources: tuple[Source, ...] | None = None) -> Settings:
        """``mirror_settings`` for this running mirror."""
        return mirror_settings(self.base_url, settings, sources)

    def write_config(self, path: Path, *, content: Path, state: Path, settings: Settings | None = None) -> Path:
        """Write a fazhi.yml for the CLI: the mirror's sources, host_map, no delay, the given paths."""
        configured = self.settings(settings)
        fetch = {k: v for k, v in asdict(configured.fetch).items()}
        raw = {
            "paths": {"content": str(Path(content).resolve()), "state": str(Path(state).resolve())},
            "fetch": fetch,
            "sources": [{k: v for k, v in asdict(s).items()} for s in configured.sources],
        }
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    def url(self, site: str, record: dict[str, Any]) -> str:
        """The real URL of an article record (what the scraper stores as origin_url)."""
        return f"{SCHEMES[site]}://{SITES[site].host}{record['path']}"

    # -- data and faults -----------------------------------------------------------------------
    def articles(self, site: str) -> list[dict[str, Any]]:
        return self.data.articles(site)

    def add_article(self, site: str, title: str, body: str, **fields: Any) -> dict[str, Any]:
        return self.data.add_article(site, title, body, **fields)

    def edit_article(self, site: str, article_id: str, **changes: Any) -> dict[str, Any]:
        return self.data.edit_article(site, article_id, **changes)

    def delete_article(self, site: str, article_id: str, *, answer: str = "404") -> None:
        self.data.delete_article(site, article_id, answer=answer)

    def inject_fault(self, site: str, kind: str, *, times: int | None = None, match: str | None = None) -> None:
        self.data.inject_fault(site, kind, times=times, match=match)

    def clear_faults(self, site: str | None = None) -> None:
        self.data.clear_faults(site)

    def requests(self, site: str | None = None, method: str | None = None) -> list[LoggedRequest]:
        if self.server is None:
            return []
        with self.server.log_lock:
            log = list(self.server.log)
        return [r for r in log if (site is None or r.site == site) and (method is None or r.method == method)]

    def clear_log(self) -> None:
        if self.server is not None:
            with self.server.log_lock:
                self.server.log.clear()


def serve(data_dir: Path, host: str = "127.0.0.1", port: int = 8731, seed: int = 2020,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Run a mirror in the foreground until interrupted (``fazhi mirror``)."""
    data = MirrorData(data_dir) if (Path(data_dir) / "faults.json").is_file() else generate(Path(data_dir), seed)
    server = MirrorServer(data, host, port)
    try:
        if on_ready:
            on_ready(server.base_url)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


__all__ = ["FAULT_KINDS", "GONE_ANSWERS", "HOSTS", "SITES", "LoggedRequest", "Mirror", "MirrorData", "Site", "default_sources", "generate",
           "mirror_settings", "serve"]
