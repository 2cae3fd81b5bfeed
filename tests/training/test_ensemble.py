"""Ensembles of classifier runs (probabilities averaged, accuracy against N, one saved model,
a distillation teacher) and training throughput per device."""

import json
import os
import shutil
from types import SimpleNamespace

import keras
import numpy as np
import pytest

from workbench import data as data_sources
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.models import ensemble


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """Three tiny MLP runs on digits (seeds 0, 1, 2, one shared split), trained and ensembled
    through the CLI (--train ... --save ... --json); returns (run paths, saved model, JSON)."""
    root = tmp_path_factory.mktemp("ensemble")
    saved = str(root / "ensemble.keras")
    out = root / "members"
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["ensemble", "--train", "mlp", "--data", "digits", "--members", "3", "--epochs", "1",
                     "--steps-per-epoch", "3", "--set", "hidden_units=8", "--set", "learning_rate=0.05",
                     "--out", str(out), "--save", saved, "--json"])
    assert code == 0
    report = json.loads(buffer.getvalue())
    runs = [str(out / f"seed-{k}") for k in range(3)]
    return runs, saved, report


def _members_predict(runs, x):
    from workbench.models.io import load_model

    return np.stack([np.asarray(load_model(run).predict(x, verbose=0), np.float64) for run in runs])


def _validation_x_y():
    data = data_sources.load("digits", {"split_seed": 0}, seed=0, val_fraction=0.2)
    return data.x_val, data.y_val


def test_accuracy_against_n_equals_a_hand_computation(members):
    runs, _saved, report = members
    x, y = _validation_x_y()
    probs = _members_predict(runs, x)
    singles = [np.mean(np.argmax(p, 1) == y) for p in probs]
    by_hand = [np.mean(np.argmax(probs[:k].mean(axis=0), 1) == y) for k in (1, 2, 3)]
    rows = report["rows"]
    assert report["samples"] == len(y) and report["notes"] == []  # seeds 0..2 share one split
    np.testing.assert_allclose([r["ensemble_accuracy"] for r in rows], by_hand, atol=1e-12)
    np.testing.assert_allclose([r["member_accuracy"] for r in rows], singles, atol=1e-12)
    np.testing.assert_allclose([r["mean_single_accuracy"] for r in rows],
                               [np.mean(singles[:k]) for k in (1, 2, 3)], atol=1e-12)
    # the members differ (other seeds): an ensemble of copies would gain nothing to measure
    assert len({round(s, 6) for s in singles}) > 1 or not np.allclose(probs[0], probs[1])
    curves = ensemble.EnsembleResult(runs, [], len(y), singles, by_hand,
                                     [np.mean(singles[:k]) for k in (1, 2, 3)]).curves()
    np.testing.assert_allclose(curves.series["ensemble of the first k runs"][1], by_hand)


def test_the_saved_model_is_the_mean_of_the_members(members):
    runs, saved, _report = members
    x, _ = _validation_x_y()
    batch = x[:40]
    expected = _members_predict(runs, batch).mean(axis=0)
    built = ensemble.build_ensemble_model(ensemble.load_members(runs))
    np.testing.assert_allclose(built.predict(batch, verbose=0), expected, atol=1e-6)
    loaded = keras.saving.load_model(saved, safe_mode=True)  # no Lambda layer: safe mode loads it
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in loaded.layers)
    np.testing.assert_allclose(loaded.predict(batch, verbose=0), expected, atol=1e-6)
    with open(saved[:-len(".keras")] + ".info.json") as file:
        info = json.load(file)
    assert info["class_names"] == [str(i) for i in range(10)] and len(info["ensemble_of"]) == 3


def test_mismatched_members_are_refused(members, tmp_path):
    runs, _saved, _report = members
    other = str(tmp_path / "other")
    shutil.copytree(runs[1], other)
    info_path = os.path.join(other, "info.json")
    with open(info_path) as file:
        info = json.load(file)
    info["class_names"] = [f"c{i}" for i in range(10)]
    _write_json(info_path, info)
    with pytest.raises(WorkbenchError, match="must share their classes"):
        ensemble.check_members([runs[0], other])
    info["class_names"], info["input_shape"] = [str(i) for i in range(10)], [64]
    _write_json(info_path, info)
    with pytest.raises(WorkbenchError, match="same inputs"):
        ensemble.check_members([runs[0], other])
    with pytest.raises(WorkbenchError, match="at least 2 runs"):
        ensemble.check_members(runs[:1])
    assert main(["ensemble", runs[0], other]) == 1  # a sentence, exit 1


def _write_json(path, data):
    with open(path, "w") as file:
        json.dump(data, file)


def test_members_validated_on_other_samples_are_scored_on_the_shared_ones():
    def evaluation(ids):
        return SimpleNamespace(ids=ids)

    index, notes = ensemble._common_samples(["a", "b"], [evaluation(["s1", "s2", "s3"]),
                                                         evaluation(["s3", "s9", "s1"])])
    assert [list(i) for i in index] == [[0, 2], [2, 0]] and "2 samples" in notes[0]
    with pytest.raises(WorkbenchError, match="split_seed"):
        ensemble._common_samples(["a", "b"], [evaluation(["s1"]), evaluation(["s2"])])


def test_the_saved_ensemble_teaches_a_distilled_student(members, tmp_path):
    from workbench.compression.distillation import logits_of
    from workbench.training import TrainConfig, job

    _runs, saved, _report = members
    teacher = keras.saving.load_model(saved, safe_mode=True)
    x, _ = _validation_x_y()
    # exact logits of the averaged probabilities: softmax(logits) is the ensemble's output
    logits = np.asarray(logits_of(teacher)(x[:16]), np.float64)
    softmax = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(softmax / softmax.sum(1, keepdims=True), teacher.predict(x[:16], verbose=0),
                               atol=1e-5)
    config = TrainConfig("distillation", "digits", epochs=1, batch_size=16, steps_per_epoch=2, eager=True,
                         hparams={"teacher": saved, "compare_alone": False, "student_units": "8"},
                         out=str(tmp_path / "student"))
    result = job.run_training(config)
    assert np.isfinite(result.history["distillation_loss"]).all()


def test_split_seed_gives_runs_of_other_seeds_one_split():
    def val_ids(seed, options):
        return list(data_sources.load("digits", options, seed=seed, val_fraction=0.2).ids_val)

    assert val_ids(0, {"split_seed": 3}) == val_ids(7, {"split_seed": "3"})
    assert val_ids(0, {}) != val_ids(7, {})
    with pytest.raises(WorkbenchError, match="whole number"):
        val_ids(0, {"split_seed": "x"})


def test_throughput_on_the_cpu(capsys):
    import tensorflow as tf

    from workbench.training.throughput import measure_throughput

    assert main(["throughput", "mlp", "--data", "digits", "--set", "hidden_units=8", "--steps", "4",
                 "--batch-size", "16", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    cpu = [row for row in result["rows"] if row["device"] == "CPU:0"]
    assert cpu and cpu[0]["samples_per_s"] > 0
    assert cpu[0]["samples_per_s"] == pytest.approx(4 * 16 / cpu[0]["seconds"])
    if not tf.config.list_physical_devices("GPU"):
        assert [row["device"] for row in result["rows"]] == ["CPU:0"]  # no made-up GPU figure
        assert not result["has_gpu"] and result["gpu_over_cpu"] is None
        assert len(result["notes"]) == 1 and "no GPU" in result["notes"][0]
    with pytest.raises(WorkbenchError, match="own loop"):
        measure_throughput("reinforce", "cartpole")
