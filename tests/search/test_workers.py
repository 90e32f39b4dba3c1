"""The worker pool of `fazhi serve`: real worker processes over the real sample index."""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from fazhi.errors import SearchQueryError
from search.deadline import SearchTimeout
from search.indexer import update_index
from search.query import SearchRequest
from search.ranking import WARM_POSTINGS
from search.searchers import open_view
from search.workers import Busy, WorkerPool, _idle
from tests.fixtures.search import sample_articles, write_tree
from tests.fixtures.site import SAMPLE_LAWS


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


def test_workers_read_the_law_library_again_once_the_index_has_its_changes(tmp_path: Path) -> None:
    """Named articles come from the library as indexed: after an edit is indexed, the workers answer with the new text."""
    content = write_tree(tmp_path / "content", sample_articles())
    library = Path(shutil.copytree(SAMPLE_LAWS, tmp_path / "laws"))
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    pool = WorkerPool(processes=1, slow_processes=1, budget=60, warm=index, warm_library=library)
    query = SearchRequest(q="示例市河湖保洁条例第6条")
    rule = library / "地方性法规" / "示例市河湖保洁条例(2021-09-15).md"

    async def scenario():  # type: ignore[no-untyped-def]
        before = (await pool.search(index, query, library))["law"]["article"]["text"]
        rule.write_text(rule.read_text("utf-8").replace("及时清除水面漂浮物", "及时打捞水面漂浮物"), "utf-8")
        unindexed = (await pool.search(index, SearchRequest(q="示例市河湖保洁条例第六条"), library))["law"]["article"]["text"]
        update_index(content, index, law_library=library)
        after = (await pool.search(index, SearchRequest(q="示例市河湖保洁条例第6条 保洁"), library))["law"]["article"]["text"]
        return before, unindexed, after

    before, unindexed, after = run_with(pool, scenario)
    assert "及时清除水面漂浮物" in before
    assert unindexed == before, "the text as indexed until the index has the edit"
    assert "及时打捞水面漂浮物" in after


def test_an_idle_worker_decodes_the_longest_postings_of_its_index_and_stops_for_a_search(search_index: Path) -> None:
    ours, theirs = multiprocessing.Pipe()
    ours.send("waiting")  # a search is waiting: the worker takes it before decoding anything
    _idle(theirs, str(search_index), None, WARM_POSTINGS)
    view = open_view(search_index)
    assert not view._warm
    theirs.recv()
    # idle: it decodes the longest lists of the index it searched (all of this small one), then waits for the next search
    later = threading.Timer(0.3, ours.send, ("next",))
    later.start()
    _idle(theirs, str(search_index), None, WARM_POSTINGS)
    later.join()
    assert theirs.recv() == "next"
    assert open_view(search_index) is view and view.warm() and ("body", "执法") in view._warm
    # the slow lane's worker decodes none ahead
    fresh = search_index.parent / "fresh"
    shutil.copytree(search_index, fresh)
    other = open_view(fresh)
    later = threading.Timer(0.3, ours.send, ("next",))
    later.start()
    _idle(theirs, str(fresh), None, 0)
    later.join()
    assert theirs.recv() == "next" and not other._warm
