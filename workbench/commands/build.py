"""``keras-workbench build``: build a model and count its parameters, without training."""

from __future__ import annotations

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("build", help="build a model and print its parameter counts")
    p.add_argument("model")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="assign",
                   help="a hyperparameter (repeatable)")
    p.add_argument("--input-shape", default="224,224,3", help="H,W,C (default 224,224,3)")
    p.add_argument("--classes", type=int, default=1000, help="number of classes (default 1000)")
    p.add_argument("--summary", action="store_true", help="also print the layer table")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run)


def parse_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise WorkbenchError(f"--input-shape {text!r} must be whole numbers like 224,224,3") from None
    if not shape or any(v < 1 for v in shape):
        raise WorkbenchError(f"--input-shape {text!r} must be positive numbers like 224,224,3")
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
    model = entry.build(hp, info)
    counts = parameter_counts(model)
    if args.json:
        emit_json({"model": entry.name, "input_shape": list(shape), "classes": args.classes,
                   "hparams": {h.name: hp[h.name] for h in entry.hparams}, **counts})
        return 0
    if args.summary:
        model.summary()
    print(f"{entry.name}: {counts['params']:,} parameters "
          f"({counts['trainable']:,} trainable, {counts['non_trainable']:,} non-trainable), "
          f"{counts['layers']} layers")
    return 0


def parameter_counts(model) -> dict:
    import numpy as np

    trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    non_trainable = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    return {"params": trainable + non_trainable, "trainable": trainable,
            "non_trainable": non_trainable, "layers": len(model.layers)}
