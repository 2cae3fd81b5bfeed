"""N-way K-shot episodes from any class-labelled array source (Vinyals et al. 2016's protocol).

``--data few_shot --data-option base=digits n_way=5 k_shot=1``: the base source's classes
are split, seeded, into training classes and ``val_classes`` held-out ones; training
episodes draw from the first, validation episodes from the second, so a few-shot learner
is judged on classes it never trained on. Within an episode the labels are ``0..n_way-1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.data.base import DataInfo
from workbench.data.registry import DatasetSpec, register
from workbench.data.sources import TaskSampler, rng_for
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "few_shot", "episodes", "classification",
    "N-way K-shot episodes from a class-labelled source, validation on held-out classes "
    "(options: base=digits, n_way, k_shot, queries, val_classes).",
    "workbench.data.few_shot:load_few_shot",
    options=("base", "n_way", "k_shot", "queries", "val_classes"),
))


@dataclass
class FewShotSource(TaskSampler):
    """A ``TaskSampler`` that knows its base source, its class names and its seed."""

    base: str = ""
    base_info: DataInfo | None = None
    seed: int = 0

    def describe(self) -> dict:
        names = self.base_info.class_names
        return {
            "base": self.base, "n_way": self.n_way, "k_shot": self.k_shot, "queries": self.queries,
            "train_classes": [names[c] for c in self.train_classes],
            "val_classes": [names[c] for c in self.val_classes],
            "samples": int(len(self.y)),
        }

    def preview(self) -> list:
        """One seeded training episode's support set, captioned way -> original class."""
        from workbench.views.types import ImageGrid, Scatter, View

        episode = self.sample(rng_for(self.seed, 0, 0), "train")
        names = self.base_info.class_names
        captions = [f"way {int(w)} = {names[episode.classes[int(w)]]}" for w in episode.support_y]
        title = (f"one {self.n_way}-way {self.k_shot}-shot episode from {self.base}: "
                 "the support set")
        if self.base_info.kind == "image":
            return [View("support_set", ImageGrid(episode.support_x, captions, columns=self.k_shot
                                                  if self.k_shot > 1 else 0), title=title)]
        points = np.concatenate([episode.support_x, episode.query_x]).reshape(
            len(episode.support_x) + len(episode.query_x), -1)
        ways = np.concatenate([episode.support_y, episode.query_y])
        return [View("episode", Scatter(points, ways,
                                        [f"way {w} = {names[c]}" for w, c in enumerate(episode.classes)]),
                     title=f"one {self.n_way}-way {self.k_shot}-shot episode from {self.base}")]


def load_few_shot(options: dict, seed: int, val_fraction: float) -> FewShotSource:
    from workbench.data.registry import load

    base = str(options.get("base", "digits"))
    if base == "few_shot":
        raise WorkbenchError("few_shot needs a class-labelled array source as base, not itself")
    data = load(base, seed=seed, val_fraction=0.0)
    info = getattr(data, "info", None)
    if not hasattr(data, "x_train") or info.task != "classification":
        kind = "not array" if info is None else (
            info.kind if info.kind == info.task else f"{info.kind} {info.task}")
        raise WorkbenchError(f"few_shot draws episodes from class-labelled arrays, but {base!r} is "
                             f"{kind} data")
    x = np.concatenate([data.x_train, data.x_val])
    y = np.concatenate([data.y_train, data.y_val]).astype(np.int64)
    classes = np.unique(y)
    k_shot = _int(options, "k_shot", 1, 1)
    queries = _int(options, "queries", 5, 1)
    held_out = _int(options, "val_classes", max(1, int(round(len(classes) / 3))), 0)
    if held_out >= len(classes):
        raise WorkbenchError(f"val_classes={held_out} leaves no training classes: {base!r} has "
                             f"{len(classes)} classes")
    # by default 5-way, or fewer where a split has fewer classes (digits holds out 3 of 10)
    smallest = min(n for n in (len(classes) - held_out, held_out) if n > 0)
    n_way = _int(options, "n_way", max(2, min(5, smallest)), 2)
    order = np.random.default_rng([seed, 7]).permutation(classes)
    train_classes, val_classes = np.sort(order[held_out:]), np.sort(order[:held_out])
    for split, pool in (("training", train_classes), ("validation", val_classes)):
        if len(pool) and n_way > len(pool):
            raise WorkbenchError(
                f"n_way={n_way} is more than the {len(pool)} {split} classes of {base!r} "
                f"({len(classes)} classes, {held_out} held out for validation); lower n_way"
                + (" or val_classes" if split == "training" else " or raise val_classes"))
    counts = np.bincount(y, minlength=len(info.class_names))
    short = [c for c in classes if counts[c] < k_shot + queries]
    if short:
        raise WorkbenchError(
            f"class {info.class_names[short[0]]!r} of {base!r} has {counts[short[0]]} samples, fewer "
            f"than k_shot + queries = {k_shot + queries}")
    episode_info = DataInfo(f"few_shot({base})", "episodes", "classification", info.input_shape,
                            tuple(f"way {i}" for i in range(n_way)), info.feature_names)
    return FewShotSource(episode_info, x=x, y=y, train_classes=train_classes,
                         val_classes=val_classes, n_way=n_way, k_shot=k_shot, queries=queries,
                         base=base, base_info=info, seed=seed, skipped=list(data.skipped))


def _int(options: dict, key: str, default: int, low: int) -> int:
    raw = options.get(key, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise WorkbenchError(f"option {key}={raw!r} must be a whole number") from None
    if value < low:
        raise WorkbenchError(f"option {key}={value} must be at least {low}")
    return value
