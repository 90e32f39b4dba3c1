"""What a platform's ``params`` may hold: each platform declares a schema (``fazhi.schema``) of them.

A platform's ``Params`` is a ``@schema`` class whose fields are typed with the kinds below (text, id,
count, mapping, regex, selector) and carry one-line help; ``ONE_OF`` lists groups of which at least
one must be set. ``scraper.platforms.check_settings`` validates every source's params against it when
the settings are loaded, so a bad config stops before any request with
``file:line:column: sources[i].params.<name>: …``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any, ClassVar

import soupsieve
from pydantic import BeforeValidator, Field


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


def _checked(kind: str, value: Any) -> Any:
    problem = _problem(kind, value)
    if problem:
        raise ValueError(problem)
    return value


def _kind(kind: str, expects: str) -> Any:
    return Annotated[Any, BeforeValidator(partial(_checked, kind)), Field(json_schema_extra={"expects": expects})]


Text = _kind("text", "non-empty text")
Id = _kind("id", "an id (text or a number)")
Count = _kind("count", "a whole number ≥ 1")
Table = _kind("mapping", "a mapping")
Regex = _kind("regex", "a regular expression")
Selector = _kind("selector", "a CSS selector")


class Params:
    """Base of every platform's params schema: unknown keys are params, and which groups need one set."""

    UNKNOWN: ClassVar[str] = "param"
    ONE_OF: ClassVar[tuple[tuple[str, ...], ...]] = ()


def missing(declared: type[Params], params: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(param name, what is missing)`` for the first ``ONE_OF`` group with none set, or None."""
    for group in declared.ONE_OF:
        if not any(params.get(name) is not None for name in group):
            return group[0], f"missing: set {' or '.join(group)}"
    return None
