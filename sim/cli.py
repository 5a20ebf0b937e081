"""The ``cartel-sim`` command: a thin layer over :mod:`sim`.

User mistakes (a bad scenario, a missing file, an output folder holding another run) exit
with status 2 and a message saying what to fix, never a traceback.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from .cli_options import parser


class UserError(Exception):
    """A mistake the user can fix; printed without a traceback, exit status 2."""


def _load(path: str):
    from .scenario import ScenarioError, load_scenario

    if not Path(path).is_file():
        raise UserError(f"{path}: no such scenario file; check the path (scenarios live in scenarios/)")
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None


def cmd_run(args) -> None:
    from .folder_lock import FolderBusyError, folder_lock
    from .plot import save_figure, summary_figure
    from .resources import FIGURE_MAX_PLAZAS
    from .run_folder import RunExistsError, check_overwrite
    from .runner import for_days
    from .scenario import ScenarioError
    from .summary import summary_text

    scenario = _load(args.scenario)
    if args.days is not None and args.days <= 0:
        raise UserError(f"--days must be a positive number of days (got {args.days})")
    if not 0 <= args.seed < 2**63:
        raise UserError(f"--seed must be a whole number from 0 to 2**63 - 1 (got {args.seed})")
    out = Path(args.out or Path("outputs") / scenario.name / str(args.seed))
    try:
        resolved, steps = for_days(scenario, args.days)
        _check_resources(resolved, steps)
    except ScenarioError as exc:
        days = f"--days {args.days}: " if args.days is not None else ""
        raise UserError(f"{days}{exc}") from None
    figure = len(scenario.plazas) <= FIGURE_MAX_PLAZAS
    planned = {"resolved_scenario": resolved.model_dump(mode="json"), "seed": args.seed,
               "steps": steps}
    try:
        with folder_lock(out):  # from the check to the last file: one writer per folder
            check_overwrite(out, planned, args.force)  # before spending time on the run
            print(f"Running {scenario.name} (seed {args.seed}) ...", file=sys.stderr)
            result = _run_with_progress(resolved, args.seed, steps,
                                        args.progress or sys.stderr.isatty())
            result.save(out, csv=args.csv, force=args.force, extra=(
                (lambda tmp: save_figure(summary_figure(result), tmp / "summary.png"))
                if figure else None))
    except (RunExistsError, FolderBusyError, ScenarioError) as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(cannot_write(out, exc, "--out")) from None
    print(summary_text(result))
    print(f"\nWrote {out}/ (violence, control and organizations tables; run.json"
          + ("; summary.png)" if figure else f"; no summary.png: more than {FIGURE_MAX_PLAZAS:,} "
             "plazas, draw parts of it with sim.plot)"))


def _run_with_progress(scenario, seed: int, steps: int, show: bool):
    """Results of ``steps`` steps of a resolved scenario (:func:`sim.runner.simulate`, no
    Mesa import), with a progress bar on stderr if ``show``: the run goes in about 100
    pieces."""
    import time

    from .runner import simulate

    started = time.perf_counter()

    def progress(done_steps: int) -> None:
        done = done_steps / steps
        print(f"\r  [{'#' * round(30 * done):<30}] {done:4.0%}  step {done_steps:,} of "
              f"{steps:,}, {time.perf_counter() - started:.0f} s", end="", file=sys.stderr)

    result = simulate(scenario, seed, steps, pieces=100 if show else 1,
                      after_piece=progress if show else None)
    if show:
        print(file=sys.stderr)
    return result


def _check_resources(scenario, steps: int) -> None:
    """A UserError when a run of ``steps`` steps needs more memory or steps than it may."""
    from .resources import ResourceError, check

    try:
        check(scenario, steps)
    except ResourceError as exc:
        raise UserError(str(exc)) from None


def cmd_validate(args) -> None:
    problems = []
    for path in _scenario_files(args.scenarios):
        try:
            scenario = _load(path)
            _check_resources(scenario, scenario.n_steps)
            print(f"ok  {path}  ({scenario.name}: "
                  f"{plural(len(scenario.organizations), 'organization')}, "
                  f"{plural(len(scenario.plazas), 'plaza')}, {plural(scenario.n_steps, 'step')})")
        except UserError as exc:
            problems.append(str(exc))
    if problems:
        raise UserError("\n".join(problems))


def _scenario_files(paths: list[str]) -> list[str]:
    """The paths given, a folder replaced by the .toml files directly in it (sorted)."""
    files = []
    for path in paths:
        if Path(path).is_dir():
            found = sorted(str(p) for p in Path(path).glob("*.toml"))
            if not found:
                raise UserError(f"{path}: a folder without .toml files; give scenario files "
                                "or a folder holding them")
            files += found
        else:
            files.append(path)
    return files


def plural(n: int, word: str) -> str:
    """'1 plaza', '2 plazas', '1,000 steps'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def cannot_write(folder: Path, exc: OSError, option: str) -> str:
    """What went wrong writing ``folder`` (read-only, full disk, a file in the way) and the
    fix, for an OSError raised while writing it."""
    where = exc.filename or folder
    fixes = {errno.ENOSPC: "free some disk space, or write elsewhere with " + option,
             errno.EDQUOT: "free some of your disk quota, or write elsewhere with " + option,
             errno.EACCES: f"choose a folder you can write to with {option}",
             errno.EPERM: f"choose a folder you can write to with {option}",
             errno.EROFS: f"the file system is read-only; choose another folder with {option}",
             errno.ENOTDIR: f"a file stands where a folder of the path should be; choose "
                            f"another {option}",
             errno.EEXIST: f"a file stands where the folder should be; choose another {option}"}
    fix = fixes.get(exc.errno, f"check the folder, or write elsewhere with {option}")
    return f"cannot write {folder}: {exc.strerror or exc} ({where}); {fix}"


