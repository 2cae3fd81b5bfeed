"""The catalog registry: every technique is declared once, here, as an ``Entry``.

The GUI model picker, its hyperparameter form, the CLI ``--set`` keys, the
``catalog --json`` rows and the smoke tests are all generated from these records.

An entry is metadata only: its builder is named by a dotted path
(``"workbench.models.foundations:build_lenet"``) and imported when a model is
actually built, so listing the catalog never imports TensorFlow and the GUI window
can appear before TensorFlow has finished loading.
"""

from __future__ import annotations

import difflib
import importlib
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from workbench.errors import WorkbenchError

#: Tasks an entry may declare; views (curves, sample grids, boxes) are chosen by task.
TASKS = (
    "classification", "regression", "detection", "segmentation", "sequence",
    "generation", "rl", "embedding", "graph", "causal",
)

#: Tasks whose data are images with boxes / masks rather than one label per sample.
_ANNOTATED_TASKS = ("detection", "segmentation")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class HParam:
    """A typed hyperparameter: what the form shows and what ``--set`` accepts."""

    name: str
    type: type
    default: Any
    help: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    log: bool = False  # edit on a log scale (learning rates, weight decay)

    def __post_init__(self):
        if self.type not in (int, float, bool, str):
            raise ValueError(f"HParam {self.name!r}: unsupported type {self.type!r}")
        self.parse(self.default)  # a default outside its own range is a bug

    def parse(self, value: Any) -> Any:
        """Convert ``value`` (a string from the CLI or a value from the form) and check it."""
        value = self._convert(value)
        if self.choices is not None and value not in self.choices:
            raise WorkbenchError(
                f"{self.name}={value!r} is not one of {', '.join(map(str, self.choices))}"
            )
        if self.type in (int, float):
            if self.low is not None and value < self.low:
                raise WorkbenchError(f"{self.name}={value} is below its minimum {self.low}")
            if self.high is not None and value > self.high:
                raise WorkbenchError(f"{self.name}={value} is above its maximum {self.high}")
        return value

    def _convert(self, value: Any) -> Any:
        if self.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise WorkbenchError(f"{self.name}={value!r} is not a yes/no value (true or false)")
        if self.type is int:
            if isinstance(value, bool):
                raise WorkbenchError(f"{self.name}={value!r} is not a whole number")
            try:
                as_float = float(value)
            except (TypeError, ValueError):
                raise WorkbenchError(f"{self.name}={value!r} is not a whole number") from None
            if not math.isfinite(as_float) or as_float != int(as_float):
                raise WorkbenchError(f"{self.name}={value!r} is not a whole number")
            return int(as_float)
        if self.type is float:
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise WorkbenchError(f"{self.name}={value!r} is not a number") from None
            # nan passes every range check (all comparisons are False) and silently
            # turns the weights into nan: refuse it, and infinity, here.
            if not math.isfinite(number):
                raise WorkbenchError(f"{self.name}={value!r} must be a finite number")
            return number
        return str(value)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "type": self.type.__name__, "default": self.default,
            "help": self.help, "low": self.low, "high": self.high,
            "choices": list(self.choices) if self.choices else None, "log": self.log,
        }


#: Training hyperparameters every entry shares (catalog section A: optimizers and
#: regularisation "selectable for every entry"). The training job reads them.
TRAINING_HPARAMS: tuple[HParam, ...] = (
    HParam("optimizer", str, "adam", "Update rule",
           choices=("sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw")),
    HParam("learning_rate", float, 1e-3, "Step size", low=1e-6, high=10.0, log=True),
    HParam("momentum", float, 0.9, "Momentum coefficient (momentum optimizer)", low=0.0, high=0.999),
    HParam("weight_decay", float, 1e-4, "Decoupled weight decay (AdamW only)", low=0.0, high=1.0),
    HParam("l2", float, 0.0, "L2 penalty on every kernel, added to the loss", low=0.0, high=1.0),
    HParam("clipnorm", float, 0.0, "Clip each gradient to this L2 norm (0 = off)", low=0.0, high=1e6),
    HParam("early_stopping", int, 0, "Stop after this many epochs without val_loss improving (0 = off)",
           low=0, high=1000),
)
TRAINING_HPARAM_NAMES = frozenset(h.name for h in TRAINING_HPARAMS)

