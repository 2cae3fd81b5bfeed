"""Sine-wave regression tasks, the toy problem of MAML (Finn, Abbeel & Levine 2017, section 5.1).

A task is ``y = A sin(x - phase)`` with the amplitude ``A`` uniform in [0.1, 5.0], the
phase uniform in [0, pi] and the inputs uniform in [-5, 5]; a learner sees ``k_shot``
points of a new task (the support set) and is scored on ``queries`` more of the same task.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.data.base import DataInfo
from workbench.data.registry import DatasetSpec, register
from workbench.data.sources import Source, rng_for
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "sine_tasks", "episodes", "regression",
    "MAML's sine regression tasks: A sin(x - phase), A in [0.1, 5], phase in [0, pi], "
    "x in [-5, 5] (generated; options: k_shot, queries).",
    "workbench.data.sine_tasks:load_sine_tasks", options=("k_shot", "queries"),
))

AMPLITUDE = (0.1, 5.0)
PHASE = (0.0, np.pi)
X_RANGE = (-5.0, 5.0)


@dataclass
class SineTask:
    """One task: support and query points as ``(n, 1)`` float32 columns, and its parameters."""

    support_x: np.ndarray
    support_y: np.ndarray
    query_x: np.ndarray
    query_y: np.ndarray
    amplitude: float
    phase: float

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The task's true function."""
        return self.amplitude * np.sin(np.asarray(x) - self.phase)


@dataclass
class SineTasks(Source):
    """A sampler of sine tasks; ``sample(rng)`` draws the task and its points from ``rng``
    (give it ``rng_for(seed, epoch, step)`` so a resumed run draws the same tasks)."""

    k_shot: int = 10
    queries: int = 10
    seed: int = 0

    def sample(self, rng: np.random.Generator, split: str = "train") -> SineTask:
        amplitude = rng.uniform(*AMPLITUDE)
        phase = rng.uniform(*PHASE)
        x = rng.uniform(*X_RANGE, size=(self.k_shot + self.queries, 1)).astype(np.float32)
        y = (amplitude * np.sin(x - phase)).astype(np.float32)
        k = self.k_shot
        return SineTask(x[:k], y[:k], x[k:], y[k:], float(amplitude), float(phase))

    def describe(self) -> dict:
        return {"k_shot": self.k_shot, "queries": self.queries, "amplitude": list(AMPLITUDE),
                "phase": [0.0, float(np.pi)], "x": list(X_RANGE)}

    def preview(self) -> list:
        """Four seeded tasks drawn over the input range (the support points lie on them)."""
        from workbench.views.types import Curves, View

        grid = np.linspace(*X_RANGE, 200)
        series = {}
        for i in range(4):
            task = self.sample(rng_for(self.seed, 0, i))
            series[f"A={task.amplitude:.2f}, phase={task.phase:.2f}"] = (grid, task(grid))
        return [View("tasks", Curves(series, x_label="x", y_label="y"),
                     title=f"four sine tasks; a learner sees {self.k_shot} points of a new one")]


def load_sine_tasks(options: dict, seed: int, val_fraction: float) -> SineTasks:
    k_shot, queries = _int(options, "k_shot", 10), _int(options, "queries", 10)
    info = DataInfo("sine_tasks", "episodes", "regression", (1,), feature_names=("x",))
    return SineTasks(info, k_shot=k_shot, queries=queries, seed=seed)


def _int(options: dict, key: str, default: int) -> int:
    raw = options.get(key, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise WorkbenchError(f"option {key}={raw!r} must be a whole number") from None
    if value < 1:
        raise WorkbenchError(f"option {key}={value} must be at least 1")
    return value
