"""``keras-workbench presets``: the study notes' exercises, listed, and run in one command."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("presets", help="the notes' exercises as presets: list them, or run one",
                       description="Without an action: list the presets. `presets run NAME --out DIR` "
                                   "runs one (a comparison trains one run per trial, as a search).")
    p.add_argument("--json", action="store_true", help="list as JSON")
    p.set_defaults(run=list_presets)
    actions = p.add_subparsers(dest="action")
    r = actions.add_parser("run", help="run a preset into --out")
    r.add_argument("name", help="the preset (see `keras-workbench presets`)")
    r.add_argument("--out", required=True, help="folder for the runs (one sub-folder per trial)")
    r.add_argument("--data", default="", help="another data set than the preset's (e.g. mnist)")
    r.add_argument("--epochs", type=int, default=0, help="other epochs than the preset's (0 = the preset's)")
    r.add_argument("--steps-per-epoch", type=int, default=0, help="cap batches per epoch (0 = all)")
    r.add_argument("--seed", type=int, default=0, help="the seed of every run")
    r.add_argument("--force", action="store_true", help="write into an earlier run of this preset")
    r.add_argument("--json", action="store_true", help="print search.json instead of the table")
    r.add_argument("--quiet", action="store_true", help="no progress bars")
    r.set_defaults(run=run_preset)


def list_presets(args) -> int:
    from workbench.catalog.presets import all_presets

    presets = all_presets()
    if args.json:
        print(json.dumps([p.as_dict() for p in presets], indent=2, ensure_ascii=False))
        return 0
    for preset in presets:
        runs = f"{len(preset.trials)} runs" if preset.is_comparison else "1 run"
        print(f"{preset.name:<14} {preset.title}  [{preset.entry} on {preset.data}, {runs}]")
        print(f"{'':<14} {preset.shows}")
        print(f"{'':<14} ({preset.source})")
    return 0


def run_preset(args) -> int:
    from workbench.catalog.presets import get, train_config
    from workbench.commands.search import execute
    from workbench.runs.outputs import check_output_path
    from workbench.training.search import SUMMARY_FILE

    preset = get(args.name)
    out = check_output_path(args.out, "directory", force=args.force, marker=SUMMARY_FILE)
    config = train_config(preset, out, args.data, args.epochs, args.steps_per_epoch, args.seed)
    trials = [dict(t) for t in preset.trials] or [{}]
    return execute(config, trials, "preset", preset.metric, 0, args.json, args.quiet)
