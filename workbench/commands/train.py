"""``keras-workbench train``: a run from the command line, with a progress bar."""

from __future__ import annotations

import os
import sys

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("train", help="train a model; writes model.keras, history.json, config.json")
    p.add_argument("model", nargs="?", help="catalog name (see `keras-workbench catalog`)")
    p.add_argument("--data", default=None, help="dataset name, class-folder path or .csv path")
    p.add_argument("--epochs", type=int, default=None,
                   help="epochs to train (default: the entry's own, 5 for most)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="assign",
                   help="a hyperparameter (repeatable); see `catalog --json` for the keys")
    p.add_argument("--val-split", type=float, default=0.2, help="validation fraction (default 0.2)")
    p.add_argument("--target", help="CSV: the target column (default: the last one)")
    p.add_argument("--image-size", type=int, help="class folders: resize images to this side")
    p.add_argument("--data-option", action="append", default=[], metavar="KEY=VALUE",
                   help="a data-source option (repeatable), e.g. limit=5000 or count=200")
    p.add_argument("--device", default="", help="CPU:0, GPU:0, ... (default: the first GPU, else CPU)")
    p.add_argument("--mixed-precision", action="store_true", help="float16 compute (GPUs)")
    p.add_argument("--steps-per-epoch", type=int, default=0, help="cap batches per epoch (0 = all)")
    p.add_argument("--eager", action="store_true",
                   help="no graph tracing: slower batches, instant start (debugging, quick looks)")
    p.add_argument("--strategy", default="one", choices=("one", "mirrored", "multi-worker", "parameter-server"),
                   help="tf.distribute strategy (default one); a cluster set in TF_CONFIG is used as it is")
    p.add_argument("--workers", type=int, default=None,
                   help="replicas (mirrored) or worker processes (multi-worker, parameter-server); default 2")
    p.add_argument("--out", help="run directory to create")
    p.add_argument("--schedule", metavar="FILE.json",
                   help="changes while training: a JSON list of {\"epoch\": E, \"batch\": B, \"change\": "
                        "{\"learning_rate\": 0.01}} (or freeze, unfreeze, early_stopping, patience), each "
                        "applied before batch B of epoch E, both counted from 0")
    p.add_argument("--config", metavar="CONFIG.json",
                   help="repeat a run: everything from its config.json (schedule included) into a new --out; "
                        "--epochs and --schedule, when given, replace the file's")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue a stopped or killed run")
    p.add_argument("--force", action="store_true",
                   help="replace the run already in --out (its model, history and resume point)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-tensorboard", action="store_true",
                   help="write no TensorBoard event files (RUN/tensorboard/, on by default)")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.catalog.registry import parse_assignments
    from workbench.quiet import import_tensorflow
    from workbench.training import TrainConfig, job

    if args.resume:
        import_tensorflow()
        result = job.resume_training(args.resume, emit=ProgressPrinter(args.quiet))
        return _summary(result)
    if args.config:
        return _repeat(args)
    if args.workers is not None and args.workers < 1:
        raise WorkbenchError(f"--workers {args.workers}: a strategy needs 1 worker or more")
    if not args.model or not args.data or not args.out:
        raise WorkbenchError("train needs MODEL, --data and --out (or --resume RUN_DIR)")
    from workbench import catalog

    entry = catalog.get(args.model)
    hparams = parse_assignments(args.assign)
    entry.resolve(hparams)  # reject bad values before TensorFlow loads
    options = parse_assignments(args.data_option)
    if args.target:
        options["target"] = args.target
    if args.image_size:
        options["image_size"] = args.image_size
    epochs = args.epochs if args.epochs is not None else entry.default_epochs
    config = TrainConfig(args.model, args.data, epochs, args.batch_size, args.seed, hparams,
                         options, args.val_split, args.device, args.mixed_precision, args.out,
                         args.steps_per_epoch, args.eager, args.strategy, args.workers or 0,
                         _schedule(args)).validate()
    return _train(config, args)


def _schedule(args) -> list:
    from workbench.training.schedule import load_schedule

    return load_schedule(args.schedule) if args.schedule else []


def _repeat(args) -> int:
    """``--config RUN/config.json``: the same run again, its recorded changes included."""
    from workbench.runs import damage
    from workbench.training import TrainConfig

    if not os.path.isfile(args.config):
        raise WorkbenchError(f"--config {args.config}: no such file (a run's config.json)")
    stored = damage.read_config(args.config)
    if args.model and args.model != stored.get("model"):
        raise WorkbenchError(f"{args.config} trains {stored.get('model')}, not {args.model}; leave MODEL out")
    if not args.out:
        raise WorkbenchError("--config needs --out: the repeated run goes into a new run directory")
    config = TrainConfig.from_dict({**stored, "out": args.out})
    if args.epochs is not None:
        config.epochs = args.epochs
    if args.schedule:
        config.schedule = _schedule(args)
    return _train(config.validate(), args)


def _train(config, args) -> int:
    from workbench.quiet import import_tensorflow
    from workbench.training import job

    if args.no_tensorboard:
        config.tensorboard = False

    dataset = job.load_dataset(config)  # bad data is reported before TensorFlow loads
    from workbench.data import checks

    full_list = os.path.join(config.out, checks.PROBLEM_FILE)  # the run writes it into its folder
    for line in checks.data_report(dataset, config.val_split).lines(full_list):
        print(line, file=sys.stderr)
    import_tensorflow()
    result = job.run_training(config, emit=ProgressPrinter(args.quiet), dataset=dataset,
                              force=args.force)
    return _summary(result)


def _summary(result) -> int:
    last = {k: v[-1] for k, v in result.history.items() if v and k != "epoch"}
    metrics = "  ".join(f"{k}={v:.4f}" for k, v in sorted(last.items()))
    state = "stopped" if result.stopped else "done"
    print(f"{state}: {len(result.history.get('epoch', []))} epoch(s)  {metrics}")
    print(f"run directory: {result.run_dir}")
    return 0


class ProgressPrinter:
    """Run events -> a tqdm progress bar over all batches, and one line per epoch."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.bar = None
        self.run_dir = ""
        self.views_shown: set[str] = set()  # a view refreshed every epoch is announced once

    def __call__(self, event) -> None:
        from workbench.training import events

        if isinstance(event, events.RunStarted):
            self._start(event)
        elif isinstance(event, events.BatchEnd) and self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix({k: f"{v:.4f}" for k, v in list(event.logs.items())[:3]}, refresh=False)
        elif isinstance(event, events.EpochEnd):
            line = "  ".join(f"{k}={v:.4f}" for k, v in sorted(event.logs.items()))
            self._write(f"epoch {event.epoch + 1}: {line}  ({event.seconds:.1f}s)")
        elif isinstance(event, (events.Status, events.Text)):
            self._write(event.text if isinstance(event, events.Status) else f"{event.title}: {event.text}")
        elif isinstance(event, events.View):
            self._announce_view(event)
        elif isinstance(event, events.Steered):
            from workbench.training.schedule import describe

            again = " (re-applied on resume)" if event.replayed else ""
            self._write(f"changed before batch {event.batch + 1} of epoch {event.epoch + 1} (schedule epoch "
                        f"{event.epoch}, batch {event.batch}){again}: {describe(event.change)}")
        elif isinstance(event, events.Finished) and self.bar is not None:
            self.bar.close()

    def _announce_view(self, event) -> None:
        """``view NAME → PATH`` the first time a view appears (``png`` is set by the ViewRecorder)."""
        import os

        from workbench.views.store import VIEWS_DIR

        path = getattr(event, "png", "") or os.path.join(self.run_dir, VIEWS_DIR, f"{event.name}.png")
        if path not in self.views_shown:
            self.views_shown.add(path)
            arrow = "\u2192" if "utf" in (getattr(sys.stderr, "encoding", "") or "").lower() else "->"
            self._write(f"view {event.name} {arrow} {path}")

    def _start(self, event) -> None:
        from tqdm import tqdm

        self.run_dir = event.run_dir

        self._write(f"training on {event.device}: {event.params:,} parameters, "
                    f"epochs {event.initial_epoch + 1}-{event.epochs}, run dir {event.run_dir}")
        if not self.quiet:
            total = (event.epochs - event.initial_epoch) * event.steps_per_epoch
            self.bar = tqdm(total=total, unit="batch", file=sys.stderr, dynamic_ncols=True, mininterval=0.2)

    def _write(self, text: str) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr)
