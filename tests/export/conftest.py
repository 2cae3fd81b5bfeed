"""Three small trained runs the exports are checked on: a classifier, a detector, a generator."""

import pytest


def _train(out, name, data, hparams, epochs=1, steps=0, eager=False, batch_size=32):
    from workbench.training import TrainConfig, job

    config = TrainConfig(name, data, epochs=epochs, batch_size=batch_size, steps_per_epoch=steps,
                         hparams=hparams, val_split=0.2, eager=eager, out=str(out))
    job.run_training(config, emit=lambda event: None)
    return out


@pytest.fixture(scope="session")
def lenet_run(tmp_path_factory):
    """LeNet on the embedded digits, one full epoch: accurate enough that int8's cost shows."""
    return _train(tmp_path_factory.mktemp("export") / "lenet", "lenet", "digits", {"width": 2}, epochs=2)


@pytest.fixture(scope="session")
def detector_run(tmp_path_factory):
    """The smallest one-stage detector (YOLO v1, a subclassed model) on shapes, two steps."""
    return _train(tmp_path_factory.mktemp("export") / "yolo", "yolo_v1", "shapes",
                  {"width": 4, "hidden": 16}, steps=2, eager=True, batch_size=8)


@pytest.fixture(scope="session")
def gan_run(tmp_path_factory):
    """DCGAN, two steps: its generator (noise in, image out) is exported with --model generator."""
    from workbench import catalog

    return _train(tmp_path_factory.mktemp("export") / "dcgan", "dcgan", "digits",
                  dict(catalog.get("dcgan").smoke), steps=2, eager=True, batch_size=8)
