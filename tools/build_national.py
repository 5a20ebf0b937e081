"""Build the national Mexico scenarios from the data in scenarios/data/ (see its README).

    python tools/build_national.py              # rewrite scenarios/mexico_2012*.toml
    python tools/build_national.py --out DIR    # write them elsewhere

The construction lives in tools/national/; tests/test_national.py checks that the committed
files are exactly what this writes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from national import SCENARIO_DIR, build


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python tools/build_national.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SCENARIO_DIR,
                        help="folder to write into (default: scenarios/)")
    for path in build(parser.parse_args(argv).out):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
