"""Where a YAML error really is, in words a person editing the file can act on.

PyYAML reports an unclosed quote or bracket where the text ends, often many lines
later; the line that needs fixing is where the quote or bracket opened, which the
error carries as its context.
"""

from __future__ import annotations

import yaml

# Errors whose context mark (where the construct opened) is the place to fix.
_OPENED = ("while scanning a quoted scalar", "while parsing a flow", "while scanning a block scalar")


def yaml_error_at(exc: yaml.YAMLError) -> tuple[int, int, str]:
    """(0-based line, 0-based column, message) of a YAML error; (0, 0, ...) when it has no position."""
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    context = getattr(exc, "context", None) or ""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    if context.startswith(_OPENED) and context_mark is not None:
        opened = context.removeprefix("while scanning ").removeprefix("while parsing ")
        return context_mark.line, context_mark.column, f"{opened} opened here is not closed ({problem})"
    mark = problem_mark or context_mark
    return (mark.line, mark.column, problem) if mark is not None else (0, 0, problem)
