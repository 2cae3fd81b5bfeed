"""Training runs: a config in, events out, a run directory on disk."""

from workbench.training.config import TrainConfig  # noqa: F401
from workbench.training.control import RunControl  # noqa: F401
