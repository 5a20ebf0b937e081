"""Start-up as a user meets it: new processes, numba cache warm (DESIGN §8, issue 16).

Prints, over ``--repeat`` new processes each (after one run that fills the cache):
- ``import sim`` (target: at most 1 s);
- a whole ``cartel-sim run scenarios/bcs_2014.toml`` process, from start to exit, writing
  its tables and summary.png into a new temporary folder each time (target: at most 2 s):
  wall seconds, and the CPU seconds (user + system) the process used, which a busy machine
  inflates less than the wall time; with the load average, since the wall time follows it;
with the best and the median.

    python benchmarks/startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "bcs_2014.toml"
IMPORT = "import time; t0 = time.perf_counter(); import {module}; print(time.perf_counter() - t0)"


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``cartel-sim run`` of bcs_2014 into ``out``, a new
    process (``python -m sim.cli``, as the ``cartel-sim`` program runs it)."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim.cli", "run", str(SCENARIO), "--out", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - start, children_cpu() - cpu


def import_seconds(module: str) -> float:
    out = subprocess.run([sys.executable, "-c", IMPORT.format(module=module)], check=True,
                         capture_output=True, text=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run_process(Path(tmp) / "warm-up")  # compiles into the cache if it is cold
        runs = [run_process(Path(tmp) / str(i)) for i in range(args.repeat)]
    imports = [import_seconds("sim") for _ in range(args.repeat)]

    def line(values: list[float]) -> str:
        return f"{min(values):5.2f} s best, {statistics.median(values):.2f} s median"

    print(f"new processes, numba cache warm, {args.repeat} each "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    print(f"  import sim:                              {line(imports)}   (target <= 1 s)")
    print(f"  cartel-sim run bcs_2014, whole process:  {line([w for w, _ in runs])}   "
          "(target <= 2 s)")
    print(f"    of which CPU (user + system):          {line([c for _, c in runs])}")


if __name__ == "__main__":
    main()
