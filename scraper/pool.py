"""Work of one source spread over a few threads, stopping early once the source is blocked."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Halted(Exception):
    """The source was blocked while this piece of work waited its turn."""


def run_each(items: Iterable[Item], work: Callable[[Item], Result], *, workers: int, name: str,
             halt: threading.Event) -> Iterator[tuple[Item, Result | None, Exception | None]]:
    """``(item, result, None)`` or ``(item, None, error)`` per item, as they finish; halted work is left out.

    Once ``halt`` is set, work not started yet is skipped instead of run.
    """

    def guarded(item: Item) -> Result:
        if halt.is_set():
            raise Halted
        return work(item)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=name) as pool:
        futures = {pool.submit(guarded, item): item for item in items}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result(), None
            except Halted:
                continue
            except Exception as exc:  # the caller decides what each error means
                yield futures[future], None, exc
