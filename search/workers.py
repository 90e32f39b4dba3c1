"""Searches in worker processes, so one server uses every core and no search can hold a core past its budget.

``WorkerPool`` keeps two lanes of worker processes, each a loop that runs
``search.query.search`` on the read-only index (every worker opens it itself; the
operating system shares the cached files):

- the fast lane: one worker per core. A search gets ``FAST_LANE`` seconds of CPU
  there; a search that needs more stops (cooperatively, ``SlowSearch``) and moves on;
- the slow lane: workers at the lowest CPU priority (nice 19). Over-budget
  searches (many quoted common phrases, long questions on a huge index) finish
  there with whatever CPU the fast lane leaves, within the rest of their budget.
  A search that went slow once goes straight to the slow lane next time.

A worker with a law library (``search.law_library``) reads it at start-up, and while
idle checks every ``LIBRARY_CHECK`` seconds whether the index it last searched
changed its laws, so a library indexed anew by the nightly job is read again
between searches rather than inside one.

A fast lane's worker, while idle, from its start on and again for a new index generation, reads the units'
laws (which every search among the units reads for its law prior) and decodes the index's longest posting
lists: decoding Whoosh's blocks is otherwise about half of a search's CPU. A waiting search stops it between
two steps, so the server takes searches at once; the longest step, reading the units' laws, is 0.5 s of CPU on
the whole library, once per generation.

A search goes to the lane's most recently freed worker (last in, first out): at low load one worker takes
most searches, so the postings it decoded for the last ones are still in its cache (each worker has its own);
under load every worker is busy either way. A search waits for a free worker at most until its budget ends; at most
``queue`` searches wait per lane, more are refused with ``Busy`` (HTTP 429).
The budget counts from arrival. A worker that has not answered ``GRACE``
seconds after the budget is killed and replaced, so no search keeps a core
busy past it even if a cooperative check were missed. Workers ignore SIGINT
(Ctrl-C reaches the whole process group): the server stops them when it stops.
Their fork server is started with SIGINT blocked for good, so a Ctrl-C while it
still loads the search code neither prints a traceback nor fails the server's start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from multiprocessing import forkserver, resource_tracker
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from fazhi.errors import SearchQueryError
from search.analysis import segmenter
from search.deadline import SearchTimeout, SlowSearch
from search.law_library import searched_library
from search.query import TIME_BUDGET, search
from search.ranking import DEFAULT_RANKING, WARM_POSTINGS, Ranking
from search.request import SearchRequest
from search.searchers import open_view

log = logging.getLogger("uvicorn.error")

# CPU seconds a search may use in the fast lane before it moves to the slow lane.
FAST_LANE = 0.25
# Searches waiting per lane before new ones are refused (429).
QUEUE = 64
# Seconds past the budget after which a worker that has not answered is killed.
GRACE = 0.08
# Requests remembered as slow (they go to the slow lane directly).
REMEMBER_SLOW = 1024
# Seconds a new worker may take to import, load the dictionary and open the index before it takes searches.
STARTUP = 60.0
# Seconds of idleness after which a worker brings its law library in step with the index it last searched.
LIBRARY_CHECK = 1.0


class Busy(SearchQueryError):
    """Too many searches are waiting: HTTP 429 with Retry-After."""

    def __init__(self) -> None:
        super().__init__("the server is busy; try again in a moment", status=429)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    slow: bool


def _work(conn: Connection, niceness: int, warm: str | None, warm_library: str | None, postings: int) -> None:
    """A worker's loop: (index, request, budget, fast lane seconds, law library) in, ("ok", response) or an error out.
    ``postings``: how many postings of the index's longest posting lists it decodes ahead (``IndexView.warm``).

    Ctrl-C in a terminal reaches the whole process group; a worker leaves it to the server, which stops its workers.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        os.nice(niceness)
    segmenter()
    if warm:
        # A missing or damaged index must not stop the server: searches answer 503 until it is repaired.
        # The law library, when there is one, is read here too, once; the longest posting lists are decoded while idle.
        with contextlib.suppress(Exception):
            search(Path(warm), SearchRequest(q="法律"), budget=STARTUP, library=Path(warm_library) if warm_library else None)
    conn.send(("ready",))
    index, library = warm, warm_library
    while True:
        try:
            _idle(conn, index, library, postings)
            index, request, budget, lane, library, ranking = conn.recv()
        except (EOFError, OSError):
            return
        try:
            found = search(Path(index), request, ranking, budget=budget, lane=lane, library=Path(library) if library else None)
            answer: tuple[Any, ...] = ("ok", found.to_dict())
        except SlowSearch:
            answer = ("slow",)
        except SearchQueryError as exc:
            answer = ("error", exc.status, str(exc))
        except Exception as exc:  # reported to the server, which logs it; the worker goes on
            answer = ("crash", f"{type(exc).__name__}: {exc}")
        conn.send(answer)