def cmd_sweep(args) -> None:
    from contextlib import ExitStack

    from .scenario import ScenarioError
    from .sweep import SweepError, SweepSpec, sweep

    if args.workers is not None and args.workers <= 0:
        raise UserError(f"--workers must be at least 1 (got {args.workers})")
    out = Path(args.out or Path("outputs") / "sweeps" / Path(args.sweepfile).stem)
    try:
        spec = SweepSpec.from_toml(args.sweepfile)
        # a scheduler's workers run elsewhere, with their own cache; --workers 1 runs here
        if not args.scheduler and args.workers != 1:
            from .compiling import announce_compiling_in_workers
            from .kernel import advance

            announce_compiling_in_workers(advance)
        with ExitStack() as stack:
            executor = _dask_executor(args, stack) if args.dask or args.scheduler else None
            table = sweep(spec, out, executor=executor, workers=args.workers, resume=args.resume)
    except SweepError as exc:
        raise UserError(exc.cli_message) from None
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(cannot_write(out, exc, "--out")) from None
    print(f"{plural(len(table), 'run')} ({plural(table['point'].nunique(), 'point')} x "
          f"{plural(spec.replicates, 'replicate')}) in {out}/runs.parquet")


def cmd_calibrate(args) -> None:
    from contextlib import ExitStack

    from .calibration import CalibrationError, CalibrationSpec, calibrate, summary, written

    if args.workers is not None and args.workers <= 0:
        raise UserError(f"--workers must be at least 1 (got {args.workers})")
    out = Path(args.out or Path("outputs") / "calibrations" / Path(args.calibfile).stem)
    try:
        spec = CalibrationSpec.from_toml(args.calibfile)
        with ExitStack() as stack:
            executor = _dask_executor(args, stack) if args.dask or args.scheduler else None
            record = calibrate(spec, out, executor=executor, workers=args.workers,
                               resume=args.resume)
    except CalibrationError as exc:
        raise UserError(str(exc)) from None
    except ModuleNotFoundError as exc:
        if exc.name not in ("optuna", "pyabc"):
            raise
        raise UserError(f"method '{spec.method}' needs {exc.name}, which is not installed: "
                        "pip install 'cartel-sim[calibrate]'") from None
    except OSError as exc:
        raise UserError(cannot_write(out, exc, "--out")) from None
    print(summary(record))
    print(f"Wrote {out}/ ({written(spec)})")


def _dask_executor(args, stack):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UserError("Dask is not installed: pip install 'cartel-sim[dask]'") from None
    if args.scheduler:
        try:
            client = stack.enter_context(Client(args.scheduler, timeout="30s"))
        except (OSError, TimeoutError, ValueError) as exc:
            raise UserError(f"--scheduler {args.scheduler}: cannot reach a Dask scheduler there "
                            f"({exc}); check the address and that the scheduler runs") from None
    else:
        cluster = stack.enter_context(LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                                   dashboard_address=None))
        client = stack.enter_context(Client(cluster))
    return client.get_executor()


