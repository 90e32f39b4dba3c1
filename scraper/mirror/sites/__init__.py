"""The site registry: one module per emulated site, as ``scraper.platforms`` has one per real platform.

Each module declares its ``SITE`` (``scraper.mirror.site.Site``): host, ids, article paths, the quirks of its
sample articles, its list pages and article pages. The site names live here only; a name not in ``SITES`` is
an error, never another site.
"""

from __future__ import annotations

from scraper.mirror.site import Site
from scraper.mirror.sites import generic, hanweb, trs, ucap

SITES: dict[str, Site] = {s.key: s for s in (ucap.SITE, hanweb.SITE, trs.SITE, generic.SITE)}


def known_site(key: str) -> Site:
    """A site by key; KeyError naming the key and the sites there are."""
    if key not in SITES:
        raise KeyError(f"unknown mirror site {key!r} (sites: {', '.join(SITES)})")
    return SITES[key]