#: The hooks an entry may declare, and the signature each is called with.
HOOKS = {
    # predict RUN_DIR --text: a sequence classifier, tagger or seq2seq decoder
    "predict_text": "(run_dir: str, texts: list[str]) -> list[dict]",
    # generate RUN_DIR --prompt: a text generator
    "generate_text": "(run_dir: str, prompt: str, length: int, temperature: float, top_k: int, seed: int) -> dict",
    # play RUN_DIR and the GUI's watch mode: the trained agent, acting greedily
    "load_agent": "(run_dir: str) -> object with act(observation, env) -> action",
    # act RUN_DIR --state: a board-game agent's move with its search statistics
    "act_board": "(run_dir: str, states: list[str]) -> list[dict]",
}


@dataclass(frozen=True)
class Entry:
    """One technique of the catalog.

    ``builder`` is ``"module:function"``; the function is called as
    ``build(hparams: dict, info: DataInfo) -> keras.Model`` and returns an
    uncompiled model whose output matches ``task`` (softmax probabilities for
    classification). ``trainer`` is set only where ``fit`` cannot serve.
    ``smoke`` holds hyperparameter overrides that make the entry tiny enough
    for the test suite to train a few steps on ``default_data``.
    """

    name: str
    family: str
    task: str
    summary: str
    paper: str
    builder: str
    hparams: tuple[HParam, ...] = ()
    data_kinds: tuple[str, ...] = ("image",)
    default_data: str = "digits"
    trainer: str | None = None
    smoke: Mapping[str, Any] = field(default_factory=dict)
    display_name: str = ""
    #: What a trained run of this entry can do beyond ``predict`` on images, each a
    #: ``"module:function"`` imported on use (see ``HOOKS``).
    hooks: Mapping[str, str] = field(default_factory=dict)
    #: The epochs a run of this entry takes by default (the CLI without --epochs, the Train
    #: tab when the entry is chosen): a trainer's "epoch" is its own unit (episodes,
    #: self-play games), so one number cannot suit every entry.
    default_epochs: int = 5
    #: What the Insight view shows for this entry: ``"module:function"`` names, each called as
    #: ``(hparams: dict, info: DataInfo | None) -> dict | None`` (a titled table; None: nothing
    #: for these settings), imported on use (``workbench.models.vision.insight``).
    insight: tuple[str, ...] = ()

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"entry {self.name!r}: unknown task {self.task!r}")
        if ":" not in self.builder:
            raise ValueError(f"entry {self.name!r}: builder must be 'module:function'")
        own = {h.name for h in self.hparams}
        if len(own) != len(self.hparams):
            raise ValueError(f"entry {self.name!r}: duplicate hyperparameter names")
        for key in self.smoke:
            if key not in own and key not in TRAINING_HPARAM_NAMES:
                raise ValueError(f"entry {self.name!r}: smoke sets unknown key {key!r}")
        for key, path in self.hooks.items():
            if key not in HOOKS or ":" not in path:
                raise ValueError(f"entry {self.name!r}: hook {key!r} must be one of {', '.join(HOOKS)} "
                                 "and name a 'module:function'")
        for path in self.insight:
            if ":" not in path:
                raise ValueError(f"entry {self.name!r}: insight {path!r} must name a 'module:function'")

    @property
    def title(self) -> str:
        return self.display_name or self.name

    @property
    def all_hparams(self) -> tuple[HParam, ...]:
        """The entry's own hyperparameters followed by the shared training ones it does not override."""
        own = {h.name for h in self.hparams}
        return self.hparams + tuple(h for h in TRAINING_HPARAMS if h.name not in own)

    def accepts(self, info) -> tuple[bool, str]:
        """Whether this entry can train on data described by ``info``, and if not, why."""
        if info.kind not in self.data_kinds:
            return False, (f"{self.title} takes {' or '.join(self.data_kinds)} data, but "
                           f"{info.name!r} is {info.kind} data")
        boxes_needed = self.task in _ANNOTATED_TASKS
        has_boxes = info.task in _ANNOTATED_TASKS
        if boxes_needed != has_boxes:
            need = "images annotated with boxes or masks (shapes, VOC, COCO)" if boxes_needed \
                else "labelled samples"
            return False, f"{self.title} needs {need}, but {info.name!r} is {info.task} data"
        return True, ""

    def hparam(self, name: str) -> HParam:
        for h in self.all_hparams:
            if h.name == name:
                return h
        raise WorkbenchError(_unknown("hyperparameter", name, [h.name for h in self.all_hparams],
                                      f" for {self.name}"))

    def resolve(self, overrides: Mapping[str, Any] | None = None) -> dict:
        """Defaults updated by ``overrides``, each parsed and range-checked."""
        values = {h.name: h.default for h in self.all_hparams}
        for key, value in (overrides or {}).items():
            values[key] = self.hparam(key).parse(value)
        return values

    def hook(self, name: str) -> Callable | None:
        """The function behind hook ``name`` (imported now), or None where the entry has none."""
        path = self.hooks.get(name)
        return load_symbol(path) if path else None

    def insight_sections(self, hparams: Mapping[str, Any], info) -> list[dict]:
        """The Insight view's sections for these hyperparameters (imports what they need)."""
        sections = (load_symbol(path)(dict(hparams), info) for path in self.insight)
        return [section for section in sections if section is not None]

    def build(self, hparams: Mapping[str, Any], info) -> Any:
        """Build the Keras model (imports TensorFlow on first use)."""
        return load_symbol(self.builder)(dict(hparams), info)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "title": self.title, "family": self.family, "task": self.task,
            "summary": self.summary, "paper": self.paper, "data_kinds": list(self.data_kinds),
            "default_data": self.default_data, "custom_training": self.trainer is not None,
            "hooks": sorted(self.hooks), "default_epochs": self.default_epochs,
            "hparams": [h.as_dict() for h in self.hparams],
        }


