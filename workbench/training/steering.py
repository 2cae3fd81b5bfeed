"""Steering a ``fit`` run while it trains: learning rate, frozen layers, early stopping.

Changes (``training.schedule``) come from two places: the run's ``config.schedule``
(given in advance with ``--schedule``, or recorded by an earlier run that is repeated or
resumed) and live requests (``RunControl.request``, from the Train tab). The ``Steering``
callback applies both at the batch boundary before batch B of epoch E (0-based), in
``on_train_batch_begin`` on the training loop's thread, and records each live change
with the boundary it met into ``config.json``. A run repeated from that file, or resumed
from a checkpoint, therefore meets the same changes at the same boundaries.

Two things make freezing work inside ``fit`` (Keras 3):
- the TF trainer calls ``model.train_function`` on every step, and that traced function
  read ``trainable_variables`` when it was traced, so a change of ``layer.trainable`` is
  followed by ``make_train_function(force=True)``;
- optimizers keep their slots by variable and create them once (``build``), so an
  optimizer built over the trainable subset could never update a layer unfrozen later.
  ``prepare`` builds it over every weight that can train before anything else touches it
  (fresh run and resume alike, so a resume point's optimizer variables fit); a frozen
  variable is simply not passed to ``apply`` and stays bit-identical.
"""

from __future__ import annotations

import fnmatch
import re

import keras
import numpy as np

from workbench.errors import WorkbenchError
from workbench.training import events
from workbench.training.schedule import check_schedule, describe, in_order


def trainable_capable(model) -> list:
    """The weights that train when their layer is unfrozen (``model.weights`` order): each
    layer's ``_trainable_variables``, whatever its ``trainable`` flag is now. A
    ``trainable=False`` variable (moving means) is not among them."""
    capable = {id(v) for layer in _layers(model, include_self=True) for v in getattr(layer, "_trainable_variables", [])}
    # and what trains now: a subclassed model's layers held in attributes (GoogLeNet's
    # auxiliary heads) are not among its ``layers``
    capable |= {id(v) for v in model.trainable_variables}
    return [v for v in model.weights if id(v) in capable]


def prepare(model, always: bool = False, resume=None) -> None:
    """Build the compiled optimizer over every weight that can train (see the module's
    docstring), when some layer is frozen from the start (or ``always``: before a
    freeze). Without frozen layers Keras builds it over that very list at the first step,
    so runs that are never steered keep the optimizer (and resume points) they had; a
    model with several optimizers (a GAN) or none is left alone. ``resume``: the resume
    point's snapshot; one written before this existed (slots for the trainable weights
    only) is resumed as it was made, and its frozen layers cannot be unfrozen."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or callable(getattr(model, "checkpoint_optimizers", None)) or optimizer.built:
        return
    capable = trainable_capable(model)
    if not always and len(capable) == len(model.trainable_variables):
        return
    saved = len(resume.optimizers.get("model", [])) if resume is not None else 0
    if saved and not always and saved == _count_if_built(optimizer, len(model.trainable_variables)):
        return  # an older resume point: restore builds over the trainable weights, as it was made
    optimizer.build(capable)


def _count_if_built(optimizer, weights: int) -> int | None:
    """How many variables ``optimizer`` would hold built over ``weights`` weights: a copy is
    built over one tiny weight to count its slots per weight; None when it cannot be copied."""
    try:
        probe = type(optimizer).from_config(optimizer.get_config())
        before = len(probe.variables)
        probe.build([keras.Variable(np.zeros(1, "float32"))])
    except Exception:  # noqa: BLE001 - an optimizer that cannot be copied: assume the new layout
        return None
    per_weight = len(probe.variables) - before
    return before + per_weight * weights


def _layers(model, include_self: bool = False) -> list:
    """Every layer inside ``model``, nested models' layers included, each once."""
    found, seen = [], set()

    def walk(layer):
        for child in getattr(layer, "layers", None) or getattr(layer, "_layers", []):
            if id(child) not in seen:
                seen.add(id(child))
                found.append(child)
                walk(child)

    walk(model)
    return [model, *found] if include_self else found


