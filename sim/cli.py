"""The ``cartel-sim`` command: a thin layer over :mod:`sim`.

User mistakes (a bad scenario, a missing file, an output folder holding another run) exit
with status 2 and a message saying what to fix, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXAMPLES = {
    "run": "example:\n  cartel-sim run scenarios/bcs_2014.toml --seed 7 --out outputs/bcs_2014/7",
    "validate": "example:\n  cartel-sim validate scenarios/*.toml",
    "schema": "example:\n  cartel-sim schema > scenario.schema.json",
}


class UserError(Exception):
    """A mistake the user can fix; printed without a traceback, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cartel-sim",
        description="Simulate drug-cartel territorial conflict from a scenario file.",
        epilog="Run 'cartel-sim COMMAND --help' for a command's options and an example.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fmt = argparse.RawDescriptionHelpFormatter

    run = sub.add_parser("run", help="run a scenario and write its tables",
                         epilog=EXAMPLES["run"], formatter_class=fmt)
    run.add_argument("scenario", help="scenario file (TOML)")
    run.add_argument("--seed", type=int, default=0, help="replicate seed (default 0)")
    run.add_argument("--days", type=int, help="simulate this many days instead of the file's")
    run.add_argument("--out", help="output folder (default outputs/<scenario>/<seed>)")
    run.add_argument("--csv", action="store_true", help="also write the tables as CSV")
    run.add_argument("--force", action="store_true",
                     help="replace an output folder that holds a different run")

    validate = sub.add_parser("validate", help="check scenario files without running them",
                              epilog=EXAMPLES["validate"], formatter_class=fmt)
    validate.add_argument("scenarios", nargs="+", help="scenario files (TOML)")

    sub.add_parser("schema", help="print the JSON Schema of the scenario format",
                   epilog=EXAMPLES["schema"], formatter_class=fmt)
    return parser


def _load(path: str):
    from .loading import load_scenario
    from .scenario import ScenarioError

    if not Path(path).is_file():
        raise UserError(f"{path}: no such scenario file; check the path (scenarios live in scenarios/)")
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None


def cmd_run(args) -> None:
    from .results import RunExistsError, check_overwrite
    from .runner import for_days, run
    from .summary import summary_text

    scenario = _load(args.scenario)
    if args.days is not None and args.days <= 0:
        raise UserError(f"--days must be a positive number of days (got {args.days})")
    out = Path(args.out or Path("outputs") / scenario.name / str(args.seed))
    resolved, steps = for_days(scenario, args.days)
    planned = {"resolved_scenario": resolved.model_dump(mode="json"), "seed": args.seed,
               "steps": steps}
    try:
        check_overwrite(out, planned, args.force)  # before spending time on the run
        print(f"Running {scenario.name} (seed {args.seed}) ...", file=sys.stderr)
        result = run(scenario, seed=args.seed, days=args.days)
        result.save(out, csv=args.csv, force=args.force)
    except RunExistsError as exc:
        raise UserError(str(exc)) from None
    print(summary_text(result))
    print(f"\nWrote {out}/ (violence, control and organizations tables; run.json)")


def cmd_validate(args) -> None:
    problems = []
    for path in args.scenarios:
        try:
            scenario = _load(path)
            print(f"ok  {path}  ({scenario.name}: {len(scenario.organizations)} organizations, "
                  f"{len(scenario.plazas)} plazas, {scenario.n_steps} steps)")
        except UserError as exc:
            problems.append(str(exc))
    if problems:
        raise UserError("\n".join(problems))


def cmd_schema(args) -> None:
    from .scenario import json_schema

    print(json.dumps(json_schema(), indent=2))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = {"run": cmd_run, "validate": cmd_validate, "schema": cmd_schema}[args.command]
    try:
        command(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