def _idle(conn: Connection, index: str | None, library: str | None, postings: int) -> None:
    """Until a search arrives: warm the postings of the index last searched (``IndexView.warm``, stopping as soon as a
    search waits; none without ``postings``) and keep its law library in step with it."""
    warmed = index is None or not postings
    while True:
        if not warmed:
            try:
                warmed = open_view(Path(index)).warm(postings, stop=conn.poll)
            except Exception:  # a broken index is the next search's to report
                warmed = True
        if conn.poll(LIBRARY_CHECK if warmed else 0):
            return
        if index is not None and library is not None:
            with contextlib.suppress(Exception):  # a broken index or library is the next search's to report
                searched_library(Path(library), Path(index))


def _start_fork_server() -> None:
    """Start the fork server, if it is not running, with SIGINT blocked, as the standard library starts its resource tracker.

    The fork server ignores SIGINT only once it has imported its preloaded modules; blocked from its first instruction,
    a Ctrl-C never reaches it nor the workers it forks. Only this thread's mask changes, and only for the launch: a
    Ctrl-C meanwhile stays pending for the server, which then stops as usual.
    """
    resource_tracker.ensure_running()  # it unblocks SIGINT after starting its own process, so it goes first
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class WorkerPool:
    """Worker processes in a fast and a slow lane; ``await pool.search(index, request)`` returns the response dict."""

    def __init__(self, processes: int | None = None, slow_processes: int = 1, queue: int = QUEUE,
                 budget: float = TIME_BUDGET, fast_lane: float = FAST_LANE, warm: Path | None = None, warm_library: Path | None = None):
        self.processes = processes or max(1, os.cpu_count() or 1)
        self.slow_processes = slow_processes
        self.queue = queue
        self.budget = budget
        self.fast_lane = fast_lane
        self.warm = warm
        self.warm_library = warm_library
        # Forked from a clean server process that has imported the query side once: a worker starts in a fraction
        # of a second, and inherits nothing of the web server (threads, sockets, open files).
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["search.workers"])
        self._idle: dict[bool, asyncio.Queue[_Worker]] = {}
        self._waiting = {False: 0, True: 0}
        self._slow_requests: OrderedDict[Hashable, None] = OrderedDict()
        self._workers: list[_Worker] = []
        self._starting: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start the workers and wait until each has opened the index (call from the event loop that will use the pool)."""
        self._idle = {False: asyncio.LifoQueue(), True: asyncio.LifoQueue()}
        spawned = [self._spawn(slow) for slow, count in ((False, self.processes), (True, self.slow_processes)) for _ in range(count)]
        await asyncio.gather(*(self._admit(worker) for worker in spawned))

    def stop(self) -> None:
        """Stop every worker at once (searches still running are abandoned)."""
        for task in self._starting:
            task.cancel()
        for worker in self._workers:
            worker.conn.close()
            worker.process.kill()
            worker.process.join(timeout=5)
        self._workers.clear()

    async def _admit(self, worker: _Worker) -> None:
        """Put a new worker in its lane once it says it is ready."""
        if await self._answer(worker, STARTUP) is None:
            log.error("search worker %s did not start within %g s", worker.process.pid, STARTUP)
            return
        self._idle[worker.slow].put_nowait(worker)

    def _spawn(self, slow: bool) -> _Worker:
        ours, theirs = self._context.Pipe()
        warm = str(self.warm) if self.warm else None
        warm_library = str(self.warm_library) if self.warm_library else None
        name = f"fazhi-search-{'slow' if slow else 'fast'}"
        # The slow lane's worker, which takes the few searches that overran the fast lane, decodes no postings ahead: its
        # CPU is the fast lane's.
        process = self._context.Process(target=_work, args=(theirs, 19 if slow else 0, warm, warm_library, 0 if slow else WARM_POSTINGS),
                                          daemon=True, name=name)
        _start_fork_server()
        process.start()
        theirs.close()
        worker = _Worker(process, ours, slow)
        self._workers.append(worker)
        return worker

    async def search(self, index: Path, request: SearchRequest, library: Path | None = None,
                     ranking: Ranking = DEFAULT_RANKING) -> dict[str, Any]:
        """The response of one search; SearchQueryError (400/503), SearchTimeout (503) or Busy (429) otherwise."""
        arrived = time.monotonic()
        if request not in self._slow_requests:
            answer = await self._run(False, index, request, arrived, library, ranking)
            if answer[0] in ("slow", "timeout"):  # a search that overran the fast lane never returns to it
                self._slow_requests[request] = None
                while len(self._slow_requests) > REMEMBER_SLOW:
                    self._slow_requests.popitem(last=False)
            if answer[0] != "slow":
                return self._result(answer)
        return self._result(await self._run(True, index, request, arrived, library, ranking))

    def _result(self, answer: tuple[Any, ...]) -> dict[str, Any]:
        if answer[0] == "ok":
            return answer[1]
        if answer[0] == "error":
            raise SearchQueryError(answer[2], status=answer[1])
        if answer[0] == "timeout":
            raise SearchTimeout(self.budget)
        raise RuntimeError(f"a search worker failed: {answer[1]}")

    async def _run(
        self, slow: bool, index: Path, request: SearchRequest, arrived: float, library: Path | None, ranking: Ranking,
    ) -> tuple[Any, ...]:
        """Run on a worker of one lane: wait for one (bounded), send the job, wait for the answer (bounded)."""
        worker = self._idle[slow].get_nowait() if not self._idle[slow].empty() else await self._wait_for_worker(slow, arrived)
        if worker is None:
            return ("timeout",)
        left = self.budget - (time.monotonic() - arrived)
        try:
            worker.conn.send((str(index), request, left, None if slow else self.fast_lane, str(library) if library else None, ranking))
            answer = await self._answer(worker, left + GRACE)
        except (OSError, EOFError) as exc:
            log.error("search worker %s lost: %s", worker.process.pid, exc)
            answer = None
        if answer is None:
            self._replace(worker)
            answer = ("timeout",)
        else:
            self._idle[slow].put_nowait(worker)
        if answer[0] == "crash":
            log.error("search failed in a worker: %s", answer[1])
        return answer

    async def _wait_for_worker(self, slow: bool, arrived: float) -> _Worker | None:
        """The next free worker of a lane, or None when the search's budget ends first; Busy when the queue is full."""
        if self._waiting[slow] >= self.queue:
            raise Busy
        self._waiting[slow] += 1
        try:
            left = self.budget - (time.monotonic() - arrived)
            return await asyncio.wait_for(self._idle[slow].get(), left) if left > 0 else None
        except TimeoutError:
            return None
        finally:
            self._waiting[slow] -= 1

    async def _answer(self, worker: _Worker, seconds: float) -> tuple[Any, ...] | None:
        """The worker's answer, or None when it has not come within ``seconds``."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
        try:
            await asyncio.wait_for(ready, max(0.0, seconds))
        except TimeoutError:
            return None
        finally:
            loop.remove_reader(fd)
        return worker.conn.recv()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that overran its budget; another takes its place in the lane once it is ready."""
        log.warning("search worker %s overran its budget; replaced", worker.process.pid)
        worker.process.kill()
        worker.conn.close()
        multiprocessing.active_children()  # reaps workers killed earlier without blocking the event loop
        self._workers.remove(worker)
        self._starting.add(asyncio.get_running_loop().create_task(self._admit(self._spawn(worker.slow))))
        for task in [t for t in self._starting if t.done()]:
            self._starting.discard(task)