def cmd_plot(args) -> None:
    from .plot import run_figures, save_figure
    from .run_folder import TemporaryFolderError, refuse_temporary

    folder = Path(args.folder)
    try:
        refuse_temporary(folder)
    except TemporaryFolderError as exc:
        raise UserError(str(exc)) from None
    if (folder / "run.json").is_file():
        figures = run_figures(_load_run(folder))
    elif (folder / "spec.json").is_file():
        figures = _sweep_figures(folder, args.metric)
    else:
        what = "not a run folder (no run.json) nor a sweep folder (no spec.json)" if (
            folder.is_dir()) else "no such folder"
        raise UserError(f"{folder}: {what}; give a folder written by 'cartel-sim run' or "
                        "'cartel-sim sweep'")
    out = Path(args.out or folder / "figures")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, figure in figures.items():
            print(save_figure(figure, out / f"{name}.{args.format}"))
    except OSError as exc:
        raise UserError(cannot_write(out, exc, "--out")) from None


def _load_run(folder: Path):
    from .results import Results

    try:
        return Results.load(folder)
    except (OSError, ValueError) as exc:
        raise UserError(f"{folder}: cannot read the run folder ({exc}); run it again with "
                        "'cartel-sim run'") from None


def _sweep_figures(folder: Path, metric: str) -> dict:
    from .plot import sweep_figures
    from .sweep import SweepError, SweepSpec, load_sweep, metric_columns

    try:
        runs = load_sweep(folder)
        spec = SweepSpec.model_validate(runs.attrs["sweep"]["spec"])
        metrics = metric_columns(runs, spec)
        if metric not in metrics:
            raise UserError(f"--metric {metric}: not a metric of this sweep; use one of "
                            f"{', '.join(metrics)}")
        figures = sweep_figures(runs, metric)
    except SweepError as exc:
        raise UserError(exc.cli_message) from None
    if not figures:
        raise UserError(f"{folder}: nothing to draw; a response surface needs two swept "
                        "parameters, sensitivity indices a saltelli or morris design")
    return figures


def cmd_viz(args) -> None:
    _load(args.scenario)  # a bad scenario stops here, before a server starts
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be from 0 to 65535 (got {args.port})")
    try:
        from .viz import free_port, serve
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("solara", "altair", "ipywidgets", "reacton"):
            raise
        raise UserError(f"the dashboard needs the viz extra ({exc.name} is not installed): "
                        "pip install 'cartel-sim[viz]'") from None
    try:
        port = free_port(args.host, args.port)
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host} port {args.port} ({exc.strerror or exc}); "
                        "choose another --port, or a --host of this computer") from None
    serve(args.scenario, host=args.host, port=port, open_browser=not args.no_browser)


def cmd_schema(args) -> None:
    from .scenario import json_schema

    print(json.dumps(json_schema(), indent=2))


ONE_SHOT = frozenset({"run", "validate", "schema", "plot"})
"""Commands that start no other process and whose end is the program's end."""


def main(argv: list[str] | None = None, end_process: bool = False) -> int:
    """Run the command ``argv`` (default: the command line's) and return its exit status.

    With ``end_process`` (the ``cartel-sim`` program, :func:`command_line`) a command of
    :data:`ONE_SHOT` runs with Python's cyclic garbage collector off and ends the process
    itself once its files are written and its output flushed, without tearing the
    interpreter down: numba, pandas and matplotlib make some 240,000 objects that a
    collection, and the teardown, would each walk, about 0.4 and 0.5 s of CPU of a warm
    ``cartel-sim run scenarios/bcs_2014.toml`` that took 2.7 s (2026-12-07)."""
    import logging

    from .compiling import show_compile_messages

    args = parser().parse_args(argv)
    command = {"run": cmd_run, "validate": cmd_validate, "schema": cmd_schema,
               "sweep": cmd_sweep, "calibrate": cmd_calibrate, "plot": cmd_plot,
               "viz": cmd_viz}[args.command]
    one_shot = end_process and args.command in ONE_SHOT
    if one_shot:
        gc.disable()
    notice = show_compile_messages()  # the first run on a machine compiles for 30-60 s: say so
    try:
        command(args)
        status = 0
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        status = 2
    except KeyboardInterrupt:
        print("interrupted: a run writes nothing; a sweep keeps its finished chunks and a "
              "calibration its evaluations (continue either with --resume)", file=sys.stderr)
        status = 130
    finally:
        logging.getLogger("sim.compiling").removeHandler(notice)
    if one_shot:
        _end_process(status)
    return status


def _end_process(status: int) -> NoReturn:
    """Exit now with ``status``, after flushing what was printed (every file the command
    wrote is closed by then); no exit handlers, no interpreter teardown."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be shown
            pass
    os._exit(status)


def command_line() -> NoReturn:
    """The ``cartel-sim`` program: :func:`main` on the command line, then exit."""
    sys.exit(main(end_process=True))


if __name__ == "__main__":
    command_line()
