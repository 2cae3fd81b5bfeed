"""Exact resume and seeds with a class folder streamed from disk (``data.streaming``).

A streamed run stopped after epoch 1 and resumed ends with the uninterrupted streamed
run's weights, bit for bit; and a streamed run trains on the in-memory run's batches
(the same split, order and pixel values), so the two end within float rounding.
"""

import os

import cv2
import numpy as np
import pytest

from workbench import data
from workbench.data.streaming import StreamingImages
from workbench.models.io import load_model
from workbench.training import RunControl, TrainConfig, events, job


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Three classes of 16 JPEG / PNG images, of several sizes, that a small CNN can separate."""
    root = tmp_path_factory.mktemp("streamed")
    rng = np.random.default_rng(4)
    for label, colour in enumerate([(220, 40, 40), (40, 200, 40), (40, 40, 210)]):
        os.makedirs(root / f"c{label}")
        for i in range(16):
            h, w = (40, 36) if i % 2 else (20, 28)
            image = np.clip(np.array(colour) + rng.normal(0, 40, (h, w, 3)), 0, 255).astype(np.uint8)
            cv2.imwrite(str(root / f"c{label}" / f"{i:02d}.{'jpg' if i % 3 else 'png'}"), image)
    return str(root)


def config(path, root, stream="yes", **kw):
    settings = dict(epochs=3, batch_size=8, seed=2, val_split=0.25,
                    hparams={"dropout": 0.2, "optimizer": "adam", "learning_rate": 3e-3},
                    data_options={"stream": stream, "image_size": 16})
    settings.update(kw)
    return TrainConfig("lenet", root, out=str(path), **settings)


def weights(run_dir):
    return [np.array(w) for w in load_model(os.path.join(run_dir, "model.keras")).get_weights()]


def test_a_stopped_and_resumed_streamed_run_ends_with_the_same_weights(tmp_path, folder):
    assert isinstance(job.load_dataset(config(tmp_path / "x", folder)), StreamingImages)
    whole = job.run_training(config(tmp_path / "whole", folder))
    control = RunControl()

    def stop_after_first_epoch(event):
        if isinstance(event, events.EpochEnd) and event.epoch == 0:
            control.stop()

    first = job.run_training(config(tmp_path / "parts", folder), emit=stop_after_first_epoch, control=control)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / "parts"))  # reloads the folder: streamed again
    assert isinstance(resumed.dataset, StreamingImages)
    assert resumed.history["epoch"] == [1, 2, 3]
    for a, b in zip(weights(tmp_path / "whole"), weights(tmp_path / "parts")):
        np.testing.assert_array_equal(a, b)
    assert resumed.history["val_loss"] == whole.history["val_loss"]
    assert len(whole.history["val_accuracy"]) == 3  # validation streamed every epoch


def test_streamed_and_in_memory_runs_train_on_the_same_batches(tmp_path, folder):
    memory = data.load(folder, {"stream": "no", "image_size": 16}, seed=2, val_fraction=0.25)
    assert not isinstance(memory, StreamingImages)
    streamed_views = []
    streamed = job.run_training(config(tmp_path / "s", folder, epochs=2),
                                emit=lambda e: streamed_views.append(e) if hasattr(e, "value") else None)
    in_memory = job.run_training(config(tmp_path / "m", folder, stream="no", epochs=2))
    # Pixel values agree to ~2e-7, not bit for bit, so the weights agree to rounding only;
    # another order or another split moves them by far more than this tolerance.
    for a, b in zip(weights(tmp_path / "s"), weights(tmp_path / "m")):
        np.testing.assert_allclose(a, b, atol=2e-4)
    np.testing.assert_allclose(streamed.history["val_loss"], in_memory.history["val_loss"], rtol=1e-4)
    # the end-of-run confusion matrix is computed by streaming the validation files
    matrices = [v.value.values for v in streamed_views if v.name == "confusion_matrix"]
    assert len(matrices) == 1 and matrices[0].sum() == len(memory.y_val)

