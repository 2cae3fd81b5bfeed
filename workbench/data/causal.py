"""Observational data with a binary treatment, for individual-treatment-effect models (TARNet, CFR).

``causal`` (generated, no file): an IHDP-like semi-synthetic set after Hill (2011), response
surface "B", with the generating process known so every unit's two potential outcomes are:

* covariates x (n, d): the first ``continuous`` columns ~ N(0, 1), the rest binary ~
  Bernoulli(p_j), p_j ~ U(0.1, 0.5) per column (IHDP: 6 continuous, 19 binary; n = 747; most of
  its binary covariates are uncommon, and a higher share makes exp(.) below explode);
* confounded treatment: t ~ Bernoulli(sigmoid(gamma . x + gamma_0)), gamma_j ~ N(0, 0.5^2),
  gamma_0 = -1 (about a quarter treated, and the treated differ from the controls in x);
* potential outcomes: mu_0(x) = exp((x + 0.5) . beta), mu_1(x) = x . beta - omega, with
  beta_j drawn from {0, 0.1, 0.2, 0.3, 0.4} with probabilities (0.6, 0.1, 0.1, 0.1, 0.1) and
  omega set so the average effect on the treated is 4 (Hill's setting B: a non-linear,
  heterogeneous effect tau(x) = mu_1(x) - mu_0(x));
* observed (factual) outcome: y = mu_t(x) + N(0, 1).

Everything is drawn from ``seed``; a stratified ``val_fraction`` of the units validate.

A CSV (``--data causal --data-option path=FILE.csv``): a ``treatment`` column of 0/1, an
``outcome`` column (names set with ``treatment=`` and ``outcome=``), the covariates in every
other numeric column, and optionally the true potential outcomes ``mu0=`` / ``mu1=`` (then
PEHE and ATE error can be scored). Covariates are standardised with the training units' statistics.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from workbench.data.base import DataInfo
from workbench.data.registry import DatasetSpec, register, whole_option
from workbench.data.sources import Source
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "causal", "causal", "causal",
    "Semi-synthetic observational data with known individual treatment effects (IHDP-like, Hill "
    "2011 setting B; options: samples, continuous, binary) or your CSV (option path=FILE.csv with "
    "treatment, outcome and optional mu0, mu1 column names).",
    "workbench.data.causal:load_causal",
    options=("samples", "continuous", "binary", "treatment", "outcome", "mu0", "mu1"),
))

TARGET_ATT = 4.0  # Hill's setting B: the average effect on the treated


@dataclass
class CausalData(Source):
    """Covariates, treatment and factual outcome per unit, for training and validation;
    ``mu0`` / ``mu1`` (the potential outcomes without noise) where they are known."""

    x_train: np.ndarray = None
    t_train: np.ndarray = None
    y_train: np.ndarray = None
    x_val: np.ndarray = None
    t_val: np.ndarray = None
    y_val: np.ndarray = None
    mu0_train: np.ndarray | None = None
    mu1_train: np.ndarray | None = None
    mu0_val: np.ndarray | None = None
    mu1_val: np.ndarray | None = None

    @property
    def effects_known(self) -> bool:
        return self.mu0_val is not None and self.mu1_val is not None

    def describe(self) -> dict:
        out = {"train_units": len(self.x_train), "val_units": len(self.x_val),
               "covariates": int(self.x_train.shape[1]), "treated_share": float(self.t_train.mean()),
               "effects_known": self.effects_known}
        if self.effects_known:
            out["true_ate_val"] = float(np.mean(self.mu1_val - self.mu0_val))
        return out

    def preview(self) -> list:
        """The units' covariates projected to 2-D, coloured by arm (confounding: the arms differ),
        and the distribution of the true individual effects where they are known."""
        from workbench.views.types import Curves, Scatter, View

        views = [View("arms", Scatter(self.x_train, self.t_train.astype(np.int64), ["control", "treated"]),
                      title=f"{self.info.name}: covariates (PCA) by arm; "
                            f"{self.t_train.mean():.0%} treated")]
        if self.mu0_train is not None and self.mu1_train is not None:
            effects = self.mu1_train - self.mu0_train
            counts, edges = np.histogram(effects, bins=30)
            views.append(View("true_effects", Curves({"units": ((edges[:-1] + edges[1:]) / 2, counts)},
                                                     x_label="true effect mu1 - mu0", y_label="units"),
                              title=f"true individual effects (mean {effects.mean():.2f})"))
        return views


def ihdp_like(samples: int, continuous: int, binary: int, seed: int) -> dict:
    """Draw the generated set (see the module docstring): x, t, y, mu0, mu1."""
    rng = np.random.default_rng([seed, 7])
    d = continuous + binary
    x = np.empty((samples, d))
    x[:, :continuous] = rng.normal(size=(samples, continuous))
    x[:, continuous:] = rng.random((samples, binary)) < rng.uniform(0.1, 0.5, size=binary)
    gamma = rng.normal(0.0, 0.5, size=d)
    propensity = 1.0 / (1.0 + np.exp(-(x @ gamma - 1.0)))
    t = (rng.random(samples) < propensity).astype(np.float32)
    beta = rng.choice([0.0, 0.1, 0.2, 0.3, 0.4], size=d, p=[0.6, 0.1, 0.1, 0.1, 0.1])
    mu0 = np.exp((x + 0.5) @ beta)
    mu1_raw = x @ beta
    treated = t == 1 if t.any() else np.ones(samples, bool)
    omega = float(np.mean(mu1_raw[treated] - mu0[treated]) - TARGET_ATT)
    mu1 = mu1_raw - omega
    y = np.where(t == 1, mu1, mu0) + rng.normal(size=samples)
    return {"x": x.astype(np.float32), "t": t, "y": y.astype(np.float32),
            "mu0": mu0.astype(np.float32), "mu1": mu1.astype(np.float32)}


def load_causal(options: dict, seed: int, val_fraction: float) -> CausalData:
    if not 0.0 < val_fraction < 1.0:
        raise WorkbenchError(f"validation fraction {val_fraction} must be above 0 and below 1: PEHE is "
                             "scored on validation units")
    if options.get("path"):
        for key in ("samples", "continuous", "binary"):
            if key in options:
                raise WorkbenchError(f"data option {key} shapes the generated set; a CSV brings its own units")
        table = read_causal_csv(str(options["path"]), str(options.get("treatment", "treatment")),
                                str(options.get("outcome", "outcome")), options.get("mu0"), options.get("mu1"))
        name = os.path.splitext(os.path.basename(str(options["path"])))[0]
    else:
        for key in ("treatment", "outcome", "mu0", "mu1"):
            if key in options:
                raise WorkbenchError(f"data option {key} names a CSV column; give the CSV with path=FILE.csv")
        table = ihdp_like(whole_option(options, "samples", 747, 20, 1_000_000),
                          whole_option(options, "continuous", 6, 0, 1000),
                          whole_option(options, "binary", 19, 0, 1000), seed)
        if table["x"].shape[1] == 0:
            raise WorkbenchError("the generated set needs at least one covariate (continuous + binary >= 1)")
        name = "causal"
    return _split(name, table, seed, val_fraction)


def read_causal_csv(path: str, treatment: str, outcome: str, mu0: str | None, mu1: str | None) -> dict:
    import pandas as pd

    try:
        frame = pd.read_csv(path, skipinitialspace=True)
    except FileNotFoundError:
        raise WorkbenchError(f"CSV file not found: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise WorkbenchError(f"{path} is not a readable CSV file: {error}") from None
    columns = ", ".join(map(str, frame.columns))
    for role, column in (("treatment", treatment), ("outcome", outcome), ("mu0", mu0), ("mu1", mu1)):
        if column is not None and column not in frame.columns:
            raise WorkbenchError(f"{path} has no {role} column {column!r} (its columns: {columns}); name "
                                 f"it with --data-option {role}=COLUMN")
    if (mu0 is None) != (mu1 is None):
        raise WorkbenchError("give both potential-outcome columns, mu0= and mu1=, or neither")
    t = pd.to_numeric(frame[treatment], errors="coerce")
    if t.isna().any() or not set(np.unique(t)) <= {0, 1}:
        raise WorkbenchError(f"{path}: the treatment column {treatment!r} must hold 0 (control) or 1 (treated) "
                             "in every row")
    if t.nunique() < 2:
        raise WorkbenchError(f"{path}: every unit is in the same arm (treatment={int(t.iloc[0])}); "
                             "effects need treated and control units")
    roles = {treatment, outcome} | {c for c in (mu0, mu1) if c is not None}
    numeric = {}
    for column in [c for c in frame.columns if c not in roles]:
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any():
            raise WorkbenchError(f"{path}: covariate column {column!r} has text or empty values; covariates "
                                 "must be numbers")
        numeric[column] = values.to_numpy(np.float32)
    if not numeric:
        raise WorkbenchError(f"{path} has no covariate columns besides {treatment} and {outcome}")

    def number(column):
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any():
            raise WorkbenchError(f"{path}: column {column!r} must hold a number in every row")
        return values.to_numpy(np.float32)

    return {"x": np.stack(list(numeric.values()), axis=1), "t": t.to_numpy(np.float32),
            "y": number(outcome), "mu0": number(mu0) if mu0 else None, "mu1": number(mu1) if mu1 else None,
            "feature_names": tuple(numeric)}


def _split(name: str, table: dict, seed: int, val_fraction: float) -> CausalData:
    """Stratified by arm; covariates standardised with the training units' mean and spread."""
    rng = np.random.default_rng([seed, 8])
    t = table["t"]
    val = np.zeros(len(t), bool)
    for arm in (0, 1):
        members = rng.permutation(np.flatnonzero(t == arm))
        val[members[: max(1, round(len(members) * val_fraction))]] = True
    train = ~val
    if not (t[train] == 1).any() or not (t[train] == 0).any():
        raise WorkbenchError(f"{name}: too few units to keep both arms in training and validation")
    x = table["x"]
    mean, spread = x[train].mean(axis=0), x[train].std(axis=0)
    x = ((x - mean) / np.where(spread > 0, spread, 1.0)).astype(np.float32)
    names = table.get("feature_names") or tuple(f"x{i + 1}" for i in range(x.shape[1]))
    info = DataInfo(name, "causal", "causal", (x.shape[1],), ("control", "treated"), tuple(names))

    def part(key, mask):
        return None if table.get(key) is None else np.asarray(table[key], np.float32)[mask]

    return CausalData(info, x_train=x[train], t_train=t[train], y_train=table["y"][train],
                      x_val=x[val], t_val=t[val], y_val=table["y"][val],
                      mu0_train=part("mu0", train), mu1_train=part("mu1", train),
                      mu0_val=part("mu0", val), mu1_val=part("mu1", val))
