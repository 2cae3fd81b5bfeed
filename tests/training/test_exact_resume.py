"""Exact resume: a run stopped and resumed ends with the uninterrupted run's weights.

Two uninterrupted CPU runs of one seed give identical weights, so equality (not
closeness) is the test: fresh weights, a reshuffled data order, a lost dropout seed
state or a reset optimizer each move them.
"""

import json
import os

import numpy as np
import pytest

from workbench import data
from workbench.errors import WorkbenchError
from workbench.models.io import load_model
from workbench.runs.rundir import RunDir
from workbench.training import RunControl, TrainConfig, events, job
from workbench.training.checkpoints import read_snapshot, resume_point
from workbench.training.data_order import epoch_permutation, epoch_stream


@pytest.fixture(scope="module")
def digits():
    return data.load("digits")  # as the runs load it (seed 0): resume reloads it


def config(path, **kw):
    settings = dict(epochs=3, batch_size=64, steps_per_epoch=6, seed=0,
                    hparams={"dropout": 0.3, "optimizer": "adam", "learning_rate": 3e-3})
    settings.update(kw)
    return TrainConfig("lenet", "digits", out=str(path), **settings)


def weights(run_dir):
    return [np.array(w) for w in load_model(os.path.join(run_dir, "model.keras")).get_weights()]


def stop_after_first_epoch(control):
    def emit(event):
        if isinstance(event, events.EpochEnd) and event.epoch == 0:
            control.stop()
    return emit


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, digits):
    path = tmp_path_factory.mktemp("resume") / "whole"
    result = job.run_training(config(path), dataset=digits)
    return str(path), result


def test_stopped_and_resumed_run_ends_with_the_same_weights(tmp_path, digits, uninterrupted):
    whole_dir, whole = uninterrupted
    control = RunControl()
    first = job.run_training(config(tmp_path / "parts"), emit=stop_after_first_epoch(control),
                             control=control, dataset=digits)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / "parts"))
    assert resumed.history["epoch"] == [1, 2, 3]
    for a, b in zip(weights(whole_dir), weights(tmp_path / "parts")):
        np.testing.assert_array_equal(a, b)
    assert resumed.history["val_loss"] == whole.history["val_loss"]
    # the optimizer's state too: its iteration count and moments
    whole_snap = read_snapshot(resume_point(RunDir(whole_dir)).path)
    parts_snap = read_snapshot(resume_point(RunDir(str(tmp_path / "parts"))).path)
    for a, b in zip(whole_snap.optimizers["model"], parts_snap.optimizers["model"]):
        np.testing.assert_array_equal(a, b)


def test_the_data_order_is_a_function_of_seed_and_epoch(digits):
    x, y = np.arange(10, dtype=np.float32)[:, None], np.arange(10)
    stream = list(epoch_stream(x, y, 4, seed=5, first_epoch=1, epochs=3, steps=3))
    # epochs 1 and 2 only, each its own permutation, batches of 4, 4, 2
    assert [len(b[1]) for b in stream] == [4, 4, 2, 4, 4, 2]
    order = np.concatenate([b[1].numpy() for b in stream])
    np.testing.assert_array_equal(order[:10], epoch_permutation(5, 1, 10))
    np.testing.assert_array_equal(order[10:], epoch_permutation(5, 2, 10))
    assert sorted(order[:10]) == list(range(10))
    assert not np.array_equal(order[:10], order[10:])
    np.testing.assert_array_equal(epoch_permutation(5, 1, 10), epoch_permutation(5, 1, 10))


def test_a_damaged_newest_checkpoint_falls_back_to_the_previous(tmp_path, digits):
    path = tmp_path / "run"
    job.run_training(config(path, epochs=2), dataset=digits)
    state = json.loads((path / "checkpoint" / "state.json").read_text())
    assert state["epochs_done"] == 2 and state["previous"]["epochs_done"] == 1
    newest = path / "checkpoint" / state["checkpoint"]
    newest.write_bytes(newest.read_bytes()[:100])  # truncated
    point = resume_point(RunDir(str(path)))
    assert point.epochs_done == 1 and point.history["epoch"] == [1]
    assert any("damaged" in note for note in point.notes)
    assert any("previous checkpoint" in note for note in point.notes)


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage", b"PK\x03\x04broken"])
def test_damaged_checkpoints_with_no_fallback_give_a_sentence(tmp_path, digits, content):
    path = tmp_path / "run"
    job.run_training(config(path, epochs=1), dataset=digits)
    state = json.loads((path / "checkpoint" / "state.json").read_text())
    (path / "checkpoint" / state["checkpoint"]).write_bytes(content)
    with pytest.raises(WorkbenchError, match="damaged.*start the run again"):
        job.resume_training(str(path))


def test_a_damaged_state_file_resumes_from_the_checkpoint_files(tmp_path, digits, uninterrupted):
    whole_dir, _ = uninterrupted
    control = RunControl()
    job.run_training(config(tmp_path / "parts"), emit=stop_after_first_epoch(control),
                     control=control, dataset=digits)
    (tmp_path / "parts" / "checkpoint" / "state.json").write_text("[1, 2")
    notes = []
    job.resume_training(str(tmp_path / "parts"),
                        emit=lambda e: notes.append(e.text) if isinstance(e, events.Status) else None)
    assert any("state.json" in n and "damaged" in n for n in notes)
    for a, b in zip(weights(whole_dir), weights(tmp_path / "parts")):
        np.testing.assert_array_equal(a, b)


def test_an_existing_run_is_replaced_only_when_asked(tmp_path, digits):
    path = tmp_path / "run"
    job.run_training(config(path, epochs=1), dataset=digits)
    before = (path / "config.json").read_bytes()
    with pytest.raises(WorkbenchError, match="already holds a run.*--force"):
        job.run_training(config(path, epochs=1, seed=9), dataset=digits)
    assert (path / "config.json").read_bytes() == before
    job.run_training(config(path, epochs=1, seed=9), dataset=digits, force=True)
    assert json.loads((path / "config.json").read_text())["seed"] == 9
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(WorkbenchError, match="other files"):
        job.run_training(config(tmp_path / "other", epochs=1), dataset=digits)
    assert (tmp_path / "other" / "notes.txt").read_text() == "mine"


def test_a_diverging_loss_stops_the_run_with_where_it_happened(tmp_path):
    """SGD at learning rate 10 on y = 30x^2 + ...: finite for an epoch, then infinite."""
    cfg = TrainConfig("polynomial_regression", "polynomial", epochs=5, batch_size=16,
                      out=str(tmp_path / "run"), hparams={"optimizer": "sgd", "learning_rate": 10.0})
    with pytest.raises(job.Diverged, match=r"diverged at epoch 2, batch 5 \(loss=inf.*lower learning_rate"):
        job.run_training(cfg)
    assert not (tmp_path / "run" / "model.keras").exists()  # no diverged model saved as the result
    state = json.loads((tmp_path / "run" / "checkpoint" / "state.json").read_text())
    assert state["epochs_done"] == 1  # the last finite resume point stays
    snap = read_snapshot(str(tmp_path / "run" / "checkpoint" / state["checkpoint"]))
    assert all(np.isfinite(a).all() for a in snap.networks["model"])


def test_non_finite_epoch_logs_of_custom_loops_stop_the_run():
    with pytest.raises(job.Diverged, match="epoch 3 \\(loss=nan"):
        job.check_finite({"loss": float("nan"), "accuracy": 0.5}, epoch=2)
    job.check_finite({"loss": 1e30}, epoch=0)  # large but finite is not divergence
