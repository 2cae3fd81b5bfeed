"""Few-shot classification by nearest prototype (Snell, Swersky, Zemel, 2017), with the
embedding learned episodically as a prototypical network or as a Siamese network.

An episode holds N classes (ways) with K labelled examples each (the support) and queries.
A class's prototype is the mean of its support embeddings, c_k = mean f(x_s), and a query
belongs to the class of the nearest prototype: p(y = k | x) = softmax_k(-||f(x) - c_k||^2).

* ``method=prototype`` trains f on exactly that: cross-entropy of the queries under this
  softmax, one episode per step, so training looks like the test (Vinyals et al.'s
  "train as you test").
* ``method=siamese`` trains f with the contrastive loss on every pair of the episode's
  images (``siamese.py``), then classifies the same way (for K = 1: nearest neighbour).

The validation episodes come from classes the training never saw (the ``few_shot``
source holds them out), so ``val_episode_accuracy`` measures generalisation to new
classes; chance is 1/N. Episodes are drawn from (seed, epoch, step), so a resumed run
replays the same ones; the validation episodes are the same every epoch.

A custom loop, not ``fit``: each step is a different small classification problem.
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np
from keras import ops

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.models.paradigms.encoders import build_encoder, embedding_view
from workbench.models.paradigms.siamese import batch_pair_loss
from workbench.training import events

#: The counter of the validation episodes' generator (training episodes use (epoch, step)).
VALIDATION_STREAM = 999_983


def prototypes(support_embeddings, support_labels, n_way: int):
    """``(n_way, D)``: the mean embedding of each way's support examples."""
    one_hot = ops.one_hot(ops.cast(support_labels, "int32"), n_way)  # (S, N)
    sums = ops.matmul(ops.transpose(one_hot), support_embeddings)
    return sums / ops.maximum(ops.sum(one_hot, axis=0)[:, None], 1.0)


def prototype_logits(query_embeddings, protos):
    """-||q - c_k||^2 for every query and prototype: the logits of the prototype softmax."""
    diff = query_embeddings[:, None, :] - protos[None, :, :]
    return -ops.sum(ops.square(diff), axis=-1)


def classify(query_embeddings, protos) -> np.ndarray:
    """The way of the nearest prototype for each query."""
    return np.asarray(ops.argmax(prototype_logits(query_embeddings, protos), axis=-1))


def build_embedding(hp: dict, info) -> keras.Model:
    """The embedding f: the shared encoder (unit length for the Siamese margin)."""
    return build_encoder(info, hp["width"], hp["embedding_dim"], name="embedding",
                         normalize=hp.get("method") == "siamese")


def episode_sampler(source, hp: dict):
    """The source with ``n_way`` / ``k_shot`` from ``--set`` where given, checked against its classes."""
    if not hasattr(source, "sample") or not hasattr(source, "train_classes"):
        raise WorkbenchError(f"few_shot trains on episodes (--data few_shot), not on {source.info.name!r}")
    n_way = hp["n_way"] or source.n_way
    k_shot = hp["k_shot"] or source.k_shot
    if n_way < 2:
        raise WorkbenchError(f"n_way={n_way}: an episode needs at least 2 classes to tell apart")
    for split, pool in (("training", source.train_classes), ("held-out", source.val_classes)):
        if n_way > len(pool):
            raise WorkbenchError(f"n_way={n_way} is more than the {len(pool)} {split} classes of "
                                 f"{source.info.name!r}; lower n_way or change the source's val_classes option")
    counts = np.bincount(source.y)
    needed = k_shot + source.queries
    short = [c for c in np.concatenate([source.train_classes, source.val_classes]) if counts[c] < needed]
    if short:
        raise WorkbenchError(f"k_shot={k_shot}: class {short[0]} has {counts[short[0]]} samples, fewer than "
                             f"k_shot + queries = {needed}")
    return dataclasses.replace(source, n_way=n_way, k_shot=k_shot)


class FewShotLearner:
    """The embedding, its optimizer and one update per episode."""

    def __init__(self, hp: dict, info, n_way: int):
        from workbench.training.job import make_optimizer

        self.hp, self.n_way = hp, n_way
        self.embedding = build_embedding(hp, info)
        self.optimizer = make_optimizer(hp)
        self.optimizer.build(self.embedding.trainable_variables)

    def episode_loss(self, episode, training: bool):
        """(loss, query accuracy) of one episode under the current embedding."""
        support = self.embedding(episode.support_x, training=training)
        query = self.embedding(episode.query_x, training=training)
        logits = prototype_logits(query, prototypes(support, episode.support_y, self.n_way))
        accuracy = ops.mean(ops.cast(ops.equal(ops.argmax(logits, axis=-1), episode.query_y), "float32"))
        if self.hp["method"] == "siamese":
            loss = batch_pair_loss(ops.concatenate([support, query]),
                                   np.concatenate([episode.support_y, episode.query_y]), self.hp["margin"])[0]
        else:
            loss = ops.mean(keras.losses.sparse_categorical_crossentropy(episode.query_y, logits, from_logits=True))
        return loss, accuracy

    def update(self, episode) -> dict:
        import tensorflow as tf

        variables = self.embedding.trainable_variables
        with tf.GradientTape() as tape:
            loss, accuracy = self.episode_loss(episode, training=True)
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        return {"loss": float(loss), "accuracy": float(accuracy)}

    def evaluate(self, sampler, seed: int, episodes: int) -> dict:
        """Mean loss and query accuracy over the fixed held-out-class episodes."""
        results = [self.episode_loss(sampler.sample(rng_for(seed, VALIDATION_STREAM, i), "val"), training=False)
                   for i in range(episodes)]
        return {"val_loss": float(np.mean([float(r[0]) for r in results])),
                "val_episode_accuracy": float(np.mean([float(r[1]) for r in results]))}


def train_few_shot(ctx):
    """``epochs`` x ``episodes_per_epoch`` training episodes (capped by ``steps_per_epoch``),
    then the held-out-class episodes; a resume point after every epoch."""
    hp, config = ctx.hp, ctx.config
    sampler = episode_sampler(ctx.dataset, hp)
    learner = FewShotLearner(hp, sampler.info, sampler.n_way)
    networks, optimizers = {"embedding": learner.embedding}, {"embedding": learner.optimizer}
    ctx.restore_networks(networks, optimizers)
    episodes = config.steps_per_epoch or hp["episodes_per_epoch"]
    ctx.emit(events.Status(f"{sampler.n_way}-way {sampler.k_shot}-shot; validation on the held-out classes "
                           f"{', '.join(sampler.base_info.class_names[c] for c in sampler.val_classes)}"
                           if hasattr(sampler, "base_info") else f"{sampler.n_way}-way {sampler.k_shot}-shot"))
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (own loop)", config.epochs,
                               ctx.initial_epoch, episodes, int(learner.embedding.count_params())))
    stopped = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        started, epoch_logs = time.perf_counter(), []
        for step in range(episodes):
            ctx.control.wait_while_paused()
            if ctx.control.stop_requested:
                break
            logs = learner.update(sampler.sample(rng_for(config.seed, epoch, step), "train"))
            epoch_logs.append(logs)
            ctx.emit(events.BatchEnd(epoch, step + 1, episodes, logs))
        if ctx.control.stop_requested:
            stopped = True
            break
        means = {key: float(np.mean([logs[key] for logs in epoch_logs])) for key in epoch_logs[0]}
        means.update(learner.evaluate(sampler, config.seed, hp["val_episodes"]))
        ctx.end_epoch(epoch, means, time.perf_counter() - started)
        ctx.emit(_episode_view(learner.embedding, sampler, config.seed, epoch + 1))
        ctx.save_point(epoch + 1, networks, optimizers)
    return ctx.finish(learner.embedding, stopped=stopped)


train_few_shot.resumable = True  # the embedding and its optimizer are in the resume point


def _episode_view(embedding, sampler, seed: int, step: int):
    """The first validation episode's support and queries in the embedding, coloured by class."""
    episode = sampler.sample(rng_for(seed, VALIDATION_STREAM, 0), "val")
    x = np.concatenate([episode.support_x, episode.query_x])
    y = np.concatenate([episode.support_y, episode.query_y])
    names = getattr(getattr(sampler, "base_info", None), "class_names", None)
    labels = [f"class {names[c]}" if names else f"way {w}" for w, c in enumerate(episode.classes)]
    return embedding_view(embedding, x, y, labels, step,
                          f"A held-out-class episode ({sampler.n_way}-way {sampler.k_shot}-shot) in the embedding "
                          "(PCA)", name="episode_embedding")
