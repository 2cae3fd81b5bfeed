"""``keras-workbench ensemble``: average N trained classifier runs; accuracy against N."""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser(
        "ensemble", help="average the probabilities of N classifier runs: accuracy against ensemble size",
        description="Scores the mean of the runs' predicted class probabilities on their validation "
                    "split: the ensemble of the first k runs for k = 1..N against the mean accuracy of "
                    "those runs alone. --save writes the ensemble as one Keras model (an Average of the "
                    "members, loadable in safe mode), usable as a distillation teacher "
                    "(--set teacher=ENSEMBLE.keras). --train MODEL first trains --members runs of MODEL "
                    "with seeds 0..N-1 on one data split (--data-option split_seed=0) into --out.")
    p.add_argument("runs", nargs="*", metavar="RUN", help="trained classifier run directories (2 or more)")
    p.add_argument("--data", help="score on this dataset's validation split instead of the runs' own; "
                                  "with --train, the data to train on")
    p.add_argument("--data-option", action="append", default=[], metavar="KEY=VALUE",
                   help="a data-source option (repeatable)")
    p.add_argument("--save", metavar="OUT.keras", help="write the ensemble as one Keras model")
    p.add_argument("--plot", metavar="OUT.png", help="draw accuracy against ensemble size")
    p.add_argument("--train", metavar="MODEL", help="train the members first: a catalog classifier")
    p.add_argument("--members", type=int, default=5, help="with --train: how many runs (seeds 0..N-1)")
    p.add_argument("--epochs", type=int, default=5, help="with --train: epochs of each member")
    p.add_argument("--batch-size", type=int, default=32, help="with --train")
    p.add_argument("--steps-per-epoch", type=int, default=0, help="with --train: cap batches per epoch")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="assign",
                   help="with --train: a hyperparameter of every member (repeatable)")
    p.add_argument("--out", help="with --train: the folder for the members (OUT/seed-K)")
    p.add_argument("--force", action="store_true", help="replace existing outputs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.catalog.registry import parse_assignments
    from workbench.models import ensemble

    say = (lambda line: None) if args.json else print
    options = parse_assignments(args.data_option)
    runs = list(args.runs)
    if args.train:
        if runs:
            raise WorkbenchError("give either run directories or --train MODEL, not both")
        if not args.data or not args.out:
            raise WorkbenchError("--train needs --data (what to train on) and --out (the members' folder)")
        runs = ensemble.train_members(args.train, args.data, args.members, args.epochs, args.out,
                                      parse_assignments(args.assign), args.batch_size, options,
                                      force=args.force, progress=say, steps_per_epoch=args.steps_per_epoch)
        data, options = None, {}  # the members' own (shared) validation split
    elif args.assign or args.out:
        raise WorkbenchError("--set and --out go with --train MODEL")
    else:
        data = args.data
    for path in (args.save, args.plot):  # refuse an existing output before minutes of scoring
        if path:
            from workbench.runs.outputs import check_output_path

            check_output_path(path, "file", force=args.force)
    result = ensemble.evaluate_ensemble(runs, data, options, progress=say)
    saved = ensemble.save_ensemble(runs, args.save, force=True) if args.save else None
    if args.plot:
        from workbench.views.render import render_png

        render_png(result.view(), os.path.abspath(args.plot))
    if args.train:
        from workbench.runs.atomic import write_json

        write_json(os.path.join(os.path.abspath(args.out), "ensemble.json"), result.as_dict())
    if args.json:
        from workbench.cli import emit_json

        emit_json({**result.as_dict(), "saved": saved})
        return 0
    for note in result.notes:
        print(f"note: {note}")
    print(f"{'k':>3}  {'ensemble':>8}  {'mean alone':>10}  {'member':>8}  run")
    for row in result.rows():
        print(f"{row['k']:>3}  {row['ensemble_accuracy']:>8.4f}  {row['mean_single_accuracy']:>10.4f}  "
              f"{row['member_accuracy']:>8.4f}  {row['run']}")
    gain = result.ensemble_accuracy[-1] - result.mean_single_accuracy[-1]
    print(f"{len(runs)} runs on {result.samples} validation samples: the ensemble's accuracy is "
          f"{result.ensemble_accuracy[-1]:.4f}, {gain:+.4f} against the mean of the runs alone")
    if saved:
        print(f"ensemble model: {saved} (a distillation teacher: --set teacher={saved})")
    return 0