def match_layers(model, patterns: list[str]) -> list:
    """Layers named by ``patterns``: an exact name, a glob (``block3_*``) or a block prefix
    (``conv1`` is ``conv1`` and ``conv1_*``). A pattern matching no layer is a sentence."""
    layers = [layer for layer in _layers(model) if layer.weights]
    chosen: list = []
    for pattern in patterns:
        hits = [layer for layer in layers if _matches(layer.name, pattern)]
        if not hits:
            some = ", ".join(blocks(model)[:8])
            raise WorkbenchError(f"no layer with weights is named {pattern!r} (or starts with {pattern}_); "
                                 f"blocks of this model: {some or 'none'}")
        chosen += [layer for layer in hits if layer not in chosen]
    return chosen


def _matches(name: str, pattern: str) -> bool:
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(name, pattern)
    return name == pattern or name.startswith(pattern + "_")


_DIGIT = re.compile(r"\d")


def blocks(model) -> list[str]:
    """Block prefixes to freeze by, in model order: the shortest ``_``-prefix of a layer's
    name that holds a number and is shared with another layer (``conv1``, ``block3a``,
    ``conv2``, ``conv_dw_1``), else the layer's own name. Only layers with weights."""
    names = [layer.name for layer in _layers(model) if layer.weights]
    found: list[str] = []
    for name in names:
        parts = name.split("_")
        block = name
        for k in range(1, len(parts)):
            prefix = "_".join(parts[:k])
            if _DIGIT.search(prefix) and sum(_matches(other, prefix) for other in names) > 1:
                block = prefix
                break
        if block not in found:
            found.append(block)
    return found


class Steering(keras.callbacks.Callback):
    """Applies the run's schedule and live requests before each batch; records the live ones."""

    def __init__(self, ctx, early=None, steps: int = 0):
        super().__init__()
        self.ctx, self.early, self.steps = ctx, early, steps
        self.pending = in_order(check_schedule(list(ctx.config.schedule)))
        self.epoch = ctx.initial_epoch
        #: Live requests reach this process only; multi-worker workers each train a replica.
        self.live = getattr(ctx.config, "strategy", "one") != "multi-worker"

    def on_train_begin(self, logs=None):
        """On resume: what was applied before the resume point, in order, to the restored state."""
        for item in self.pending:  # a change this run cannot make (a typo) fails now, not at epoch 7
            try:
                self._check(item["change"])
            except WorkbenchError as error:
                raise WorkbenchError(f"the schedule's change before batch {item['batch']} of epoch "
                                     f"{item['epoch']} (from 0): {error}") from None
        past = [item for item in self.pending if item["epoch"] < self.ctx.initial_epoch]
        self.pending = self.pending[len(past):]
        for item in past:
            self._apply(item["change"], fresh=False)
            self.ctx.emit(events.Steered(item["epoch"], item["batch"], item["change"], self.steps, replayed=True))
        if self.live:
            self.ctx.emit(self._offer())

    def _offer(self) -> events.Steerable:
        try:
            self._check_rate_settable(self.model)
            rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        except WorkbenchError:
            rate = 0.0
        early = self.early
        return events.Steerable(blocks(self.model), rate, bool(early and early.enabled),
                                int(early.patience) if early else 0)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        while self.pending and (self.pending[0]["epoch"], self.pending[0]["batch"]) <= (self.epoch, batch):
            item = self.pending.pop(0)
            self._apply(item["change"])
            self._announce(item["epoch"], item["batch"], item["change"])
        for change in self.ctx.control.take_requests():
            try:
                if not self.live:
                    raise WorkbenchError("the worker processes of a multi-worker run would not see it "
                                         "(a --schedule given at the start reaches them all)")
                self._apply(change)
            except WorkbenchError as error:
                self.ctx.emit(events.Status(f"change not applied ({describe(change)}): {error}"))
                continue
            self._record(self.epoch, batch, change)
            self._announce(self.epoch, batch, change)

    def _announce(self, epoch: int, batch: int, change: dict) -> None:
        self.ctx.emit(events.Steered(epoch, batch, change, self.steps))

    def _record(self, epoch: int, batch: int, change: dict) -> None:
        """Into config.json at once (atomically): a run killed later still repeats and resumes it."""
        from workbench.runs.atomic import write_json

        run_dir = self.ctx.run_dir
        self.ctx.config.schedule = [*self.ctx.config.schedule, {"epoch": epoch, "batch": batch, "change": change}]
        stored = run_dir.read_config()
        write_json(run_dir.config, {**stored, "schedule": self.ctx.config.schedule})

    # -- the changes ---------------------------------------------------------------------------
    def _check(self, change: dict) -> tuple[list, list]:
        """The layers ``change`` freezes and unfreezes; a sentence when this run cannot make it."""
        model = self.model
        frozen = match_layers(model, change["freeze"]) if "freeze" in change else []
        thawed = match_layers(model, change["unfreeze"]) if "unfreeze" in change else []
        if (frozen or thawed) and callable(getattr(model, "checkpoint_optimizers", None)):
            raise WorkbenchError(f"{model.name} trains several networks with their own optimizers; "
                                 "freezing layers during its run is not supported")
        if "learning_rate" in change:
            self._check_rate_settable(model)
        if ("early_stopping" in change or "patience" in change) and self.early is None:
            raise WorkbenchError("this run has no early-stopping callback to switch")
        if thawed and model.optimizer is not None and model.optimizer.built:
            self._check_optimizer_covers(model, thawed)
        return frozen, thawed

    def _apply(self, change: dict, fresh: bool = True) -> None:
        """All of ``change`` or, with a sentence, none of it."""
        model = self.model
        frozen, thawed = self._check(change)
        if "learning_rate" in change:
            model.optimizer.learning_rate = change["learning_rate"]
        if frozen or thawed:
            prepare(model, always=True)  # before the first step the optimizer is not built yet
            for layer in frozen:
                layer.trainable = False
            for layer in thawed:
                layer.trainable = True
            model.make_train_function(force=True)  # fit calls model.train_function each step
        if "early_stopping" in change or "patience" in change:
            on = change.get("early_stopping", self.early.enabled)
            self.early.switch(on, change.get("patience"), fresh=fresh)

    @staticmethod
    def _check_rate_settable(model) -> None:
        from keras.optimizers.schedules import LearningRateSchedule

        optimizer = getattr(model, "optimizer", None)
        if optimizer is None or callable(getattr(model, "checkpoint_optimizers", None)):
            raise WorkbenchError(f"{model.name} trains with several optimizers of its own; its learning "
                                 "rate cannot be changed during the run")
        inner = getattr(optimizer, "inner_optimizer", optimizer)  # a mixed-precision loss-scale wrapper
        rate = getattr(inner, "_learning_rate", None)
        if isinstance(rate, LearningRateSchedule) or callable(rate):
            # a schedule decides the rate at every step: a constant would silently replace it
            raise WorkbenchError(f"the learning rate follows a schedule ({type(rate).__name__}); a scheduled "
                                 "rate cannot be set during the run")

    @staticmethod
    def _check_optimizer_covers(model, thawed: list) -> None:
        optimizer = model.optimizer
        inner = getattr(optimizer, "inner_optimizer", optimizer)
        known = getattr(inner, "_trainable_variables_indices", None)
        if known is None:
            return
        missing = [layer.name for layer in thawed for v in trainable_capable(layer)
                   if inner._var_key(v) not in known]
        if missing:
            raise WorkbenchError(f"the optimizer was built without {missing[0]}'s weights, so it cannot train "
                                 "them; start a new run to unfreeze it")
