"""Figures of a calibration: the fit and the held-back check (per episode), the posterior,
convergence."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .spec import CalibrationSpec


def calibration_figures(spec: CalibrationSpec, posterior: pd.DataFrame, trace: pd.DataFrame,
                        predictive: pd.DataFrame) -> dict[str, Figure]:
    """``check`` (observed against the predictive bands of one episode), ``posterior``
    (marginals and pairs), ``convergence`` (epsilon per generation, or distance per trial)."""
    return {"check": check_figure(predictive), **posterior_figures(spec, posterior, trace)}


def posterior_figures(spec: CalibrationSpec, posterior: pd.DataFrame, trace: pd.DataFrame
                      ) -> dict[str, Figure]:
    """``posterior`` (marginals and pairs) and ``convergence`` (epsilon per generation, or
    distance per trial); each episode's ``check`` is :func:`check_figure`."""
    return {"posterior": posterior_figure(spec, posterior),
            "convergence": convergence_figure(spec, trace)}


def check_figure(predictive: pd.DataFrame) -> Figure:
    """Each observation (y: count) against its predictive median, 50% and 90% bands;
    fitted observations in blue, held-back ones in orange."""
    figure = Figure(figsize=(max(5.0, 0.9 * len(predictive) + 2), 3.6))
    ax = figure.subplots()
    x = np.arange(len(predictive))
    for i, row in predictive.iterrows():
        color = "tab:orange" if row["held_back"] else "tab:blue"
        ax.vlines(x[i], row["q05"], row["q95"], color=color, alpha=0.35, lw=10)
        ax.vlines(x[i], row["q25"], row["q75"], color=color, alpha=0.8, lw=10)
        ax.plot(x[i], row["q50"], "_", color="white", ms=12)
    ax.plot(x, predictive["observed"], "kD", label="observed")
    labels = [f"{p}\n{r}\n{m.replace('_', ' ')}" + (f"\n{o}" if o else "") for p, r, m, o in
              zip(predictive["period"], predictive["region"], predictive["measure"],
                  predictive["organization"])]
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylabel("count")
    ax.set_title("observed against the posterior predictive 50% / 90% bands "
                 "(blue: fit, orange: held back)", fontsize=9)
    ax.legend(fontsize=8)
    return figure


def posterior_figure(spec: CalibrationSpec, posterior: pd.DataFrame) -> Figure:
    """Weighted marginal histograms on the diagonal, pairs below, over the prior ranges."""
    paths = spec.paths
    k = len(paths)
    figure = Figure(figsize=(2.4 * k + 0.6, 2.4 * k))
    axes = np.atleast_2d(figure.subplots(k, k, squeeze=False))
    weights = posterior["weight"].to_numpy()
    for i, row_path in enumerate(paths):
        for j, col_path in enumerate(paths):
            ax = axes[i, j]
            if j > i:
                ax.set_axis_off()
                continue
            prior = spec.parameters[col_path]
            log = prior.prior == "loguniform"
            if i == j:
                edges = (np.geomspace if log else np.linspace)(prior.low, prior.high, 21)
                ax.hist(posterior[col_path], bins=edges, weights=weights, color="tab:blue")
            else:
                ax.scatter(posterior[col_path], posterior[row_path], s=8, alpha=0.7,
                           c=weights, cmap="Blues", vmin=-weights.max() / 2)
                row_prior = spec.parameters[row_path]
                ax.set_ylim(row_prior.low, row_prior.high)
                if row_prior.prior == "loguniform":
                    ax.set_yscale("log")
                ticks = row_prior.value(np.array([0.0, 0.5, 1.0]))
                ax.set_yticks(ticks, [f"{t:.3g}" for t in ticks], minor=False)
                ax.set_yticks([], minor=True)
            ax.set_xlim(prior.low, prior.high)
            if log:
                ax.set_xscale("log")
            ticks = prior.value(np.array([0.0, 0.5, 1.0]))
            ax.set_xticks(ticks, [f"{t:.3g}" for t in ticks])
            ax.set_xticks([], minor=True)
            if i == k - 1:
                ax.set_xlabel(col_path.split(".")[-1], fontsize=8)
            if j == 0 and i != j:
                ax.set_ylabel(row_path.split(".")[-1], fontsize=8)
            ax.tick_params(which="both", labelsize=6)
    figure.suptitle("posterior: marginals and pairs (axes span the prior ranges)", fontsize=9)
    return figure


def convergence_figure(spec: CalibrationSpec, trace: pd.DataFrame) -> Figure:
    """ABC: the acceptance threshold per generation; Optuna: each trial's distance and the
    best so far."""
    figure = Figure(figsize=(5, 3.2))
    ax = figure.subplots()
    if spec.method == "abc":
        ax.plot(trace["generation"], trace["epsilon"], "o-")
        ax.set_xlabel("generation")
        ax.set_ylabel(f"epsilon ({spec.distance})")
    else:
        ax.plot(trace["trial"], trace["distance"], ".", alpha=0.5, label="trial")
        ax.plot(trace["trial"], trace["distance"].cummin(), "-", label="best so far")
        ax.set_xlabel("trial")
        ax.set_ylabel(f"distance ({spec.distance})")
        ax.legend(fontsize=8)
    ax.set_title("convergence", fontsize=9)
    return figure
