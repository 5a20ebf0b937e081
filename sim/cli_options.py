"""The ``cartel-sim`` command's options, help texts and examples (``cartel-sim CMD --help``)."""

from __future__ import annotations

import argparse

EXAMPLES = {
    "run": "example:\n  cartel-sim run scenarios/bcs_2014.toml --seed 7 --out outputs/bcs_2014/7",
    "validate": "examples:\n  cartel-sim validate scenarios/bcs_2014.toml\n"
                "  cartel-sim validate scenarios       # every .toml file in the folder",
    "schema": "example:\n  cartel-sim schema > scenario.schema.json",
    "sweep": "examples:\n  cartel-sim sweep sweeps/bcs_sobol.toml --workers 2\n"
             "  cartel-sim sweep sweeps/bcs_sobol.toml --resume      # after an interruption\n"
             "  cartel-sim sweep sweeps/bcs_sobol.toml --scheduler tcp://10.0.0.5:8786",
    "calibrate": "examples:\n  cartel-sim calibrate calibrations/bcs_2014.toml --workers 2\n"
                 "  cartel-sim calibrate calibrations/bcs_2014.toml --resume  # after a kill",
    "plot": "examples:\n"
            "  cartel-sim plot outputs/bcs_2014/7      # writes outputs/bcs_2014/7/figures/*.png\n"
            "  cartel-sim plot outputs/sweeps/bcs_sobol --format svg --out outputs/figures",
}


def parser() -> argparse.ArgumentParser:
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
    run.add_argument("--progress", action="store_true",
                     help="show a progress bar on stderr (default: only on a terminal)")
    run.add_argument("--force", action="store_true",
                     help="replace the files of a different run in the output folder (only "
                          "the run's own files: anything else there is left alone)")

    validate = sub.add_parser("validate", help="check scenario files without running them",
                              epilog=EXAMPLES["validate"], formatter_class=fmt)
    validate.add_argument("scenarios", nargs="+",
                          help="scenario files (TOML), or folders of them")

    sub.add_parser("schema", help="print the JSON Schema of the scenario format",
                   epilog=EXAMPLES["schema"], formatter_class=fmt)

    sweep = sub.add_parser("sweep", help="run a parameter sweep described in a TOML file",
                           epilog=EXAMPLES["sweep"], formatter_class=fmt)
    sweep.add_argument("sweepfile", help="sweep file (TOML; see README, 'Parameter sweeps')")
    sweep.add_argument("--out", help="output folder (default outputs/sweeps/<sweep file name>)")
    sweep.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    sweep.add_argument("--dask", action="store_true",
                       help="run on a Dask LocalCluster (pip install 'cartel-sim[dask]')")
    sweep.add_argument("--scheduler", help="address of a running Dask scheduler, tcp://host:port")
    sweep.add_argument("--resume", action="store_true", help="continue an interrupted sweep")

    calibrate = sub.add_parser("calibrate", help="fit a scenario's parameters to observed counts",
                               epilog=EXAMPLES["calibrate"], formatter_class=fmt)
    calibrate.add_argument("calibfile", help="calibration file (TOML; see docs/calibration.md)")
    calibrate.add_argument("--out", help="output folder (default outputs/calibrations/<file name>)")
    calibrate.add_argument("--workers", type=int,
                           help="local worker processes (default: all cores)")
    calibrate.add_argument("--dask", action="store_true",
                           help="run on a Dask LocalCluster (pip install 'cartel-sim[dask]')")
    calibrate.add_argument("--scheduler", help="address of a running Dask scheduler, "
                                               "tcp://host:port")
    calibrate.add_argument("--resume", action="store_true",
                           help="continue an interrupted calibration")

    plot = sub.add_parser("plot", help="draw the figures of a run folder or a sweep folder",
                          epilog=EXAMPLES["plot"], formatter_class=fmt)
    plot.add_argument("folder", help="a run folder (cartel-sim run) or a sweep folder "
                                     "(cartel-sim sweep)")
    plot.add_argument("--format", choices=("png", "svg"), default="png",
                      help="file format (default png)")
    plot.add_argument("--out", help="folder for the figures (default FOLDER/figures)")
    plot.add_argument("--metric", default="homicides_total",
                      help="sweep metric to draw (default homicides_total)")

    viz = sub.add_parser("viz", help="interactive dashboard of a scenario, in the browser",
                         formatter_class=fmt, epilog=(
                             "example:\n  cartel-sim viz scenarios/bcs_2014.toml     "
                             "# opens http://127.0.0.1:8765 in the browser"))
    viz.add_argument("scenario", help="scenario file (TOML)")
    viz.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any free)")
    viz.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this computer only)")
    viz.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser
