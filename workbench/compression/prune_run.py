"""``keras-workbench prune``: a trained run pruned to a target sparsity and retrained, kept
as a new run directory with its accuracy-vs-sparsity curve."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError

#: Sparsities of the one-shot curve (pruned at once, no retraining), besides the target.
CURVE_LEVELS = (0.0, 0.25, 0.5, 0.7, 0.8, 0.9, 0.95)
VIEW_NAME = "accuracy_vs_sparsity"


@dataclass
class PruneResult:
    out: str
    target: float
    sparsity: float
    accuracy_before: float
    accuracy_one_shot: float
    accuracy_after: float
    epochs: int
    curve: dict = field(default_factory=dict)  # label -> (sparsities, accuracies)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "curve"} | {
            "curve": {label: {"sparsity": list(map(float, x)), "accuracy": list(map(float, y))}
                      for label, (x, y) in self.curve.items()}}


def load_run(run_dir: str):
    """``(config, info, model, dataset)`` of a trained classifier run, its data split as
    training split it."""
    from workbench import data as data_sources
    from workbench.inference import is_classifier
    from workbench.models.io import load_model
    from workbench.runs.atomic import read_json
    from workbench.runs.rundir import RunDir

    run = RunDir(run_dir)
    config = run.read_config()
    if not os.path.isfile(run.model):
        raise WorkbenchError(f"{run.path} has no model.keras (has the run finished an epoch?)")
    info = read_json(run.info) if os.path.isfile(run.info) else {}
    model = load_model(run.model)
    if not is_classifier(model):
        raise WorkbenchError(f"{run.path} is not a classifier run; prune retrains classifiers on their data")
    dataset = data_sources.load(config.get("data") or "", dict(config.get("data_options") or {}),
                                seed=int(config.get("seed", 0)),
                                val_fraction=float(config.get("val_split", 0.2)) or 0.2)
    if not hasattr(dataset, "x_train") or getattr(dataset.info, "task", "") != "classification":
        raise WorkbenchError(f"{config.get('data')} is not in-memory classification data; prune "
                             "retrains on arrays")
    return config, info, model, dataset


def accuracy(model, x, y) -> float:
    probs = np.asarray(model.predict(x, batch_size=256, verbose=0))
    return float(np.mean(probs.argmax(axis=1) == np.asarray(y).reshape(-1)))


def one_shot_curve(model, x, y, target: float) -> tuple[np.ndarray, np.ndarray]:
    """Validation accuracy after pruning the trained weights at once, level by level."""
    from workbench.compression.pruning import prune_to

    original = model.get_weights()
    levels = np.array(sorted({*CURVE_LEVELS, float(target)}))
    scores = []
    for level in levels:
        model.set_weights(original)
        prune_to(model, level)
        scores.append(accuracy(model, x, y))
    model.set_weights(original)
    return levels, np.array(scores)


def prune_run(run_dir: str, sparsity: float, epochs: int, out: str, force: bool = False,
              progress=lambda line: None) -> PruneResult:
    """Prune ``run_dir``'s model to ``sparsity`` while retraining ``epochs`` epochs on its
    data; write the pruned run at ``out`` (atomically: all of it or nothing)."""
    import keras

    from workbench.compression.pruning import (
        RAMP_FRACTION,
        MagnitudePruning,
        sparsity_of,
    )
    from workbench.quiet import import_tensorflow
    from workbench.runs.atomic import atomic_path
    from workbench.runs.outputs import check_output_path
    from workbench.training.callbacks import record_epoch
    from workbench.training.job import loss_and_metrics, make_optimizer

    if not 0.0 <= sparsity < 1.0:
        raise WorkbenchError(f"--sparsity {sparsity} must be at least 0 and below 1 (0.8 = 80% of the "
                             "weights set to zero)")
    if epochs < 1:
        raise WorkbenchError(f"--epochs {epochs} must be 1 or more: pruning retrains")
    out = check_output_path(out, "directory", force=force)
    import_tensorflow()
    config, info, model, data = load_run(run_dir)
    before = accuracy(model, data.x_val, data.y_val)
    progress(f"{os.path.basename(os.path.abspath(run_dir))}: validation accuracy {before:.4f}")
    levels, one_shot = one_shot_curve(model, data.x_val, data.y_val, sparsity)
    at_target = float(one_shot[list(levels).index(sparsity)])
    progress(f"pruned at once to {sparsity:.0%}: accuracy {at_target:.4f}; retraining {epochs} epoch(s)")

    keras.utils.set_random_seed(int(config.get("seed", 0)))
    hp = dict(config.get("hparams") or {})
    model.compile(optimizer=make_optimizer(hp), **loss_and_metrics("classification"))
    batch = int(config.get("batch_size", 32))
    steps = int(np.ceil(len(data.x_train) / batch))
    pruning = MagnitudePruning(sparsity, end_step=max(1, int(RAMP_FRACTION * steps * epochs)))
    fit = model.fit(data.x_train, data.y_train, batch_size=batch, epochs=epochs, shuffle=True, verbose=0,
                    validation_data=(data.x_val, data.y_val), callbacks=[pruning])
    history: dict = {}
    for epoch in range(epochs):
        record_epoch(history, epoch, {k: v[epoch] for k, v in fit.history.items()})
    after = accuracy(model, data.x_val, data.y_val)  # with the final masks of on_train_end
    reached = sparsity_of(model)
    history["sparsity"][-1] = reached
    history["val_accuracy"][-1] = after
    curve = {"pruned at once (no retraining)": (levels, one_shot),
             "while retraining (each epoch)": (np.array([0.0, *history["sparsity"]]),
                                               np.array([before, *history["val_accuracy"]]))}
    result = PruneResult(out, float(sparsity), reached, before, at_target, after, epochs, curve)
    with atomic_path(out) as tmp:
        _write_run(tmp, out, run_dir, config, info, model, history, result)
    progress(f"retrained: sparsity {reached:.4f}, validation accuracy {after:.4f}")
    _note_in_parent(run_dir, out, data, config, result)
    return result


def _note_in_parent(run_dir: str, out: str, data, config: dict, result: PruneResult) -> None:
    """The pruned model as a row of the parent run's before/after table (its exports list)."""
    from workbench.export.pipeline import record_export
    from workbench.export.samples import CHECK_SAMPLES, CheckSamples
    from workbench.export.verify import check_export, size_on_disk
    from workbench.models.io import load_model

    original = os.path.join(run_dir, "model.keras")
    samples = CheckSamples(np.asarray(data.x_val[:CHECK_SAMPLES], np.float32), data.y_val[:CHECK_SAMPLES],
                           f"{config.get('data')} validation split", True)
    report = check_export(load_model(original), "keras", os.path.join(out, "model.keras"), samples,
                          original_size=size_on_disk(original), original_path=original,
                          label=f"pruned {result.sparsity:.0%}")
    record_export(run_dir, report)


def _write_run(folder: str, out: str, parent: str, config: dict, info: dict, model, history: dict,
               result: PruneResult) -> None:
    from workbench.runs.atomic import write_json
    from workbench.runs.rundir import RunDir
    from workbench.views.store import save_view
    from workbench.views.types import Curves, View

    os.makedirs(folder, exist_ok=True)  # no checkpoint folder: a pruned run is complete
    run = RunDir(folder)
    write_json(run.config, {**config, "out": out, "epochs": result.epochs,
                            "pruned_from": os.path.abspath(parent),
                            "pruning": {"sparsity": result.target, "epochs": result.epochs,
                                        "method": "magnitude, polynomial schedule"}})
    write_json(run.info, {**info, "pruning": result.as_dict()})
    run.write_history(history)
    model.save(run.model)
    save_view(folder, View(VIEW_NAME, Curves(result.curve, x_label="sparsity (fraction of zero weights)",
                                             y_label="validation accuracy"),
                           title="Accuracy vs sparsity", step=result.epochs))
