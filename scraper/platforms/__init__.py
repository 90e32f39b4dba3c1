"""The platform registry: a new CMS platform is one module here plus one line in ``PLATFORMS``.

Each entry names the platform as written in a source's ``platform`` key; the names
live here only. ``check_settings`` validates every source's platform and params
against the registry; the application calls it right after loading the settings.
"""

from __future__ import annotations

from pydantic import ValidationError

from fazhi.config import Settings, Source, read_config, schema_error
from fazhi.errors import ConfigError
from fazhi.schema import Found, problems, validate
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


def source_problems(source: Source) -> list[Found]:
    """What is wrong with one source's platform and params, each at its key path within the source."""
    names = [cls.name for cls in PLATFORMS]
    if source.platform not in names:
        return [Found(("platform",), f"{source.platform!r} is not one of {', '.join(names)}")]
    declared = next(c for c in PLATFORMS if c.name == source.platform).params
    try:
        validate(declared, source.params)
    except ValidationError as exc:
        return [Found(("params", *p.key), p.what, p.at_key) for p in problems(declared, exc)]
    unset = params.missing(declared, source.params)
    return [Found(("params", unset[0]), unset[1])] if unset else []


def check_settings(settings: Settings) -> Settings:
    """Raise ConfigError naming ``<config file>:line:column: sources[i].…`` for the first bad source; returns the settings.

    The places come from reading the config file again, only when something is wrong.
    """
    for i, source in enumerate(settings.sources):
        found = source_problems(source)
        if not found:
            continue
        if settings.config_file is None:
            raise ConfigError(f"settings: sources[{i}].{'.'.join(map(str, found[0].key))}: {found[0].what}")
        raise schema_error(read_config(settings.config_file)[1], found[0], ("sources", i))
    return settings


__all__ = ["PLATFORMS", "Draft", "ListEntry", "PageLimit", "Platform", "check_settings", "platform_for", "source_problems"]