_REGISTRY: dict[str, Entry] = {}


def register(entry: Entry) -> Entry:
    if entry.name in _REGISTRY:
        raise ValueError(f"catalog entry {entry.name!r} is declared twice")
    _REGISTRY[entry.name] = entry
    return entry


def get(name: str) -> Entry:
    _load_families()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise WorkbenchError(_unknown("model", name, list(_REGISTRY))) from None


def all_entries() -> list[Entry]:
    _load_families()
    return list(_REGISTRY.values())


def by_family() -> dict[str, list[Entry]]:
    """Entries grouped by family, families in catalog order (A, B, C, ...)."""
    groups: dict[str, list[Entry]] = {}
    for entry in sorted(all_entries(), key=lambda e: e.family):
        groups.setdefault(entry.family, []).append(entry)
    return groups


def parse_assignments(pairs: list[str] | None) -> dict[str, str]:
    """``["depth=28", "width=10"]`` -> ``{"depth": "28", "width": "10"}`` (from ``--set``)."""
    result = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise WorkbenchError(f"--set expects key=value, got {pair!r}")
        result[key.strip()] = value.strip()
    return result


def load_symbol(path: str) -> Callable:
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def _unknown(kind: str, name: str, known: list[str], where: str = "") -> str:
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(sorted(known))}"
    return f"unknown {kind} {name!r}{where}{hint}"


def _load_families() -> None:
    # Importing the package imports every family's declaration module.
    importlib.import_module("workbench.catalog.families")
