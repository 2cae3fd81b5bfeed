"""Evaluating a run on a class folder streamed from disk gives the in-memory figures.

The validation files are decoded batch by batch (``evaluation.streamed``), never as one
array; the confusion matrix, per-class scores, top-k and the worst samples (by file
path) equal those of the same folder loaded into memory.
"""

import os

import cv2
import numpy as np
import pytest

from workbench.commands.evaluate import _mistakes
from workbench.evaluation import classification
from workbench.evaluation.classification import evaluate_run
from workbench.evaluation.streamed import StreamedSplit
from workbench.training import TrainConfig, job


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Four classes of 12 images (JPEG and PNG, several sizes) and a LeNet trained on them a little."""
    root = tmp_path_factory.mktemp("eval")
    rng = np.random.default_rng(1)
    for label, colour in enumerate([(220, 40, 40), (40, 200, 40), (40, 40, 210), (200, 200, 40)]):
        os.makedirs(root / "folder" / f"c{label}")
        for i in range(12):
            h, w = (30, 26) if i % 2 else (16, 20)
            image = np.clip(np.array(colour) + rng.normal(0, 70, (h, w, 3)), 0, 255).astype(np.uint8)
            cv2.imwrite(str(root / "folder" / f"c{label}" / f"{i:02d}.{'jpg' if i % 3 else 'png'}"), image)
    folder = str(root / "folder")
    job.run_training(TrainConfig("lenet", folder, out=str(root / "run"), epochs=1, steps_per_epoch=3, batch_size=8,
                                 seed=2, val_split=0.5, eager=True, hparams={"learning_rate": 3e-3},
                                 data_options={"stream": "no", "image_size": 16}))
    return folder, str(root / "run")


def test_streamed_evaluation_equals_the_in_memory_one(trained, monkeypatch):
    _, run = trained
    memory, memory_data = evaluate_run(run, options={"stream": "no"})
    monkeypatch.setattr(classification, "BATCH", 5)  # several batches, the last one short
    seen = []
    streamed, streamed_data = evaluate_run(run, options={"stream": "yes"}, progress=lambda d, t: seen.append(d))
    assert isinstance(streamed_data, StreamedSplit) and not hasattr(streamed_data.dataset, "x_val")
    assert seen == [5, 10, 15, 20, 24]  # batch by batch: at most 5 images decoded at once
    assert len(streamed.y_true) == 24
    np.testing.assert_array_equal(streamed.confusion, memory.confusion)
    assert streamed.confusion.sum() == 24 and streamed.per_class == memory.per_class
    assert streamed.top_k == memory.top_k and streamed.ids == memory.ids
    np.testing.assert_allclose(streamed.probs, memory.probs, atol=1e-5)
    # the worst samples, by file path, and their pictures decoded on demand
    worst_s, worst_m = _mistakes(streamed, streamed_data, 3), _mistakes(memory, memory_data, 3)
    assert [m["path"] for m in worst_s] == [m["path"] for m in worst_m]
    assert all(os.path.isfile(m["path"]) for m in worst_s)
    picked = memory.least_confident()[:3]
    np.testing.assert_allclose(streamed_data.x_val[picked], memory_data.x_val[picked], atol=1e-6)
    assert np.ndim(streamed_data.x_val) == 4 and streamed_data.x_val[0].shape == (16, 16, 3)


def test_every_sample_of_a_streamed_folder(trained):
    folder, run = trained
    memory, _ = evaluate_run(run, folder, {"stream": "no", "image_size": 16}, split="all")
    streamed, _ = evaluate_run(run, folder, {"stream": "yes", "image_size": 16}, split="all")
    assert len(streamed.y_true) == 48 and streamed.ids == memory.ids
    np.testing.assert_array_equal(streamed.confusion, memory.confusion)


def test_a_file_that_does_not_decode_is_left_out_and_named(tmp_path, trained):
    import shutil

    folder, run = trained
    copy = tmp_path / "folder"
    shutil.copytree(folder, copy)
    broken = copy / "c1" / "01.jpg"
    raw = broken.read_bytes()
    broken.write_bytes(raw[:raw.index(b"\xff\xda") + 12])  # the header reads, the pixels do not
    streamed, data = evaluate_run(run, str(copy), {"stream": "yes"}, split="all")
    assert len(streamed.y_true) == 47 and "c1/01.jpg" not in streamed.ids
    memory, _ = evaluate_run(run, folder, {"stream": "no"}, split="all")  # the intact folder
    rows = [memory.ids.index(sample) for sample in streamed.ids]
    np.testing.assert_array_equal(streamed.y_true, memory.y_true[rows])  # each score stays with its file
    np.testing.assert_allclose(streamed.probs, memory.probs[rows], atol=1e-5)
    assert any("did not decode" in line and "01.jpg" in line for line in data.skipped)
