"""Every catalog entry, generated from the registry: build it small and train two steps.

A new entry is tested here without editing this file (timm's registry-driven tests).
"""

import math

import numpy as np
import pytest

from workbench import catalog
from workbench.training import TrainConfig, events, job

ENTRIES = sorted(e.name for e in catalog.all_entries())


@pytest.mark.parametrize("name", ENTRIES)
def test_entry_trains_two_steps(name, tmp_path):
    entry = catalog.get(name)
    collected = []
    config = TrainConfig(name, entry.default_data, epochs=1, batch_size=16, steps_per_epoch=2,
                         hparams=dict(entry.smoke), val_split=0.05, eager=True,
                         out=str(tmp_path / name))
    result = job.run_training(config, emit=collected.append)
    finished = [e for e in collected if isinstance(e, events.Finished)]
    assert len(finished) == 1 and finished[0].epochs_done >= 1
    numbers = [v for key, values in result.history.items() if key != "epoch" for v in values]
    assert numbers and all(math.isfinite(v) for v in numbers)
    if entry.task == "classification" and result.dataset is not None and hasattr(result.dataset, "x_val"):
        probabilities = np.asarray(result.model.predict(result.dataset.x_val[:4], verbose=0))
        assert probabilities.shape == (min(4, len(result.dataset.x_val)), result.dataset.info.num_classes)
        assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
