"""Runs for ``test_strategies.py``, each in a fresh process (``python strategy_jobs.py JOB OUT``):
logical CPU devices and a cluster can be set up only before TensorFlow starts in a process.

Every run trains the tiny ``mlp`` on ``digits`` with the same global batch and seed; the
final weights of each run are written to ``OUT/NAME.npz`` for the test to compare.
"""

import json
import os
import sys

import numpy as np

TINY = {"model": "mlp", "data": "digits", "batch_size": 32, "seed": 3, "steps_per_epoch": 3, "eager": True,
        "hparams": {"learning_rate": 0.05, "optimizer": "adam"}}


def config(out, epochs, strategy="one", workers=0):
    from workbench.training import TrainConfig

    return TrainConfig(**TINY, epochs=epochs, out=out, strategy=strategy, workers=workers)


def save(result, path):
    from workbench.training.checkpoints import network_variables

    np.savez(path, *[np.asarray(v.numpy()) for v in network_variables(result.model)],
             history=json.dumps(result.history))


def extend(run_dir, epochs):
    """A finished run asked for ``epochs`` in all: resume then continues after its last epoch."""
    path = os.path.join(run_dir, "config.json")
    with open(path) as handle:
        data = json.load(handle)
    data["epochs"] = epochs
    with open(path, "w") as handle:
        json.dump(data, handle)


def one_and_mirrored(out):
    """One device for 1 and 2 epochs; mirrored over 2 logical CPUs for 2 epochs, and for 1
    epoch then resumed for the second. Mirrored comes first: it sets up the logical devices."""
    from workbench.training import job

    mirrored = job.run_training(config(f"{out}/mirrored", 2, "mirrored", 2))
    save(mirrored, f"{out}/mirrored.npz")
    job.run_training(config(f"{out}/mirrored_resumed", 1, "mirrored", 2))
    extend(f"{out}/mirrored_resumed", 2)
    devices = []
    save(job.resume_training(f"{out}/mirrored_resumed", emit=lambda e: devices.append(getattr(e, "device", None))),
         f"{out}/mirrored_resumed.npz")
    with open(f"{out}/mirrored_device.txt", "w") as handle:
        handle.write(next(d for d in devices if d))
    for epochs in (1, 2):
        save(job.run_training(config(f"{out}/one{epochs}", epochs)), f"{out}/one{epochs}.npz")


def parameter_server(out):
    """Asynchronous training on an in-process cluster: 2 workers, 1 parameter server. Adam at
    0.01, not the other runs' 0.05: with stale gradients 0.05 sometimes stalls at a uniform
    guess (CI saw a final validation loss of 2.304 > ln 10); 0.01 fell in every run here."""
    from workbench.training import TrainConfig, job

    hparams = {"learning_rate": 0.01, "optimizer": "adam"}
    run = TrainConfig(**{**TINY, "steps_per_epoch": 8, "hparams": hparams}, epochs=3,
                      out=f"{out}/ps", strategy="parameter-server", workers=2)
    devices = []
    result = job.run_training(run, emit=lambda e: devices.append(getattr(e, "device", None)))
    save(result, f"{out}/ps.npz")
    with open(f"{out}/ps_device.txt", "w") as handle:
        handle.write(next(d for d in devices if d))


if __name__ == "__main__":
    from workbench.quiet import import_tensorflow

    import_tensorflow()
    {"one_and_mirrored": one_and_mirrored, "parameter_server": parameter_server}[sys.argv[1]](sys.argv[2])
