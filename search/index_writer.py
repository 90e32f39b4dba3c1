"""Whoosh's multi-process writer, one segment per writer process, with two safety fixes.

Whoosh's ``MpWriter`` commits whatever segments its writer processes handed
over: a process that died (killed, out of memory, an exception) takes its
documents with it and the commit succeeds without them. And its ``cancel``
only flags the processes in this one, so they keep waiting for work and the
program cannot exit. Here the commit fails when a writer process ended badly,
without touching the index on disk, and ``cancel`` ends the processes.
"""

from __future__ import annotations

from multiprocessing.connection import wait
from typing import Any

from whoosh.compat import queue
from whoosh.index import TOC, clean_files
from whoosh.multiproc import MpWriter
from whoosh.writing import IndexingError

# Seconds to wait for the segment of a writer process that ended well (it was sent before the process ended).
RESULT_TIMEOUT = 10.0


class CheckedMpWriter(MpWriter):
    """Whoosh's ``MpWriter`` with ``multisegment``, whose commit fails when a writer process died, and whose cancel ends them.

    ``_commit`` is Whoosh's ``MpWriter._commit`` (whoosh-reloaded 2.7.5, its
    multisegment branch) with the wait for the writer processes replaced, so it
    uses the private members that one uses. Checked against that release:
    tests/search/test_index_writer.py pins it.
    """

    def __init__(self, ix: Any, procs: int, batchsize: int, limitmb: int) -> None:
        super().__init__(ix, procs=procs, batchsize=batchsize, multisegment=True, limitmb=limitmb)

    def cancel(self) -> None:
        """End the writer processes and remove what they and this writer wrote; the last commit stays as it was."""
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
            task.join()
        # This writer's files closed, and with Whoosh's lock still held, the files of no commit go (else the next commit would).
        self._close_segment()
        toc = TOC.read(self.storage, self.indexname)
        clean_files(self.storage, self.indexname, toc.generation, toc.segments)
        super().cancel()

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        finalsegments += self._writer_segments()
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def _writer_segments(self) -> list[Any]:
        """The segment of every writer process, once all have ended well; else cancel and raise.

        Whoosh joins each process in turn and takes the segments that arrived. A
        process that dies while waiting for work can take the job queue's lock with
        it, so the others would wait for ever: the first one to end badly ends them all.
        """
        running = list(self.tasks)
        while running:
            wait([task.sentinel for task in running])
            for task in [task for task in running if not task.is_alive()]:
                task.join()
                running.remove(task)
                if task.exitcode != 0:
                    self.cancel()
                    raise IndexingError(f"writer process {task.pid} ended with exit code {task.exitcode}: nothing was committed")
        try:
            return [self.resultqueue.get(timeout=RESULT_TIMEOUT)[2] for _ in self.tasks]
        except queue.Empty:
            self.cancel()
            raise IndexingError("a writer process ended without handing over its segment: nothing was committed") from None
