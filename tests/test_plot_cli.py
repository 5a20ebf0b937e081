"""The CLI's figure files: ``cartel-sim run`` writes summary.png with the tables, ``plot``
writes every figure of a run or sweep folder, both atomically, and ``plot`` fails with
status 2 on a folder that is not a run or sweep."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from conftest import SCENARIO_DIR, shipped_scenario  # noqa: E402

import sim  # noqa: E402
from sim import plot  # noqa: E402
from sim.cli import main  # noqa: E402

TWO = str(SCENARIO_DIR / "two_cartels.toml")


def is_png(path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_writes_summary_png_with_the_tables(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", TWO, "--days", "60", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "control.parquet", "organizations.parquet", "run.json", "summary.png",
        "violence.parquet"]
    assert is_png(out / "summary.png")
    assert "summary.png" in capsys.readouterr().out


def test_a_failed_summary_leaves_no_run_folder(tmp_path, monkeypatch):
    def broken(results):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(plot, "summary_figure", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        main(["run", TWO, "--days", "10", "--out", str(tmp_path / "run")])
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temporary one


def test_plot_writes_every_figure_of_a_run_folder(tmp_path, capsys):
    sim.run(shipped_scenario("two_cartels"), seed=1, days=120).save(tmp_path / "run")
    loaded = sim.Results.load(tmp_path / "run")  # what the figures are drawn from
    assert loaded.scenario == shipped_scenario("two_cartels")
    assert loaded.plaza_names == ["Ciudad Norte", "Ciudad Sur"]
    assert loaded.organization_names == ["North", "South"]
    assert main(["plot", str(tmp_path / "run")]) == 0
    names = ["summary", "homicides", "control", "network", "strength"]
    written = [tmp_path / "run" / "figures" / f"{n}.png" for n in names]
    assert capsys.readouterr().out.split() == [str(p) for p in written]
    assert all(is_png(p) for p in written)
    assert main(["plot", str(tmp_path / "run"), "--format", "svg", "--out",
                 str(tmp_path / "svg")]) == 0
    assert sorted(p.name for p in (tmp_path / "svg").iterdir()) == sorted(
        f"{n}.svg" for n in names)
    assert (tmp_path / "svg" / "control.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize("design, figures", [
    ("grid", ["response_surface.png"]),
    ("saltelli", ["response_surface.png", "sensitivity.png"]),
])
def test_plot_writes_the_figures_of_a_sweep_folder(tmp_path, capsys, design, figures):
    spec = sim.SweepSpec(scenario=TWO, design=design, n=2, replicates=2, days=30,
                         parameters={"parameters.clash_rate": (0.001, 0.004),
                                     "parameters.lethality": (0.01, 0.05)})
    sim.sweep(spec, tmp_path / "sweep", workers=1, progress=False)
    assert main(["plot", str(tmp_path / "sweep"), "--out", str(tmp_path / "figs")]) == 0
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == figures
    assert all(is_png(p) for p in (tmp_path / "figs").iterdir())
    assert main(["plot", str(tmp_path / "sweep"), "--metric", "guns"]) == 2
    assert "--metric guns: not a metric of this sweep; use one of homicides_total" in (
        capsys.readouterr().err)


def test_plot_refuses_a_folder_that_is_no_run_nor_sweep(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["plot", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a run folder (no run.json) nor a sweep folder (no spec.json)" in err
    assert "Traceback" not in err
    assert main(["plot", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written
