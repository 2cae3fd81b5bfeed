"""``keras-workbench search``: grid or random hyperparameter search, then the table best first."""

from __future__ import annotations

import json

from workbench.errors import WorkbenchError


def register(sub) -> None:
    from workbench.commands.sweep import add_trial_options

    p = sub.add_parser("search", help="grid or random search over several hyperparameters, table best first",
                       description="Examples: search mlp --data digits --grid learning_rate=0.1,0.01 "
                                   "--grid batch_size=32,64 --out runs/s1;  search mlp --data digits "
                                   "--random learning_rate=log:1e-4:1e-1 --random dropout=0.0:0.5 "
                                   "--trials 8 --seed 1 --out runs/s2")
    p.add_argument("model", help="catalog name (see `keras-workbench catalog`)")
    p.add_argument("--data", required=True, help="dataset name, class-folder path or .csv path")
    space = p.add_mutually_exclusive_group(required=True)
    space.add_argument("--grid", action="append", metavar="KEY=V1,V2,...",
                       help="a key and its values; every combination is tried (repeatable)")
    space.add_argument("--random", action="append", metavar="KEY=LOW:HIGH|log:LOW:HIGH|V1,V2",
                       help="a key and how to draw it: uniform range, log-uniform range or a list (repeatable)")
    p.add_argument("--trials", type=int, default=0, help="random search: how many draws")
    p.add_argument("--seed", type=int, default=0,
                   help="random search: the draws' seed (the runs themselves use --train-seed)")
    p.add_argument("--train-seed", type=int, default=0, help="the seed of every run (same initial weights)")
    p.add_argument("--metric", default="val_accuracy",
                   help="final metric that ranks the trials (losses: lower is better; default val_accuracy)")
    add_trial_options(p, "trial")
    p.add_argument("--out", required=True, help="folder for the search (one sub-folder per trial)")
    p.add_argument("--force", action="store_true", help="write into an earlier search's folder")
    p.add_argument("--json", action="store_true", help="print search.json instead of the table")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench import catalog
    from workbench.catalog.registry import parse_assignments
    from workbench.runs.outputs import check_output_path
    from workbench.training.config import TrainConfig
    from workbench.training.search import SUMMARY_FILE, make_trials

    mode, specs = ("grid", args.grid) if args.grid else ("random", args.random)
    if mode == "grid" and args.trials:
        raise WorkbenchError("--trials goes with --random; a grid tries every combination")
    hparams = parse_assignments(args.assign)
    catalog.get(args.model).resolve(hparams)  # reject bad values before TensorFlow loads
    trials = make_trials(args.model, mode, specs, args.trials, args.seed)
    clash = sorted(set(hparams) & set(trials[0]))
    if clash:
        raise WorkbenchError(f"--set {clash[0]}=... contradicts the searched key {clash[0]}")
    out = check_output_path(args.out, "directory", force=args.force, marker=SUMMARY_FILE)
    config = TrainConfig(args.model, args.data, args.epochs, args.batch_size, args.train_seed, hparams,
                         parse_assignments(args.data_option), args.val_split, args.device,
                         out=out, steps_per_epoch=args.steps_per_epoch).validate()
    return execute(config, trials, mode, args.metric, args.seed, args.json, args.quiet)


def execute(config, trials: list[dict], mode: str, metric: str, search_seed: int = 0, as_json: bool = False,
            quiet: bool = False) -> int:
    """Run the trials and print the table (shared with ``keras-workbench presets run``)."""
    from workbench.commands.train import ProgressPrinter
    from workbench.quiet import import_tensorflow
    from workbench.training.search import search

    import_tensorflow()
    emit = ProgressPrinter(quiet or as_json)
    summary = search(config, trials, metric, mode, emit=emit, search_seed=search_seed)
    print(json.dumps(summary, indent=2, default=str) if as_json else format_table(summary))
    return 0


def format_table(summary: dict) -> str:
    """rank | each searched key | the metric | loss | run directory, best first."""
    metric, keys = summary["metric"], summary["keys"]
    header = ["rank", *keys, metric, "loss", "run directory"]
    rows = [header]
    for row in summary["rows"]:
        rows.append([str(row["rank"]), *(_cell(row["hparams"].get(k)) for k in keys),
                     _cell(row["final"].get(metric)), _cell(row["final"].get("loss")), row["run_dir"]])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths)) + "  " + r[-1] for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len(header[-1]))
    best = "lowest" if summary["goal"] == "min" else "highest"
    done = f"{len(summary['rows'])}/{summary['trials_planned']} trials"
    title = f"{summary['mode']} search of {summary['model']} on {summary['data']}: {done}, {best} {metric} first"
    return "\n".join([title, *lines])


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}" if isinstance(value, float) else str(value)
