"""The platform registry: a new CMS platform is one module here plus one line in ``PLATFORMS``.

Each entry names the platform as written in a source's ``platform`` key
(``fazhi.config.PLATFORMS`` lists the same names for config validation).
"""

from __future__ import annotations

from scraper.platforms.base import Draft, ListEntry, PageLimit, Platform
from scraper.platforms.generic import GenericPlatform
from scraper.platforms.hanweb import HanwebPlatform
from scraper.platforms.trs import TrsPlatform
from scraper.platforms.ucap import UcapPlatform

PLATFORMS: tuple[type[Platform], ...] = (UcapPlatform, HanwebPlatform, TrsPlatform, GenericPlatform)


def platform_for(name: str) -> Platform:
    """A platform instance by name (the config loader has already checked the name)."""
    for cls in PLATFORMS:
        if cls.name == name:
            return cls()
    raise KeyError(name)


__all__ = ["PLATFORMS", "Draft", "ListEntry", "PageLimit", "Platform", "platform_for"]
