"""What a platform's ``params`` may hold, declared once and checked when the settings are loaded.

Each platform lists its params (``Param``: name, kind, whether required, what it is)
and, where one of several will do, ``one_of`` groups. ``problems`` returns one line per
missing, unknown or mistyped param, so a bad config stops before any request with
``sources[i].params.<name>: …``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import soupsieve

KINDS = ("text", "id", "count", "mapping", "regex", "selector")


@dataclass(frozen=True)
class Param:
    """One setting of ``sources[i].params``. Kinds: text, id (text or number), count (a whole number ≥ 1),
    mapping, regex, selector (CSS)."""

    name: str
    kind: str
    description: str
    required: bool = False


def _problem(kind: str, value: Any) -> str | None:
    """What is wrong with a value for a kind, or None."""
    if kind == "text":
        return None if isinstance(value, str) and value.strip() else f"must be non-empty text, not {value!r}"
    if kind == "id":
        ok = (isinstance(value, str) and value.strip()) or (isinstance(value, int) and not isinstance(value, bool))
        return None if ok else f"must be an id (text or a number), not {value!r}"
    if kind == "count":
        try:
            number = int(value)
        except (TypeError, ValueError):
            return f"must be a whole number, not {value!r}"
        whole = not isinstance(value, bool) and str(value).strip().isdigit()
        return None if whole and number >= 1 else f"must be a whole number ≥ 1, not {value!r}"
    if kind == "mapping":
        return None if isinstance(value, Mapping) else f"must be a mapping, not {value!r}"
    if kind == "regex":
        if not isinstance(value, str):
            return f"must be a regular expression, not {value!r}"
        try:
            re.compile(value)
        except re.error as exc:
            return f"not a valid regular expression: {exc}"
        return None
    if kind == "selector":
        if not isinstance(value, str) or not value.strip():
            return f"must be a CSS selector, not {value!r}"
        try:
            soupsieve.compile(value)
        except soupsieve.SelectorSyntaxError as exc:
            return f"not a valid CSS selector: {str(exc).splitlines()[0]}"
        return None
    raise ValueError(f"unknown param kind {kind!r}")


def problems(declared: tuple[Param, ...], one_of: tuple[tuple[str, ...], ...], params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(param name, what is wrong)`` for every problem with a source's params, in a stable order."""
    known = {p.name: p for p in declared}
    found: list[tuple[str, str]] = []
    for name in params:
        if name not in known:
            found.append((str(name), f"unknown param (known: {', '.join(sorted(known)) or 'none'})"))
    for param in declared:
        if param.name in params:
            problem = _problem(param.kind, params[param.name])
            if problem:
                found.append((param.name, problem))
        elif param.required:
            found.append((param.name, f"missing: {param.description}"))
    for group in one_of:
        if not any(name in params for name in group):
            found.append((group[0], f"missing: set {' or '.join(group)}"))
    return found
