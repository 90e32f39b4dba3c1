"""The one way settings and front matter are declared and checked (pydantic v2).

A schema is a frozen pydantic dataclass (``@schema``) whose fields carry their type, default, range
(``ge``/``le``) and one-line help (``setting(...)``): validation, error messages and the generated
configuration reference (``reference``) all read them, so nothing is kept in a second table.
``problems`` turns a ValidationError into ``(key path, what)`` pairs in our words, for callers that
know where each key sits (file, line and column) to print them.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin

from annotated_types import Ge, Le, MinLen
from pydantic import BeforeValidator, ConfigDict, Field, Strict, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

Key = tuple[str | int, ...]
T = TypeVar("T")

# Unknown keys are errors (a misspelt key never silently disables a check); numbers given as text are text.
CONFIG = ConfigDict(extra="forbid", coerce_numbers_to_str=True, arbitrary_types_allowed=True)


def schema(cls: type[T]) -> type[T]:
    """A frozen, validated dataclass: ``dataclasses.replace`` and ``fields`` keep working for callers."""
    return dataclass(frozen=True, config=CONFIG)(cls)  # type: ignore[return-value]


def _empty_if_none(value: Any) -> Any:
    return "" if value is None else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Flag = Annotated[bool, Strict()]  # true or false only: "yes" or 1 is a mistake, not a flag
Text = Annotated[str, BeforeValidator(_empty_if_none)]  # an empty key (``operator:``) is empty text
Trimmed = Annotated[str, BeforeValidator(_strip), BeforeValidator(_empty_if_none)]
Name = Annotated[str, MinLen(1)]


def setting(default: Any = PydanticUndefined, help: str = "", *, ge: float | None = None, le: float | None = None,
            factory: Callable[[], Any] | None = None, expects: str | None = None, shown: str | None = None,
            check_default: bool = False) -> Any:
    """A field with its default, range and help; ``expects`` says what a wrong value should have been,
    ``shown`` what the reference gives as the default when code supplies it (locations under the config's folder);
    ``check_default`` runs the field's validators when the key is absent too (a rule that needs the key given)."""
    said = {k: v for k, v in (("expects", expects), ("shown", shown)) if v}
    extra: dict[str, Any] = {"json_schema_extra": said} if said else {}
    if check_default:
        extra["validate_default"] = True
    if factory is not None:
        return Field(default_factory=factory, ge=ge, le=le, description=help, **extra)
    return Field(default, ge=ge, le=le, description=help, **extra)


KINDS = {int: "a whole number", float: "a number", bool: "true or false", str: "text", Path: "a path"}


def _bare(annotation: Any) -> Any:
    """The annotation without ``Annotated`` and ``| None``."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (types.UnionType, typing.Union):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        return _bare(rest[0]) if len(rest) == 1 else annotation
    return annotation


def _limits(info: FieldInfo) -> tuple[float | None, float | None]:
    low = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in info.metadata if isinstance(m, Le)), None)
    return low, high  # type: ignore[return-value]


def range_text(info: FieldInfo) -> str:
    """``from 1 to 1000``, ``of at least 0`` or empty."""
    low, high = _limits(info)
    if low is None:
        return ""
    return f"from {low:g} to {high:g}" if high is not None else f"of at least {low:g}"


def kind_text(info: FieldInfo) -> str:
    """What a value of this field is, in words (``a whole number``, ``a mapping``, ``a list of …``)."""
    extra = info.json_schema_extra
    if isinstance(extra, dict) and extra.get("expects"):
        return str(extra["expects"])
    bare = _bare(info.annotation)
    origin = get_origin(bare)
    if origin is dict:
        return "a mapping"
    if origin in (list, tuple):
        inner = _bare(get_args(bare)[0])
        return f"a list of {'mappings' if dataclasses.is_dataclass(inner) else 'names'}"
    if dataclasses.is_dataclass(bare):
        return "a mapping of settings"
    if bare is str and any(isinstance(m, MinLen) for m in info.metadata):
        return "non-empty text"
    return KINDS.get(bare, getattr(bare, "__name__", str(bare)))


def expected(info: FieldInfo) -> str:
    """``a whole number from 1 to 1000``: the kind and the range."""
    return " ".join(part for part in (kind_text(info), range_text(info)) if part)


def fields_of(cls: type) -> dict[str, FieldInfo]:
    """The declared fields of a schema, in order (``ClassVar`` and internal fields are not settings)."""
    internal = getattr(cls, "INTERNAL", ())
    return {name: info for name, info in cls.__pydantic_fields__.items() if name not in internal}  # type: ignore[attr-defined]


def default_text(info: FieldInfo) -> str:
    """The default as written in a config file, or empty when there is none to show."""
    extra = info.json_schema_extra
    if isinstance(extra, dict) and extra.get("shown"):
        return str(extra["shown"])
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if dataclasses.is_dataclass(value):
            return ""
    elif info.default is PydanticUndefined:
        return "(required)"
    else:
        value = info.default
    if value is None or value in ("", (), [], {}):
        return "" if value is None or value == "" else "[]" if not isinstance(value, dict) else "{}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _inner(info: FieldInfo) -> type | None:
    """The schema a field holds (itself or as list items), if any."""
    bare = _bare(info.annotation)
    inner = _bare(get_args(bare)[0]) if get_origin(bare) in (list, tuple) and get_args(bare) else bare
    return inner if dataclasses.is_dataclass(inner) else None


def _walk(cls: type, key: Key) -> tuple[FieldInfo | None, type | None, int]:
    """The last field named on a key path in schema ``cls``, the schema whose mapping sits at the path,
    and how much of the path leads to that field (a key inside a mapping field is not a field)."""
    info: FieldInfo | None = None
    holder: type | None = cls
    depth = 0
    for i, part in enumerate(key):
        if isinstance(part, int):
            continue
        if holder is None:
            return info, None, depth
        info = fields_of(holder).get(part)
        holder, depth = (_inner(info), i + 1) if info is not None else (None, depth)
    return info, holder, depth


class Elsewhere(ValueError):
    """A rule between fields, checked in one field's validator, about another field (``key``): shown there."""

    def __init__(self, key: Key, what: str):
        super().__init__(what)
        self.key = key


@dataclasses.dataclass(frozen=True)
class Found:
    """One problem: the key path it is at, what is wrong, and whether it points at the key (unknown keys)."""

    key: Key
    what: str
    at_key: bool = False


def problems(cls: type, error: ValidationError) -> list[Found]:
    """The errors of validating ``cls`` in our words, with the key path each is at."""
    found: list[Found] = []
    for item in error.errors():
        key: Key = tuple(item["loc"])
        kind = item["type"]
        if kind in ("unexpected_keyword_argument", "extra_forbidden"):
            holder = _walk(cls, key[:-1])[1]
            known = ", ".join(sorted(fields_of(holder))) if holder else ""
            noun = getattr(holder, "UNKNOWN", "setting")
            found.append(Found(key, f"unknown {noun} {key[-1]!r} (known: {known or 'none'})", at_key=True))
        elif kind in ("missing", "missing_argument"):
            found.append(Found(key[:-1], f"missing {key[-1]}"))
        elif kind == "value_error":
            error = item["ctx"]["error"]
            found.append(Found(error.key if isinstance(error, Elsewhere) else key, str(error)))
        elif kind in ("dataclass_type", "dataclass_exact_type", "dict_type", "model_type") and _walk(cls, key)[1]:
            found.append(Found(key, "must be a mapping of settings"))
        else:
            info, _, depth = _walk(cls, key)
            if info is not None and depth < len(key):  # an item of a list or mapping field: the field is named
                found.append(Found(key[:depth], f"expected {kind_text(info)}, not {item['input']!r}"))
            elif info is not None:
                found.append(Found(key, f"expected {expected(info)}, not {item['input']!r}"))
            else:
                found.append(Found(key, str(item["msg"])))
    return found


def validate(cls: type[T], raw: Any, context: dict[str, Any] | None = None) -> T:
    """``raw`` (YAML data) as a ``cls``; raises ValidationError, which ``problems`` puts in our words."""
    return _adapter(cls).validate_python(raw, context=context)


@functools.cache
def _adapter(cls: type) -> TypeAdapter[Any]:
    """One adapter per schema: building it costs far more than one validation, and a tree holds thousands of articles."""
    return TypeAdapter(cls)
