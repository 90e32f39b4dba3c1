"""The platform registry: a new CMS platform is one module here plus one line in ``PLATFORMS``.

Each entry names the platform as written in a source's ``platform`` key; the names
live here only. ``check_settings`` validates every source's platform and params
against the registry; the application calls it right after loading the settings.
"""

from __future__ import annotations

from fazhi.config import Settings, Source
from fazhi.errors import ConfigError
from scraper.platforms import params
from scraper.platforms.base import Draft, ListEntry, PageLimit, Platform
from scraper.platforms.generic import GenericPlatform
from scraper.platforms.hanweb import HanwebPlatform
from scraper.platforms.trs import TrsPlatform
from scraper.platforms.ucap import UcapPlatform

PLATFORMS: tuple[type[Platform], ...] = (UcapPlatform, HanwebPlatform, TrsPlatform, GenericPlatform)


def platform_for(name: str) -> Platform:
    """A platform instance by name (``check_settings`` has already checked the name)."""
    for cls in PLATFORMS:
        if cls.name == name:
            return cls()
    raise KeyError(name)


def source_problems(source: Source) -> list[str]:
    """What is wrong with one source's platform and params, as ``platform: …`` / ``params.<name>: …`` lines."""
    names = [cls.name for cls in PLATFORMS]
    if source.platform not in names:
        return [f"platform: {source.platform!r} is not one of {', '.join(names)}"]
    cls = next(c for c in PLATFORMS if c.name == source.platform)
    return [f"params.{name}: {problem}" for name, problem in params.problems(cls.params, cls.one_of, source.params)]


def check_settings(settings: Settings) -> Settings:
    """Raise ConfigError naming ``<config file>: sources[i].…`` for the first bad source; returns the settings."""
    where = str(settings.config_file) if settings.config_file else "settings"
    for i, source in enumerate(settings.sources):
        found = source_problems(source)
        if found:
            raise ConfigError(f"{where}: sources[{i}].{found[0]}")
    return settings


__all__ = ["PLATFORMS", "Draft", "ListEntry", "PageLimit", "Platform", "check_settings", "platform_for", "source_problems"]
