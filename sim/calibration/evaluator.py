"""Evaluating batches of parameter points through an Executor, each result stored at once."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from ..sweep import warm_up
from ..workers import RESTARTS, start_worker
from .simulate import evaluate_point
from .store import EvaluationStore


class Evaluator:
    """Runs points (each over the paired replicate seeds) and keeps their counts.

    ``executor`` None runs in this process. ``bar`` is a tqdm progress bar counting points.
    """

    def __init__(self, common: dict, store: EvaluationStore, executor: Executor | None, bar):
        self.common, self.store, self.executor, self.bar = common, store, executor, bar
        self.points = 0  # points simulated by this process (not read back from the store)
        self.simulations = 0  # their runs

    def __call__(self, batch: list[tuple[tuple[int, int], dict]],
                 seeds: list[list[int]] | None = None) -> list[np.ndarray]:
        """Counts of shape (seeds, observations) for each (key, parameters) of the batch, in
        the batch's order; points stored by an earlier run are not simulated again.
        ``seeds``: one seed list per point (default: the common replicate seeds)."""
        seeds = seeds or [self.common["seeds"]] * len(batch)
        found = {key: self.store.get(key, point) for key, point in batch}
        todo = [(key, point, s) for (key, point), s in zip(batch, seeds) if found[key] is None]
        self.bar.update(len(batch) - len(todo))
        tasks = [{**self.common, "key": key, "overrides": point, "seeds": s}
                 for key, point, s in todo]
        points = {key: point for key, point, _ in todo}
        for key, counts in self._results(tasks):
            self.store.put(key, points[key], counts)
            found[key] = counts
            self.points += 1
            self.simulations += len(counts)
            self.bar.update(1)
        return [found[key] for key, _ in batch]

    def _results(self, tasks: list[dict]):
        if self.executor is None:
            yield from map(evaluate_point, tasks)
            return
        if isinstance(self.executor, LocalWorkers):
            yield from self.executor.imap_unordered(evaluate_point, tasks)
            return
        futures = [self.executor.submit(evaluate_point, task) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def warm_up_episodes(scenario_jsons: list[str]) -> None:
    """Compile the kernel (or load it from numba's cache) on every episode's scenario, once
    per worker process (the initializer of :class:`LocalWorkers`), so no evaluation pays
    for it."""
    for scenario_json in scenario_jsons:
        warm_up(scenario_json)


class LocalWorkers:
    """Local worker processes kept for the whole calibration (each warmed up once), started
    like :func:`sim.workers.run_on_workers` starts its own: they die with this process.

    forkserver: pyabc and optuna start threads, and fork() would copy their locks. When a
    worker is lost (killed, out of memory) the pool is replaced and the tasks whose results
    did not arrive run again, up to ``sim.workers.RESTARTS`` times; then BrokenProcessPool.
    Results are keyed and seeded per task, so a rerun gives the same numbers.
    """

    def __init__(self, workers: int | None, initializer: Callable | None = None,
                 initargs: tuple = (), restarts: int = RESTARTS):
        self.options = {"max_workers": workers, "initializer": start_worker,
                        "initargs": (initializer, initargs),
                        "mp_context": multiprocessing.get_context("forkserver")}
        self.restarts = restarts
        self.pool: ProcessPoolExecutor | None = None

    def imap_unordered(self, fn: Callable, tasks: list) -> Iterator:
        """``fn(task)`` for each task, as they finish."""
        pending = list(tasks)
        for restart in range(self.restarts + 1):
            if restart:
                print(f"a worker process died (killed, or out of memory?); running the "
                      f"{len(pending)} unfinished tasks on new workers (retry {restart} of "
                      f"{self.restarts})", file=sys.stderr)
            if self.pool is None:
                self.pool = ProcessPoolExecutor(**self.options)
            futures = {self.pool.submit(fn, task): i for i, task in enumerate(pending)}
            arrived = set()
            try:
                for future in as_completed(futures):
                    result = future.result()
                    arrived.add(futures[future])
                    yield result
                return
            except BrokenProcessPool:
                self.close()
            finally:
                for future in futures:
                    future.cancel()
            pending = [task for i, task in enumerate(pending) if i not in arrived]
        raise BrokenProcessPool(f"worker processes died {self.restarts + 1} times")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
