"""``keras-workbench build``: build a model and count its parameters, without training."""

from __future__ import annotations

import math

from workbench.commands.numbers import int_in
from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("build", help="build a model and print its parameter counts")
    p.add_argument("model")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="assign",
                   help="a hyperparameter (repeatable)")
    p.add_argument("--input-shape", default="224,224,3", help="H,W,C (default 224,224,3)")
    p.add_argument("--classes", type=int_in(2, 1_000_000), default=1000, help="number of classes (default 1000)")
    p.add_argument("--summary", action="store_true", help="also print the layer table")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run)


#: The largest input (values per sample) ``build`` accepts: 256 MiB of float32 per sample.
MAX_INPUT_VALUES = 2 ** 26


def parse_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise WorkbenchError(f"--input-shape {text!r} must be whole numbers like 224,224,3") from None
    if not shape or any(v < 1 for v in shape):
        raise WorkbenchError(f"--input-shape {text!r} must be positive numbers like 224,224,3")
    values = math.prod(shape)
    if values > MAX_INPUT_VALUES:  # its weights (a Dense after Flatten) could not be allocated
        raise WorkbenchError(
            f"--input-shape {text!r} is {values:,} values per sample ({values * 4 / 2**30:.1f} GiB "
            f"as float32); at most {MAX_INPUT_VALUES:,} (e.g. 4096,4096,4) can be built")
    return shape


def run(args) -> int:
    from workbench import catalog
    from workbench.catalog.registry import parse_assignments
    from workbench.cli import emit_json
    from workbench.data.base import DataInfo
    from workbench.quiet import import_tensorflow

    entry = catalog.get(args.model)
    hp = entry.resolve(parse_assignments(args.assign))
    shape = parse_shape(args.input_shape)
    if args.classes < 2:
        raise WorkbenchError(f"--classes {args.classes} must be 2 or more")
    kind = "image" if len(shape) == 3 else "tabular"
    info = DataInfo("synthetic", kind, "classification", shape, tuple(str(i) for i in range(args.classes)))
    import_tensorflow()
    model = build_within_memory(entry, hp, info)
    counts = parameter_counts(model)
    if args.json:
        emit_json({"model": entry.name, "input_shape": list(shape), "classes": args.classes,
                   "hparams": {h.name: hp[h.name] for h in entry.hparams}, **counts})
        return 0
    if args.summary:
        model.summary(expand_nested=True)  # a backbone or head shows its own layers
    print(f"{entry.name}: {counts['params']:,} parameters "
          f"({counts['trainable']:,} trainable, {counts['non_trainable']:,} non-trainable), "
          f"{counts['layers']} layers")
    return 0


def estimated_params(entry, hp, info) -> int:
    """Parameters at ``info.input_shape`` extrapolated from two small builds.

    The parameter count grows (at most) linearly with the pixels (or features): only a
    Dense layer after Flatten depends on them. Two probes at 128 and 256 pixels a side
    give that line without allocating the full model, which may not fit in memory.
    """
    from dataclasses import replace

    shape = tuple(info.input_shape)
    sides = (128, 256) if len(shape) == 3 else (64, 128)
    counts = []
    for side in sides:
        probe = (side, side, shape[2]) if len(shape) == 3 else (side,) + shape[1:]
        counts.append(parameter_counts(entry.build(hp, replace(info, input_shape=probe)))["params"])
    size = math.prod(shape[:2]) if len(shape) == 3 else shape[0]
    small, large = (s * s for s in sides) if len(shape) == 3 else sides
    slope = (counts[1] - counts[0]) / (large - small)
    return int(counts[1] + slope * (size - large))


def _available_bytes() -> int | None:
    """MemAvailable on Linux; None where it cannot be read (then nothing is checked)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def build_within_memory(entry, hp, info):
    """``entry.build``, refused with a sentence when its weights cannot fit in memory."""
    import tensorflow as tf

    shape = tuple(info.input_shape)
    large = math.prod(shape[:2]) > 512 * 512 if len(shape) == 3 else shape[0] > 100_000
    available = _available_bytes()
    if large and available:
        params = estimated_params(entry, hp, info)
        # float32 weights, plus the initialisers' temporaries (measured: a 2e9-parameter
        # LeNet exhausts 22 GiB free with twice its weights' size, so allow three times)
        if params * 4 * 3 > available:
            raise WorkbenchError(
                f"{entry.name} for input {','.join(map(str, shape))} would have about "
                f"{params:,} parameters ({params * 4 / 2**30:.1f} GiB as float32, about three "
                f"times that while they are initialised), more than the {available / 2**30:.1f} "
                "GiB of free memory allow; try a smaller --input-shape")
    try:
        return entry.build(hp, info)
    except (MemoryError, tf.errors.ResourceExhaustedError) as error:
        raise WorkbenchError(
            f"{entry.name} for input {','.join(map(str, info.input_shape))} does not fit in memory "
            f"({type(error).__name__}); try a smaller --input-shape") from None


def parameter_counts(model) -> dict:
    import numpy as np

    trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    non_trainable = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    return {"params": trainable + non_trainable, "trainable": trainable,
            "non_trainable": non_trainable, "layers": len(model.layers)}
