"""Every evaluation of a calibration, stored as it completes, so a killed run loses nothing.

An SQLite file with one row per evaluated point, keyed by (stage, index): the ABC
generation (or the Optuna trial batch) and the proposal's position in it. Each row is
committed on its own; a resumed calibration finds it and does not run the point again.
A row also holds the point's parameters: a resumed run that proposes something else at the
same key is a different calibration and is refused.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np


class EvaluationStore:
    """(stage, index) -> (parameters, counts of shape (replicates, observations))."""

    def __init__(self, path: str | Path):
        self.connection = sqlite3.connect(path, timeout=60)
        # WAL without a sync per commit: a commit survives the process being killed (only
        # a power cut could lose the last ones); a sync per point cost 10 ms, as much as a run
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS evaluations (stage INTEGER, idx INTEGER, "
            "parameters TEXT, shape TEXT, counts BLOB, PRIMARY KEY (stage, idx))")
        self.connection.commit()

    def get(self, key: tuple[int, int], parameters: dict) -> np.ndarray | None:
        """The stored counts at ``key``, or None; raises ValueError if another point is
        stored there."""
        row = self.connection.execute(
            "SELECT parameters, shape, counts FROM evaluations WHERE stage = ? AND idx = ?",
            key).fetchone()
        if row is None:
            return None
        if json.loads(row[0]) != _plain(parameters):
            raise ValueError(f"evaluation {key} was of other parameters")
        return np.frombuffer(row[2], dtype=np.float64).reshape(json.loads(row[1])).copy()

    def put(self, key: tuple[int, int], parameters: dict, counts: np.ndarray) -> None:
        counts = np.ascontiguousarray(counts, dtype=np.float64)
        with self.connection:
            self.connection.execute(
                "INSERT INTO evaluations VALUES (?, ?, ?, ?, ?)",
                (*key, json.dumps(_plain(parameters)), json.dumps(counts.shape),
                 counts.tobytes()))

    def count(self) -> int:
        return self.connection.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]

    def close(self) -> None:
        self.connection.close()


def _plain(parameters: dict) -> dict:
    return {k: float(v) for k, v in parameters.items()}
