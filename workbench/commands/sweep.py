"""``keras-workbench sweep``: one run per value of a hyperparameter, then a table of the results."""

from __future__ import annotations

from workbench.errors import WorkbenchError


def add_trial_options(p, trial: str) -> None:
    """The options every run of a sweep or a search shares (``trial``: what one is called)."""
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="assign",
                   help=f"another hyperparameter, the same for every {trial} (repeatable)")
    p.add_argument("--data-option", action="append", default=[], metavar="KEY=VALUE",
                   help="a data-source option (repeatable), e.g. limit=5000")
    p.add_argument("--val-split", type=float, default=0.2, help="validation fraction (default 0.2)")
    p.add_argument("--steps-per-epoch", type=int, default=0, help="cap batches per epoch (0 = all)")
    p.add_argument("--device", default="", help="CPU:0, GPU:0, ... (default: the first GPU, else CPU)")


def register(sub) -> None:
    p = sub.add_parser("sweep", help="compare values of one hyperparameter (same data, seed and epochs)")
    p.add_argument("model", help="catalog name (see `keras-workbench catalog`)")
    p.add_argument("--data", required=True, help="dataset name, class-folder path or .csv path")
    p.add_argument("--key", required=True, help="the hyperparameter to vary, e.g. optimizer")
    p.add_argument("--values", required=True, help="comma-separated values, e.g. sgd,momentum,adam")
    p.add_argument("--seed", type=int, default=0)
    add_trial_options(p, "run")
    p.add_argument("--out", required=True, help="folder for the runs (one sub-folder per value)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.catalog.registry import parse_assignments
    from workbench.commands.train import ProgressPrinter
    from workbench.quiet import import_tensorflow
    from workbench.training import TrainConfig
    from workbench.training.sweep import sweep, sweep_values

    values = [v for v in (part.strip() for part in args.values.split(",")) if v]
    hparams = parse_assignments(args.assign)
    if args.key in hparams:
        raise WorkbenchError(f"--set {args.key}=... contradicts the swept --key {args.key}")
    config = TrainConfig(args.model, args.data, args.epochs, args.batch_size, args.seed, hparams,
                         parse_assignments(args.data_option), args.val_split, args.device,
                         out=args.out, steps_per_epoch=args.steps_per_epoch).validate()
    from workbench import catalog

    catalog.get(args.model).resolve(hparams)  # reject bad values before TensorFlow loads
    values = sweep_values(config, args.key, values)
    import_tensorflow()
    results = sweep(config, args.key, values, emit=ProgressPrinter(args.quiet))
    print(format_table(args.key, values, results))
    return 0


def format_table(key: str, values: list, results: list) -> str:
    """value | final loss | final val_accuracy (or the first validation metric) | run directory."""
    metric = _metric(results)
    rows = [(key, "loss", metric, "run directory")]
    for value, result in zip(values, results):
        history = result.history
        rows.append((str(value), _last(history, "loss"), _last(history, metric), result.run_dir))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3]
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in [*widths, len(rows[0][3])]))
    return "\n".join(lines)


def _metric(results: list) -> str:
    keys = [k for r in results for k in r.history if k.startswith("val_") and k != "val_loss"]
    return "val_accuracy" if "val_accuracy" in keys else (keys[0] if keys else "val_loss")


def _last(history: dict, key: str) -> str:
    values = history.get(key) or []
    return f"{values[-1]:.4f}" if values else "-"
