"""Ensembles of trained classifier runs: the mean of their predicted probabilities.

N networks trained apart (other seeds, other architectures) make partly independent
mistakes, so the average of their class probabilities is usually more accurate than any
one of them, and most of the gain comes from the first few members. ``evaluate_ensemble``
measures exactly that on the runs' validation split: the accuracy of the ensemble of the
first k runs for k = 1..N against the mean accuracy of those k runs alone.

The members must have been validated on the same samples. Runs of one seed (other
models, other hyperparameters) share their split; runs of several seeds share it when
they were trained with ``--data-option split_seed=S``, which fixes the data's own seed
apart from the run's (``train_members`` does so). Otherwise only the samples in every
member's validation split are used, and none in common is refused with a sentence: a
sample another member trained on would flatter the ensemble.

``build_ensemble_model`` writes the ensemble as ONE Keras model, the members as nested
models under ``keras.layers.Average``: no Lambda layer, so it loads with Keras' safe mode,
and it serves anywhere a classifier run's ``model.keras`` does (a distillation teacher:
``--set teacher=ENSEMBLE.keras``; ``ensemble_logits`` gives that teacher exact logits).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError

#: Name of the accuracy-against-N view.
VIEW_NAME = "ensemble_accuracy"


@dataclass
class EnsembleResult:
    runs: list[str]
    labels: list[str]
    samples: int  # validation samples every member was scored on
    member_accuracy: list[float]  # each run alone, in the order given
    ensemble_accuracy: list[float]  # k = 1..N: the first k runs averaged
    mean_single_accuracy: list[float]  # k = 1..N: the mean of the first k runs' own accuracies
    notes: list[str] = field(default_factory=list)
    probs: np.ndarray | None = None  # (N, samples, C): each member's probabilities
    y_true: np.ndarray | None = None

    def rows(self) -> list[dict]:
        return [{"k": k + 1, "run": self.runs[k], "member_accuracy": self.member_accuracy[k],
                 "ensemble_accuracy": self.ensemble_accuracy[k],
                 "mean_single_accuracy": self.mean_single_accuracy[k]} for k in range(len(self.runs))]

    def as_dict(self) -> dict:
        return {"runs": list(self.runs), "labels": list(self.labels), "samples": self.samples,
                "rows": self.rows(), "gain": self.ensemble_accuracy[-1] - self.mean_single_accuracy[-1],
                "notes": list(self.notes)}

    def curves(self):
        """Accuracy against ensemble size, as a ``Curves`` view value."""
        from workbench.views.types import Curves

        k = np.arange(1, len(self.runs) + 1)
        return Curves({"ensemble of the first k runs": (k, self.ensemble_accuracy),
                       "mean of those k runs alone": (k, self.mean_single_accuracy)},
                      x_label="ensemble size k", y_label="validation accuracy")

    def view(self):
        from workbench.views.types import View

        return View(VIEW_NAME, self.curves(), title=f"accuracy against ensemble size ({self.samples} "
                                                    "validation samples)")


def ensemble_accuracy_curve(probs: np.ndarray, y_true: np.ndarray) -> tuple[list, list, list]:
    """From each member's probabilities ``probs`` (N, S, C) and the labels (S,):
    ``(member accuracy, ensemble accuracy of the first k, mean single accuracy of the first k)``."""
    probs = np.asarray(probs, np.float64)
    y_true = np.asarray(y_true).reshape(-1)
    singles = [float(np.mean(np.argmax(p, axis=1) == y_true)) for p in probs]
    running = np.cumsum(probs, axis=0)  # the sum of the first k members; argmax ignores the 1/k
    ensemble = [float(np.mean(np.argmax(running[k], axis=1) == y_true)) for k in range(len(probs))]
    mean_single = [float(np.mean(singles[:k + 1])) for k in range(len(probs))]
    return singles, ensemble, mean_single


# -- checking the members -----------------------------------------------------------------------

def check_members(runs: list[str]) -> list[dict]:
    """Each run's ``info.json`` (classes, input shape), refusing runs that cannot be averaged:
    not classifiers, or other classes or inputs than the first. No TensorFlow needed."""
    from workbench.runs.rundir import RunDir

    if len(runs) < 2:
        raise WorkbenchError(f"an ensemble needs at least 2 runs; {len(runs)} given")
    if len({os.path.abspath(r) for r in runs}) != len(runs):
        raise WorkbenchError("a run is named twice; an ensemble's members must be different runs")
    infos = []
    for path in runs:
        run = RunDir(path)
        run.read_config()  # a sentence when it is not a run directory
        if not os.path.isfile(run.model):
            raise WorkbenchError(f"{run.path} has no model.keras (has the run finished an epoch?)")
        info = run.read_info()
        if info.get("task") and info["task"] != "classification":
            raise WorkbenchError(f"{run.path} is a {info['task']} run; an ensemble averages classifiers' "
                                 "probabilities")
        infos.append(info)
    first = infos[0]
    for path, info in zip(runs[1:], infos[1:]):
        if list(info.get("class_names") or []) != list(first.get("class_names") or []):
            raise WorkbenchError(f"{path} predicts the classes {_few(info.get('class_names'))} but {runs[0]} "
                                 f"predicts {_few(first.get('class_names'))}: an ensemble's members must "
                                 "share their classes, in the same order")
        if list(info.get("input_shape") or []) != list(first.get("input_shape") or []):
            raise WorkbenchError(f"{path} takes inputs of shape {tuple(info.get('input_shape') or ())} but "
                                 f"{runs[0]} takes {tuple(first.get('input_shape') or ())}: an ensemble's "
                                 "members must take the same inputs")
    return infos


def _few(names) -> str:
    names = [str(n) for n in (names or [])]
    return "(" + ", ".join(names[:5]) + (", ..." if len(names) > 5 else "") + f"; {len(names)} in all)"


# -- evaluating ---------------------------------------------------------------------------------

def evaluate_ensemble(runs: list[str], data: str | None = None, options: dict | None = None,
                      progress=None) -> EnsembleResult:
    """Score every member on the validation split (its own, or ``data``'s) and the ensembles of
    the first k members on the samples they all share; ``progress(line)`` for each member."""
    from workbench.evaluation.classification import evaluate_run

    check_members(runs)
    evaluations = []
    for number, path in enumerate(runs, start=1):
        if progress:
            progress(f"member {number}/{len(runs)}: {path}")
        evaluation, _dataset = evaluate_run(path, data, options)
        evaluations.append(evaluation)
    labels = evaluations[0].labels
    for path, evaluation in zip(runs, evaluations):
        if evaluation.labels != labels:
            raise WorkbenchError(f"{path} predicts other classes than {runs[0]}; an ensemble's members "
                                 "must share their classes")
    common, notes = _common_samples(runs, evaluations)
    probs = np.stack([e.probs[index] for e, index in zip(evaluations, common)])
    y_true = evaluations[0].y_true[common[0]]
    for path, evaluation, index in zip(runs, evaluations, common):
        if not np.array_equal(evaluation.y_true[index], y_true):
            raise WorkbenchError(f"{path} labels its validation samples otherwise than {runs[0]}; the "
                                 "members must be trained on the same data")
    singles, ensemble, mean_single = ensemble_accuracy_curve(probs, y_true)
    return EnsembleResult([os.path.abspath(r) for r in runs], list(labels), len(y_true), singles,
                          ensemble, mean_single, notes, probs, y_true)


def _common_samples(runs, evaluations) -> tuple[list[np.ndarray], list[str]]:
    """For each member, the row indices of the samples in every member's validation split, in
    the first member's order (matched by sample id)."""
    first_ids = list(evaluations[0].ids)
    if all(list(e.ids) == first_ids for e in evaluations):
        return [np.arange(len(first_ids))] * len(evaluations), []
    shared = set(first_ids)
    for evaluation in evaluations[1:]:
        shared &= set(evaluation.ids)
    if not shared:
        raise WorkbenchError(
            "the runs were validated on different samples, none of them in every run's validation "
            "split (runs of different seeds split the data differently); train the members with "
            "--data-option split_seed=0 so that they share one split")
    order = [i for i in first_ids if i in shared]
    indices = []
    for evaluation in evaluations:
        where = {sample: row for row, sample in enumerate(evaluation.ids)}
        indices.append(np.array([where[sample] for sample in order]))
    note = (f"the runs' validation splits differ: scored on the {len(order)} samples in every one of "
            f"them (the first run has {len(first_ids)}); train members with --data-option split_seed=0 "
            "to share one split")
    return indices, [note]


# -- one Keras model ----------------------------------------------------------------------------

def load_members(runs: list[str]) -> list:
    from workbench.inference import is_classifier
    from workbench.models.io import load_model
    from workbench.runs.rundir import RunDir

    members = []
    for path in runs:
        model = load_model(RunDir(path).model)
        if not is_classifier(model):
            raise WorkbenchError(f"the model of {path} is not a classifier (one input, one vector of "
                                 "class scores)")
        if not outputs_probabilities(model):
            raise WorkbenchError(f"the model of {path} does not end in a softmax or sigmoid, so its "
                                 "outputs are not probabilities and their average would not be the "
                                 "ensemble's")
        members.append(model)
    shapes = {(tuple(m.inputs[0].shape[1:]), tuple(m.outputs[0].shape[1:])) for m in members}
    if len(shapes) > 1:
        raise WorkbenchError(f"the members' inputs and outputs differ ({sorted(shapes)}); an ensemble's "
                             "members must take the same inputs and predict the same classes")
    return members


def outputs_probabilities(model) -> bool:
    """Does the model end in a softmax (or a single sigmoid unit)?"""
    import keras

    last = model.layers[-1]
    if isinstance(last, keras.layers.Softmax):
        return True
    activation = getattr(last, "activation", None)
    if activation is keras.activations.softmax:
        return True
    return activation is keras.activations.sigmoid and int(model.outputs[0].shape[-1]) == 1


def build_ensemble_model(members: list, name: str = "ensemble"):
    """One functional model: every member on the same input, ``Average`` of their outputs."""
    import keras

    inputs = keras.Input(shape=tuple(members[0].inputs[0].shape[1:]), name="image_or_row")
    outputs = []
    for index, member in enumerate(members):
        # nested models need unique names inside the ensemble; the weights are shared, not copied
        member.name = f"member_{index + 1}"
        outputs.append(member(inputs))
    return keras.Model(inputs, keras.layers.Average(name="mean_probability")(outputs), name=name)


def save_ensemble(runs: list[str], out: str, force: bool = False) -> str:
    """Write the ensemble of ``runs`` as one ``.keras`` file; returns its absolute path.

    The members' data metadata (class names, input shape, scaler) goes beside it as
    ``OUT.info.json`` so that predicting with it names the classes as the runs did."""
    from workbench.runs.atomic import atomic_path, write_json
    from workbench.runs.outputs import check_output_path

    if not str(out).lower().endswith(".keras"):
        raise WorkbenchError(f"{out}: the ensemble is saved as a Keras model file; give a name ending in .keras")
    infos = check_members(runs)
    path = check_output_path(out, "file", force=force)
    model = build_ensemble_model(load_members(runs))
    with atomic_path(path) as tmp:
        model.save(tmp)
    write_json(path[:-len(".keras")] + ".info.json", {**infos[0], "ensemble_of": [os.path.abspath(r) for r in runs]})
    return path


def ensemble_logits(model):
    """``x, training -> logits`` of a saved ensemble (``Average`` of softmax members), exact:
    log(mean_i softmax(z_i)) = logsumexp_i log_softmax(z_i) - log N, without the clipping of
    log(p) that would erase a confident teacher's small probabilities (distillation's
    "dark knowledge"). ``None`` when the model is not such an ensemble."""
    import keras
    from keras import ops

    from workbench.compression.distillation import logits_of

    last = model.layers[-1]
    if not isinstance(last, keras.layers.Average):
        return None
    members = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    if not members or not all(outputs_probabilities(m) and int(m.outputs[0].shape[-1]) > 1 for m in members):
        return None
    member_logits = [logits_of(m) for m in members]

    def logits(x, training=False):
        stacked = ops.stack([ops.log_softmax(f(x, training=training), axis=-1) for f in member_logits])
        return ops.logsumexp(stacked, axis=0) - np.log(len(member_logits)).astype("float32")
    return logits


# -- training the members -----------------------------------------------------------------------

def train_members(model: str, data: str, members: int, epochs: int, out: str, hparams: dict | None = None,
                  batch_size: int = 32, data_options: dict | None = None, split_seed: int = 0,
                  force: bool = False, progress=None, steps_per_epoch: int = 0) -> list[str]:
    """Train ``members`` runs of ``model`` with seeds 0..N-1 into ``OUT/seed-K``, all on one data
    split (``split_seed``), so they differ only in their initial weights and data order."""
    from workbench import catalog
    from workbench.runs.outputs import check_output_path
    from workbench.training import TrainConfig, job

    if catalog.get(model).task != "classification":
        raise WorkbenchError(f"{model} is a {catalog.get(model).task} entry; an ensemble averages "
                             "classifiers' probabilities")
    if not 2 <= members <= 100:
        raise WorkbenchError(f"--members {members} must be between 2 and 100")
    root = check_output_path(out, "directory", force=force, inside_ok=True)
    options = {**(data_options or {}), "split_seed": split_seed}
    paths = []
    for seed in range(members):
        path = os.path.join(root, f"seed-{seed}")
        if progress:
            progress(f"training member {seed + 1}/{members} (seed {seed}) into {path}")
        config = TrainConfig(model, data, epochs=epochs, batch_size=batch_size, seed=seed,
                             hparams=dict(hparams or {}), data_options=options, out=path,
                             steps_per_epoch=steps_per_epoch)
        job.run_training(config, force=force)
        paths.append(path)
    return paths
