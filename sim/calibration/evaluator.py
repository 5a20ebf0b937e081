"""Evaluating batches of parameter points through an Executor, each result stored at once."""

from __future__ import annotations

from concurrent.futures import Executor, as_completed

import numpy as np

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
        futures = [self.executor.submit(evaluate_point, task) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
