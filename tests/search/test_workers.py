"""The worker pool of `fazhi serve`: real worker processes over the real sample index."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
from pathlib import Path

import pytest

from fazhi.errors import SearchQueryError
from search.deadline import SearchTimeout
from search.query import SearchRequest
from search.workers import Busy, WorkerPool


def run_with(pool: WorkerPool, scenario):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        await pool.start()
        try:
            return await scenario()
        finally:
            pool.stop()

    # A thread of its own: an earlier test in the session (Playwright's sync API) may have left an event loop
    # marked as running in this one, and the pool's scenario needs a loop of its own anyway.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result()


def test_searches_run_in_workers_and_slow_ones_move_to_the_slow_lane(search_index: Path) -> None:
    pool = WorkerPool(processes=1, slow_processes=1, fast_lane=0.0, budget=60)

    async def scenario():  # type: ignore[no-untyped-def]
        answer = await pool.search(search_index, SearchRequest(q="赣服通"))
        assert [hit["url"] for hit in answer["hits"]] == ["interpretations/2022/ganfutong/"], answer
        assert SearchRequest(q="赣服通") in pool._slow_requests  # went past the (zero) fast lane, answered by the slow one
        with pytest.raises(SearchQueryError) as info:
            await pool.search(search_index, SearchRequest(q="   "))
        assert info.value.status == 400
        return {w.process.pid for w in pool._workers}

    pids = run_with(pool, scenario)
    assert len(pids) == 2 and os.getpid() not in pids


def test_more_waiting_searches_than_the_queue_holds_are_refused(search_index: Path) -> None:
    pool = WorkerPool(processes=1, slow_processes=1, queue=1, budget=60)

    async def scenario():  # type: ignore[no-untyped-def]
        tasks = [asyncio.ensure_future(pool.search(search_index, SearchRequest(q=f"执法 {n}"))) for n in range(3)]
        done = await asyncio.gather(*tasks, return_exceptions=True)
        return done

    first, second, third = run_with(pool, scenario)
    assert isinstance(first, dict) and isinstance(second, dict)
    assert isinstance(third, Busy) and third.status == 429


def test_a_worker_that_overruns_its_budget_is_killed_and_replaced(search_index: Path) -> None:
    pool = WorkerPool(processes=1, slow_processes=1, budget=0.5)

    async def scenario():  # type: ignore[no-untyped-def]
        stuck = next(w for w in pool._workers if not w.slow)
        os.kill(stuck.process.pid, signal.SIGSTOP)  # a worker that never answers
        with pytest.raises(SearchTimeout):
            await pool.search(search_index, SearchRequest(q="执法"))
        stuck.process.join(timeout=10)
        assert stuck.process.exitcode == -signal.SIGKILL
        await asyncio.wait_for(asyncio.gather(*pool._starting), 60)
        answer = await pool.search(search_index, SearchRequest(q="执法"))
        return answer["total"]

    assert run_with(pool, scenario) == 21
