"""The resume checkpoint's share of the training thread is one read per variable; the
NumPy copy and the file are the writer thread's. What that must never cost: the
checkpoint on disk is the weights of the epoch it names, and a write that dies part-way
leaves the previous resume point whole."""

from __future__ import annotations

import os

import keras
import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.runs.rundir import RunDir
from workbench.training import checkpoints
from workbench.training.checkpoints import CheckpointWriter, read_snapshot, resume_point, snapshot


def _trained_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dropout(0.5),
                              keras.layers.Dense(2)])
    model.compile(keras.optimizers.Adam(0.1), "mse")
    return model


def _step(model, seed: int) -> None:
    rng = np.random.default_rng(seed)
    model.fit(rng.random((8, 3)), rng.random((8, 2)), batch_size=8, epochs=1, verbose=0)


def _values(model) -> tuple[list, list]:
    return ([np.array(v.numpy()) for v in checkpoints.network_variables(model)],
            [np.array(v.numpy()) for v in model.optimizer.variables])


def _assert_same(snap, expected) -> None:
    weights, slots = expected
    assert len(snap.networks[checkpoints.MAIN]) == len(weights) and len(snap.optimizers[checkpoints.MAIN]) == len(slots)
    for got, want in zip(snap.networks[checkpoints.MAIN] + snap.optimizers[checkpoints.MAIN], weights + slots):
        np.testing.assert_array_equal(got, want)


def test_a_deferred_snapshot_written_later_holds_the_weights_when_it_was_taken(tmp_path):
    model = _trained_model()
    _step(model, 0)
    at_epoch_1 = _values(model)
    snap = snapshot(model, deferred=True)
    assert not isinstance(snap.networks[checkpoints.MAIN][0], np.ndarray)  # no NumPy copy on this thread
    _step(model, 1)  # the optimizer updates every variable in place after the snapshot
    later = _values(model)
    assert not np.array_equal(later[0][0], at_epoch_1[0][0]) and not np.array_equal(later[1][0], at_epoch_1[1][0])

    run = RunDir(str(tmp_path / "run")).create()
    writer = CheckpointWriter(run)
    writer.submit(1, snap, {"epoch": [1], "loss": [0.5]})
    writer.close()  # joined: the file is on disk
    _assert_same(read_snapshot(run.checkpoint_path(1)), at_epoch_1)
    point = resume_point(run)
    assert point.epochs_done == 1 and point.history == {"epoch": [1], "loss": [0.5]}
    _assert_same(point.snapshot, at_epoch_1)


def test_a_write_that_dies_part_way_leaves_the_previous_resume_point_whole(tmp_path, monkeypatch):
    model = _trained_model()
    _step(model, 0)
    at_epoch_1 = _values(model)
    run = RunDir(str(tmp_path / "run")).create()
    writer = CheckpointWriter(run)
    writer.submit(1, snapshot(model, deferred=True), {"epoch": [1]})
    writer.close()

    _step(model, 1)
    real_savez = np.savez

    def dies_half_way(handle, **arrays):
        real_savez(handle, **arrays)
        handle.truncate(handle.tell() // 2)  # half a file on disk, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoints.np, "savez", dies_half_way)
    writer = CheckpointWriter(run)
    writer.submit(2, snapshot(model, deferred=True), {"epoch": [1, 2]})
    with pytest.raises(WorkbenchError, match="could not write the resume checkpoint"):
        writer.close()

    assert not os.path.exists(run.checkpoint_path(2))
    left = {os.path.basename(run.checkpoint_path(1)), os.path.basename(run.state)}
    assert set(os.listdir(run.checkpoint_dir)) == left  # no temporary left behind
    point = resume_point(run)
    assert point.epochs_done == 1 and not point.notes
    _assert_same(point.snapshot, at_epoch_1)


def test_a_newer_snapshot_supersedes_one_not_yet_written(tmp_path, monkeypatch):
    """The writer never falls behind the training loop: a queued epoch that a newer one
    overtakes is not written at all, and the newest is what state.json names."""
    import threading

    model = _trained_model()
    run = RunDir(str(tmp_path / "run")).create()
    gate, written = threading.Event(), []
    real_write = checkpoints.write_snapshot

    def slow_write(path, snap):
        gate.wait(10)
        written.append(os.path.basename(path))
        real_write(path, snap)

    monkeypatch.setattr(checkpoints, "write_snapshot", slow_write)
    writer = CheckpointWriter(run)
    for epoch in (1, 2, 3):
        _step(model, epoch)
        writer.submit(epoch, snapshot(model, deferred=True), {"epoch": list(range(1, epoch + 1))})
    expected = _values(model)
    gate.set()
    writer.close()
    assert written[-1] == "epoch-00003.npz" and "epoch-00002.npz" not in written
    point = resume_point(run)
    assert point.epochs_done == 3
    _assert_same(point.snapshot, expected)
