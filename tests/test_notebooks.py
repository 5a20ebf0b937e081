"""The notebooks in notebooks/: each runs from top to bottom without an error, writes nothing
beside itself, and is stored without outputs (so the repository stays clean).

One test per notebook, so pytest-xdist spreads them over workers. Each is executed by
nbclient in a fresh ``python3`` kernel with notebooks/ as its working directory, as a user
opening it in Jupyter would; a failing cell fails the test with the cell's source and
traceback. The execution time is printed and recorded as the test's
``execution_seconds`` property (e.g. in ``--junitxml`` reports).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 600  # seconds per cell


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_bcs_2014.ipynb", "02_sweeps.ipynb",
                                           "03_kingpin.ipynb", "04_calibration.ipynb",
                                           "05_mechanisms.ipynb", "06_juarez.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells and nb.cells[0].cell_type == "markdown", "start with what it answers"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} of {path.name} has outputs: clear them"
            assert cell.execution_count is None, f"cell {i} of {path.name} has a count"
        assert "execution" not in cell.metadata, f"cell {i} of {path.name} has run timings"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_listed_in_the_readme(path):
    assert path.name in (NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_without_errors(path, record_property):
    nb = nbformat.read(path, as_version=4)
    before = sorted(p.name for p in NOTEBOOK_DIR.iterdir())
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    started = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name}: a cell raised:\n{exc}", pytrace=False)
    seconds = time.perf_counter() - started
    record_property("execution_seconds", round(seconds, 1))
    print(f"{path.name}: executed in {seconds:.1f} s")
    assert sorted(p.name for p in NOTEBOOK_DIR.iterdir()) == before, (
        f"{path.name} wrote files into notebooks/; write to a temporary directory")
