"""First compile of the kernel, cold numba cache, as CPU time of a new process.

Each measurement is a new process with an empty ``XDG_CACHE_HOME`` (so an empty numba cache)
running a scenario (``--scenario``, default ``scenarios/two_cartels.toml``) one of three ways:

- ``gc-off``: ``sim.run`` in Python with the garbage collector off from the start (the
  like-for-like measure of the compile work, whatever the code does with the collector);
- ``api``: ``sim.run`` in Python as a user calls it (collector as the code leaves it);
- ``cli``: the ``cartel-sim run`` command as a whole process.

Prints user and system CPU, wall time and peak memory (``/usr/bin/time``) of each run, the
CPU time of the ``sim.run`` call alone (compiling and running, without the imports; not for
``cli``), and their medians. With ``--python`` naming the interpreters of other checkouts (their own
virtual environments), the checkouts alternate run by run and the ratios of the medians
against the first are printed too:

    python benchmarks/first_compile.py --mode gc-off --repeat 3 \\
        --python .venv/bin/python ../before/.venv/bin/python
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SCENARIO = "scenarios/two_cartels.toml"
RUN = ("import sim, time; s = sim.load_scenario({path!r}); t = time.process_time(); "
       "sim.run(s, seed=1); print(time.process_time() - t)")
CODE = {"gc-off": "import gc; gc.disable(); " + RUN, "api": RUN}


def checkout(python: str) -> Path:
    # -P: not the current folder first on sys.path, where another checkout's sim may be
    out = subprocess.run([python, "-P", "-c", "import sim; print(sim.__file__)"], check=True,
                         capture_output=True, text=True)
    return Path(out.stdout.strip()).parent.parent


def measure(python: str, mode: str, scenario: str = SCENARIO) -> tuple[float, ...]:
    """(user s, system s, wall s, peak MiB, CPU s of the sim.run call or nan) of one cold
    run."""
    root = checkout(python)
    path = str(root / scenario)
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        if mode == "cli":
            command = [str(Path(python).parent / "cartel-sim"), "run", path, "--out",
                       str(Path(out) / "run"), "--force"]
        else:
            command = [python, "-P", "-c", CODE[mode].format(path=path)]
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        env.pop("NUMBA_CACHE_DIR", None)
        times = Path(out) / "time"
        out = subprocess.run(["/usr/bin/time", "-o", str(times), "-f", "%U %S %e %M",
                              *command], env=env, cwd=root, check=True, capture_output=True,
                             text=True)
        user, system, wall, peak_kib = times.read_text().split()[-4:]
    call = float(out.stdout.split()[-1]) if mode != "cli" else float("nan")
    return float(user), float(system), float(wall), float(peak_kib) / 1024, call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["gc-off", "api", "cli"], default="gc-off")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", default=SCENARIO,
                        help=f"scenario file, relative to each checkout (default {SCENARIO})")
    parser.add_argument("--python", nargs="+", default=[sys.executable],
                        help="interpreters of the checkouts to compare (the first is the base)")
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, ...]]] = {p: [] for p in args.python}
    for i in range(args.repeat):
        for python in args.python:
            result = measure(python, args.mode, args.scenario)
            runs[python].append(result)
            print(f"{i + 1} {python}: user {result[0]:.1f} s, sys {result[1]:.1f} s, "
                  f"wall {result[2]:.1f} s, peak {result[3]:.0f} MiB, sim.run call "
                  f"{result[4]:.1f} s CPU", flush=True)
    base = None
    for python, results in runs.items():
        med = [statistics.median(r[k] for r in results) for k in range(5)]
        base = base or med
        print(f"{args.mode} median of {len(results)}, {python}: user {med[0]:.1f} s "
              f"({med[0] / base[0]:.2f}x), sys {med[1]:.1f} s, wall {med[2]:.1f} s "
              f"({med[2] / base[2]:.2f}x), peak {med[3]:.0f} MiB, sim.run call "
              f"{med[4]:.1f} s CPU ({med[4] / base[4]:.2f}x)")


if __name__ == "__main__":
    main()
