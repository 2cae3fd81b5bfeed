"""Training throughput of the same run on each device of this machine, side by side.

The same entry, hyperparameters, data, batch size and initial weights are trained on every
device TensorFlow lists (``training.devices``): a few warm-up steps first (tracing the
graph, XLA compilation, the allocator's first blocks), then ``steps`` timed steps, from the
end of the last warm-up batch to the end of the last timed one. Each batch's end reads its
loss back, so the clock stops only after the device has done the work. The figure is
training samples (images, rows) per second, the input pipeline included, as a run sees it.

On a machine without a GPU the result says so and holds the CPU figure alone: there is no
GPU number to show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError

#: Steps trained before the clock starts.
WARMUP_STEPS = 5


@dataclass
class Throughput:
    model: str
    data: str
    batch_size: int
    steps: int
    rows: list[dict] = field(default_factory=list)  # device, name, samples_per_s, seconds
    notes: list[str] = field(default_factory=list)

    @property
    def has_gpu(self) -> bool:
        return any(row["device"].startswith("GPU") for row in self.rows)

    def speedup(self) -> float | None:
        """The fastest GPU's samples/s over the CPU's; None without a GPU."""
        cpu = [r["samples_per_s"] for r in self.rows if r["device"].startswith("CPU")]
        gpu = [r["samples_per_s"] for r in self.rows if r["device"].startswith("GPU")]
        return max(gpu) / cpu[0] if cpu and gpu else None

    def as_dict(self) -> dict:
        return {"model": self.model, "data": self.data, "batch_size": self.batch_size, "steps": self.steps,
                "warmup_steps": WARMUP_STEPS, "rows": list(self.rows), "has_gpu": self.has_gpu,
                "gpu_over_cpu": self.speedup(), "notes": list(self.notes)}

    def sentence(self) -> str:
        """What the table says, in words."""
        if not self.has_gpu:
            return ("This machine has no GPU (TensorFlow lists none), so only the CPU was measured: "
                    f"{self.rows[0]['samples_per_s']:.0f} samples/s.")
        return f"The GPU trains {self.speedup():.1f}x as many samples per second as the CPU."


def measure_throughput(model: str, data: str = "digits", hparams: dict | None = None, steps: int = 50,
                       batch_size: int = 32, data_options: dict | None = None, device_ids=None,
                       progress=None) -> Throughput:
    """Samples per second of training ``model`` on ``data`` on each device (or ``device_ids``)."""
    from workbench import catalog
    from workbench import data as data_sources
    from workbench.quiet import import_tensorflow
    from workbench.training import devices

    if not 1 <= steps <= 100000:
        raise WorkbenchError(f"--steps {steps} must be between 1 and 100000")
    if not 1 <= batch_size <= 65536:
        raise WorkbenchError(f"batch size {batch_size} must be between 1 and 65536")
    entry = catalog.get(model)
    if entry.trainer:
        raise WorkbenchError(f"{entry.name} trains with its own loop, not Keras fit; throughput measures "
                             "entries trained by fit (a classifier, a regressor)")
    hp = entry.resolve(hparams or {})
    import_tensorflow()
    dataset = data_sources.load(data, data_options or {}, seed=0, val_fraction=0.0)
    if not hasattr(dataset, "x_train"):
        raise WorkbenchError(f"{data} streams its samples from disk; throughput measures data held in memory")
    fits, why = entry.accepts(dataset.info)
    if not fits:
        raise WorkbenchError(why)
    listed = devices.list_devices()
    wanted = [devices.resolve(d) for d in device_ids] if device_ids else [d["id"] for d in listed]
    result = Throughput(entry.name, dataset.info.name, batch_size, steps)
    for device_id in wanted:
        if progress:
            progress(f"measuring {device_id}: {WARMUP_STEPS} warm-up steps, then {steps} timed")
        seconds = _timed_training(entry, hp, dataset, device_id, steps, batch_size)
        result.rows.append({"device": device_id, "name": devices.describe(device_id),
                            "samples_per_s": steps * batch_size / seconds, "seconds": seconds})
    if not result.has_gpu:
        result.notes.append(result.sentence())
    return result


def _timed_training(entry, hp, dataset, device_id: str, steps: int, batch_size: int) -> float:
    """Seconds for ``steps`` training steps on ``device_id`` after the warm-up."""
    import keras
    import numpy as np
    import tensorflow as tf

    from workbench.training.job import build_compiled
    from workbench.training.losses import encoded_labels

    y, _ = encoded_labels(hp, dataset)
    total = WARMUP_STEPS + steps
    # the training arrays cycled to fill every batch (a tiny set still gives full batches)
    order = np.resize(np.random.default_rng(0).permutation(len(dataset.x_train)), total * batch_size)
    x_all, y_all = dataset.x_train[order], np.asarray(y)[order]
    clock = _batch_clock()
    keras.utils.set_random_seed(0)  # the same initial weights on every device
    with tf.device(f"/{device_id}"):
        model = build_compiled(entry, hp, dataset.info)
        model.fit(x_all, y_all, batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[clock])
    if len(clock.ends) != total:
        raise WorkbenchError(f"{device_id}: {len(clock.ends)} of {total} steps ran")
    return clock.ends[-1] - clock.ends[WARMUP_STEPS - 1]


def _batch_clock():
    """A callback noting the time at the end of each training batch, after its loss is read back."""
    import keras

    class BatchClock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.ends = []

        def on_train_batch_end(self, batch, logs=None):
            float((logs or {}).get("loss", 0.0))  # waits for the step's result
            self.ends.append(time.perf_counter())

    return BatchClock()
