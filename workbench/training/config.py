"""A run's configuration: everything needed to repeat it, stored as ``config.json``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.errors import WorkbenchError


@dataclass
class TrainConfig:
    model: str
    data: str = "digits"
    epochs: int = 5
    batch_size: int = 32
    seed: int = 0
    hparams: dict[str, Any] = field(default_factory=dict)
    data_options: dict[str, Any] = field(default_factory=dict)
    val_split: float = 0.2
    device: str = ""  # "" = TensorFlow's default; otherwise "CPU:0", "GPU:1", ...
    mixed_precision: bool = False
    out: str = ""
    #: Stop each epoch after this many batches (0 = all): quick looks and tests.
    steps_per_epoch: int = 0
    #: Run ``train_step`` eagerly, without tracing a graph: slower per batch, but
    #: starts at once and lets a debugger step into the model (quick looks, tests).
    eager: bool = False
    #: ``tf.distribute`` strategy: one, mirrored, multi-worker or parameter-server
    #: (see ``training.strategies``); ``workers`` replicas/processes for it, 0 = its default.
    strategy: str = "one"
    workers: int = 0
    #: Changes applied while training, ``[{"epoch", "batch", "change"}]`` (``training.schedule``):
    #: given in advance (``--schedule``) and/or recorded as they were made from the Train tab.
    schedule: list = field(default_factory=list)
    #: TensorBoard event files of the epoch scalars in ``RUN/tensorboard/`` (``training.tensorboard``).
    tensorboard: bool = True

    def validate(self) -> "TrainConfig":
        if not 1 <= self.epochs <= 100000:
            raise WorkbenchError(f"epochs={self.epochs} must be between 1 and 100000")
        if not 1 <= self.batch_size <= 65536:
            raise WorkbenchError(f"batch size {self.batch_size} must be between 1 and 65536")
        if not math.isfinite(self.val_split) or not 0.0 <= self.val_split < 1.0:
            raise WorkbenchError(f"validation split {self.val_split} must be in [0, 1)")
        if self.steps_per_epoch < 0:
            raise WorkbenchError(f"steps per epoch {self.steps_per_epoch} must be 0 or more")
        from workbench.training.strategies import validate

        validate(self.strategy, self.workers)
        from workbench.training.schedule import check_schedule

        self.schedule = check_schedule(self.schedule)
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
