"""Local worker processes that die with the process that started them, and a pool that
survives losing one.

``concurrent.futures.ProcessPoolExecutor`` leaves its workers running (orphaned, waiting
forever) when the main process is killed, and a worker killed mid-task breaks the whole pool
(``BrokenProcessPool``). :func:`run_on_workers` starts each worker with
:func:`die_with_parent` and, when a worker is lost, runs the unfinished tasks again on a new
pool, a bounded number of times.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
RESTARTS = 3  # new pools after lost workers, before giving up


def die_with_parent() -> None:
    """Make this worker process exit when the process that started it dies, even by
    ``kill -9``. On Linux the kernel kills it at once (``PR_SET_PDEATHSIG``), even inside
    compiled code; elsewhere a thread waiting on the parent's sentinel exits the process."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if not parent.is_alive():  # it died before the prctl call
            os._exit(1)
        return
    threading.Thread(target=lambda: (parent.join(), os._exit(1)), daemon=True,
                     name="die-with-parent").start()


def start_worker(initializer: Callable | None, initargs: tuple) -> None:
    die_with_parent()
    if initializer is not None:
        initializer(*initargs)


def run_on_workers(fn: Callable, tasks: Iterable, workers: int | None,
                   on_done: Callable, done: Callable, initializer: Callable | None = None,
                   initargs: tuple = (), restarts: int = RESTARTS) -> None:
    """Run ``fn(task)`` for each task on local worker processes; ``on_done(task)`` is called
    in this process as each one finishes.

    When a worker dies, the tasks that did not finish, and whose effect is not there
    (``done(task)`` is false: e.g. a part file the task writes), run again on a new pool,
    up to ``restarts`` times; then BrokenProcessPool is raised. Any other exception from a
    task is raised at once.
    """
    pending = list(tasks)
    for restart in range(restarts + 1):
        if restart:
            print(f"a worker process died (killed, or out of memory?); running the "
                  f"{len(pending)} unfinished tasks on new workers (retry {restart} of "
                  f"{restarts})", file=sys.stderr)
        with ProcessPoolExecutor(max_workers=workers, initializer=start_worker,
                                 initargs=(initializer, initargs)) as pool:
            futures = {pool.submit(fn, task): task for task in pending}
            try:
                for future in as_completed(futures):
                    future.result()
                    on_done(futures.pop(future))
                return
            except BrokenProcessPool:
                pass
            finally:
                for future in futures:
                    future.cancel()
        pending = []
        for future, task in futures.items():  # finished before the pool broke, or not
            finished = future.done() and not future.cancelled() and future.exception() is None
            if finished or done(task):
                on_done(task)
            else:
                pending.append(task)
        if not pending:
            return
    raise BrokenProcessPool(f"worker processes died {restarts + 1} times")
