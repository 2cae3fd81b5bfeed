"""What a run reports, as plain Python objects.

The CLI turns them into a progress bar, ``ui/bridge.py`` into Qt signals (throttled),
and tests collect them in a list. Events carry numbers and text, never tensors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from workbench.views.types import View  # noqa: F401 - a run's typed views travel as events too


@dataclass
class RunStarted:
    run_dir: str
    config: dict
    device: str
    epochs: int
    initial_epoch: int
    steps_per_epoch: int
    params: int


@dataclass
class BatchEnd:
    epoch: int  # zero-based
    step: int  # one-based within the epoch
    steps: int
    logs: dict[str, float]


@dataclass
class EpochEnd:
    epoch: int  # zero-based
    logs: dict[str, float]
    seconds: float
    eta_seconds: float


@dataclass
class Status:
    """A state change a person should see: paused, resumed, stopping, saving."""

    text: str


@dataclass
class Steered:
    """A change applied while training (``training.schedule``), before batch ``batch``
    (0-based) of epoch ``epoch`` (0-based); ``steps`` batches make an epoch. ``replayed``:
    re-applied on resume (it was made before the resume point)."""

    epoch: int
    batch: int
    change: dict
    steps: int = 0
    replayed: bool = False


@dataclass
class Steerable:
    """A run that can be steered has begun: what its Steer box offers and shows."""

    blocks: list  # layer blocks to freeze or unfreeze by (``steering.blocks``)
    learning_rate: float  # now; 0.0 when it cannot be set (a schedule, several optimizers)
    early_stopping: bool
    patience: int


@dataclass
class Figure:
    """Named curves for a plot that is not a training curve (gradient norms over time steps, ...)."""

    title: str
    series: dict[str, tuple[list[float], list[float]]]
    x_label: str = ""
    y_label: str = ""


@dataclass
class Image:
    """A picture that changes during a run (a sample grid, a generated image)."""

    title: str
    rgb: np.ndarray  # uint8 (H, W, 3)


@dataclass
class Text:
    title: str
    text: str


@dataclass
class Artifact:
    name: str
    path: str


@dataclass
class Finished:
    run_dir: str
    epochs_done: int
    stopped: bool  # by the user (Stop), as opposed to reaching the last epoch
    early_stopped: bool
    history: dict[str, list[float]] = field(default_factory=dict)
    model_path: str = ""


@dataclass
class Failed:
    message: str  # for a person: the WorkbenchError's sentence, or a bug's one-line summary


Event = Any
Emit = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The default sink: a run nobody watches."""
