"""Full-batch transductive training of a node classifier (GCN, ChebNet, R-GCN).

The whole graph is one batch: every step runs the model on all nodes (features and the
propagation matrices) and takes the cross-entropy over the *training* nodes only, as in
Kipf & Welling; validation nodes are scored from the same forward pass (dropout off).
One epoch is ``steps_per_epoch`` gradient steps (default 1, the paper's "epoch"). After
each epoch the graph is shown coloured by predicted class, with the wrong ones marked.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from workbench.errors import WorkbenchError
from workbench.training import events
from workbench.training.checkpoints import MAIN
from workbench.views.types import Graph, View


def check_graph(source, model_name: str) -> None:
    """A sentence, not a traceback, when the graph cannot train a node classifier."""
    from workbench.data.sources import GraphData

    if not isinstance(source, GraphData):
        raise WorkbenchError(f"{model_name} classifies the nodes of a graph (karate, communities or an "
                             f"edge-list CSV), but {source.info.name!r} is {source.info.kind} data")
    if len(getattr(source.info, "class_names", ())) < 2:
        raise WorkbenchError(f"{source.info.name!r} has no node labels (or only one class): give a node file "
                             "with a label column, --data-option nodes=FILE.csv")
    if not source.train_mask.any():
        raise WorkbenchError(f"{source.info.name!r} has no labelled training nodes")


def masked_loss_and_accuracy(probabilities, labels: np.ndarray, mask: np.ndarray):
    """Mean cross-entropy and accuracy over the nodes in ``mask`` (a tensor loss, a float accuracy)."""
    import keras

    index = np.flatnonzero(mask)
    chosen = keras.ops.take(probabilities, index, axis=0)
    truth = labels[index]
    loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(truth, chosen))
    accuracy = float(np.mean(np.argmax(keras.ops.convert_to_numpy(chosen), axis=1) == truth))
    return loss, accuracy


def prediction_view(source, predicted: np.ndarray, positions: np.ndarray, epoch: int, model_name: str) -> View:
    """Nodes coloured by predicted class; a wrongly predicted labelled node is ringed in red
    and has a cross after its name; training nodes' names end in *."""
    classes = list(source.class_names)
    labelled = source.labels >= 0
    wrong = labelled & (predicted != source.labels)
    node_names = [name + ("*" if source.train_mask[i] else "") + (" x" if wrong[i] else "")
                  for i, name in enumerate(source.node_names)]
    val = source.val_mask & labelled
    val_accuracy = float(np.mean(~wrong[val])) if val.any() else float("nan")
    graph = Graph(source.edges, source.num_nodes, predicted, classes, node_names, positions, marked=wrong)
    return View("predicted_classes", graph,
                title=f"{model_name}, epoch {epoch}: predicted class per node, {int(wrong.sum())} of "
                      f"{int(labelled.sum())} wrong (red ring, x), validation {val_accuracy:.0%}",
                step=epoch)


def train_nodes(ctx, model, inputs: list[np.ndarray], model_name: str,
                first_views: Callable[[], list] | None = None):
    """Train ``model`` (inputs: features then ``inputs``) full-batch on the training nodes."""
    import tensorflow as tf

    from workbench.training.job import apply_l2, make_optimizer
    from workbench.views.graph_layout import graph_layout

    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    apply_l2(model, hp.get("l2", 0.0))
    optimizer = make_optimizer(hp)
    optimizer.build(model.trainable_variables)
    ctx.restore_networks({MAIN: model}, {MAIN: optimizer})
    x = [source.features.astype(np.float32), *inputs]
    labels = source.labels
    steps = config.steps_per_epoch or 1
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (full-batch graph)", config.epochs,
                               ctx.initial_epoch, steps, int(model.count_params())))
    note = source.isolation_note() if hasattr(source, "isolation_note") else ""
    if note:
        ctx.emit(events.Status(note))
    if ctx.initial_epoch == 0 and first_views is not None:
        for view in first_views():
            ctx.emit(view)
    positions = graph_layout(source.edges, source.num_nodes, seed=0)
    has_val = bool((source.val_mask & (labels >= 0)).any())
    stopped = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        started = time.perf_counter()
        for step in range(steps):
            ctx.control.wait_while_paused()
            if ctx.control.stop_requested:
                break
            with tf.GradientTape() as tape:
                probabilities = model(x, training=True)
                loss, accuracy = masked_loss_and_accuracy(probabilities, labels, source.train_mask)
                total = loss + (tf.add_n(model.losses) if model.losses else 0.0)
            grads = tape.gradient(total, model.trainable_variables)
            optimizer.apply(grads, model.trainable_variables)
            logs = {"loss": float(loss), "accuracy": accuracy}
            ctx.emit(events.BatchEnd(epoch, step + 1, steps, logs))
        if ctx.control.stop_requested:
            stopped = True
            break
        probabilities = model(x, training=False)
        logs["loss"], logs["accuracy"] = (float(v) for v in masked_loss_and_accuracy(
            probabilities, labels, source.train_mask))
        if has_val:
            val_loss, val_accuracy = masked_loss_and_accuracy(probabilities, labels, source.val_mask & (labels >= 0))
            logs["val_loss"], logs["val_accuracy"] = float(val_loss), val_accuracy
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        predicted = np.argmax(np.asarray(probabilities), axis=1)
        ctx.emit(prediction_view(source, predicted, positions, epoch + 1, model_name))
        ctx.save_point(epoch + 1, {MAIN: model}, {MAIN: optimizer})
    return ctx.finish(model, stopped=stopped)


def build_for(ctx, builder: Callable, hp: dict):
    """Build on the run's device."""
    import tensorflow as tf

    from workbench.training import devices

    with tf.device(f"/{devices.resolve(ctx.config.device)}"):
        return builder(hp, ctx.dataset.info)


def train_gcn(ctx):
    from workbench.models.graphs.gcn import build_gcn, gcn_inputs

    check_graph(ctx.dataset, "GCN")
    model = build_for(ctx, build_gcn, ctx.hp)
    return train_nodes(ctx, model, gcn_inputs(ctx.dataset, ctx.hp), "GCN")


def train_chebnet(ctx):
    from workbench.models.graphs.chebnet import (
        build_chebnet,
        chebnet_inputs,
        receptive_field_view,
    )

    check_graph(ctx.dataset, "ChebNet")
    model = build_for(ctx, build_chebnet, ctx.hp)
    return train_nodes(ctx, model, chebnet_inputs(ctx.dataset, ctx.hp), f"ChebNet K={ctx.hp['k']}",
                       first_views=lambda: receptive_field_view(ctx.dataset, max(ctx.hp["k"], 2)))


def train_rgcn(ctx):
    from workbench.models.graphs.rgcn import build_rgcn, rgcn_hparams, rgcn_inputs

    check_graph(ctx.dataset, "R-GCN")
    model = build_for(ctx, build_rgcn, rgcn_hparams(ctx.dataset, ctx.hp))
    return train_nodes(ctx, model, rgcn_inputs(ctx.dataset, ctx.hp), "R-GCN")


for _trainer in (train_gcn, train_chebnet, train_rgcn):
    _trainer.resumable = True  # the model, its optimizer and the epoch are the whole state
