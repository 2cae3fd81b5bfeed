"""Pseudo-labels above the threshold only, the labelled subset, multi-task targets and
weighted losses, and a multi-task run's per-task curves."""

import numpy as np
import pytest

from workbench.data.base import DataInfo
from workbench.errors import WorkbenchError

TINY = DataInfo("tiny", "image", "classification", (8, 8, 1), tuple(str(d) for d in range(10)))


def test_pseudo_labels_only_above_the_threshold():
    from workbench.models.paradigms.pseudo_label import pseudo_targets

    probs = np.array([[0.97, 0.03], [0.6, 0.4], [0.2, 0.8], [0.04, 0.96]], np.float32)
    labels, confident = pseudo_targets(probs, 0.95)
    assert np.asarray(labels).tolist() == [0, 0, 1, 1]
    assert np.asarray(confident).tolist() == [1.0, 0.0, 0.0, 1.0]
    assert np.asarray(pseudo_targets(probs, 0.5)[1]).tolist() == [1.0, 1.0, 1.0, 1.0]


def test_labelled_subset_is_stratified_with_one_per_class_at_least():
    from workbench.models.paradigms.pseudo_label import labelled_subset

    y = np.array([0] * 100 + [1] * 40 + [2] * 3)
    keep = labelled_subset(y, 0.05, seed=0)
    assert np.bincount(y[keep]).tolist() == [5, 2, 1]
    np.testing.assert_array_equal(keep, labelled_subset(y, 0.05, seed=0))  # a function of the seed
    assert not np.array_equal(keep, labelled_subset(y, 0.05, seed=1))


def _pseudo_model(threshold, alpha=1.0):
    import keras

    from workbench.models.paradigms.pseudo_label import build_pseudo_label

    model = build_pseudo_label({"width": 2, "threshold": threshold, "alpha": alpha, "pseudo_labels": True,
                                "labelled_batch": 4, "seed": 0}, TINY)
    rng = np.random.default_rng(0)
    model.set_labelled(rng.uniform(size=(6, 8, 8, 1)), np.arange(6))
    model.compile(optimizer=keras.optimizers.SGD(0.0))  # no step: the loss is what the weights give now
    return model, rng.uniform(size=(8, 8, 8, 1)).astype(np.float32)


def test_unconfident_samples_add_nothing_to_the_loss():
    model, unlabelled = _pseudo_model(threshold=1.01)  # nothing reaches it
    logs = model.train_step((unlabelled, np.zeros(8)))
    assert float(logs["pseudo_fraction"]) == 0.0
    assert float(logs["loss"]) == pytest.approx(float(logs["labelled_loss"]))


def test_confident_samples_add_alpha_times_their_cross_entropy():
    model, unlabelled = _pseudo_model(threshold=0.0, alpha=2.0)  # every guess is a pseudo-label
    p = np.asarray(model.classifier(unlabelled, training=True))
    by_hand = -np.log(p.max(axis=1)).mean()  # the cross-entropy against its own argmax
    logs = model.train_step((unlabelled, np.zeros(8)))
    assert float(logs["pseudo_fraction"]) == 1.0
    assert float(logs["loss"]) - float(logs["labelled_loss"]) == pytest.approx(2.0 * by_hand, rel=1e-4)


def test_multitask_targets_from_the_class():
    from workbench.models.paradigms.multitask import task_targets

    digits = np.arange(10)
    assert np.asarray(task_targets("parity", digits, 10)).tolist() == [0, 1] * 5
    assert np.asarray(task_targets("upper_half", digits, 10)).tolist() == [0] * 5 + [1] * 5
    assert np.asarray(task_targets("upper_half", np.arange(3), 3)).tolist() == [0, 0, 1]


def test_multitask_loss_is_the_weighted_sum_of_the_heads():
    from workbench.models.paradigms.multitask import build_multitask

    model = build_multitask({"width": 2, "feature_dim": 4, "tasks": "class,parity,upper_half",
                             "loss_weights": "1,0.3,2"}, TINY)
    x = np.random.default_rng(1).uniform(size=(5, 8, 8, 1)).astype(np.float32)
    y = np.array([0, 3, 5, 8, 9])
    class_p, parity_p, upper_p = (np.asarray(o, np.float64) for o in model.network(x))
    rows = np.arange(5)
    ce = [-np.log(class_p[rows, y]).mean(), -np.log(parity_p[rows, y % 2]).mean(),
          -np.log(upper_p[rows, (y >= 5).astype(int)]).mean()]
    total, per_task = model.losses_of(x, y, training=False)
    assert float(total) == pytest.approx(1 * ce[0] + 0.3 * ce[1] + 2 * ce[2], rel=1e-5)
    assert float(per_task["parity"][0]) == pytest.approx(ce[1], rel=1e-5)
    np.testing.assert_allclose(np.asarray(model(x)), class_p, rtol=1e-6)  # the saved model answers the class


def test_multitask_rejects_bad_task_lists():
    from workbench.models.paradigms.multitask import parse_tasks

    with pytest.raises(WorkbenchError, match="class among them"):
        parse_tasks({"tasks": "parity,upper_half", "loss_weights": "1,1"})
    with pytest.raises(WorkbenchError, match="one weight"):
        parse_tasks({"tasks": "class,parity", "loss_weights": "1"})


def test_multitask_run_logs_each_head_and_draws_them(tmp_path):
    from workbench.training import TrainConfig, job
    from workbench.views.types import Curves, View

    collected = []
    config = TrainConfig("multitask", "digits", epochs=1, batch_size=16, steps_per_epoch=2, val_split=0.1,
                         eager=True, hparams={"width": 2, "feature_dim": 4}, out=str(tmp_path / "run"))
    result = job.run_training(config, emit=collected.append)
    for task in ("class", "parity", "upper_half"):
        assert {f"{task}_loss", f"{task}_accuracy", f"val_{task}_accuracy"} <= set(result.history)
    view = [e for e in collected if isinstance(e, View) and e.name == "task_accuracy"][-1].value
    assert isinstance(view, Curves) and set(view.series) == {"class", "parity", "upper_half"}


def test_pseudo_label_run_keeps_few_labels(tmp_path):
    from workbench.training import TrainConfig, events, job

    collected = []
    config = TrainConfig("pseudo_label", "digits", epochs=1, batch_size=16, steps_per_epoch=2, val_split=0.2,
                         eager=True, hparams={"width": 2, "labelled_fraction": 0.05}, out=str(tmp_path / "run"))
    result = job.run_training(config, emit=collected.append)
    status = next(e.text for e in collected if isinstance(e, events.Status) and "labelled" in e.text)
    labelled = int(status.split()[0])
    assert 60 <= labelled <= 80  # 5 % of the 1437 training digits, class by class
    assert {"pseudo_fraction", "pseudo_accuracy", "val_accuracy"} <= set(result.history)
