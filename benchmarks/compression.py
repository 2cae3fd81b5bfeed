"""Compression on digits: one before/after table per model (size, gzipped size, latency,
accuracy of every variant) for LeNet and a small MobileNet, and distillation against the
same student trained alone.

Variants: TFLite float32, float16, dynamic range and full int8 (calibrated on the run's
training data), magnitude pruning to 50% and 80% with retraining (the pruned .keras, and
the 80% one exported as int8 TFLite). Every row is verified on the same validation samples
as the original (``keras-workbench export``). Then the distillation entry from its defaults
against the same student trained alone, over several seeds (mean ± std).

    nice -n 10 .venv/bin/python benchmarks/compression.py
    .venv/bin/python benchmarks/compression.py --quick      # 1 epoch each, one seed
    nice -n 10 .venv/bin/python benchmarks/compression.py --part distillation --set transfer_fraction=1.0
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODELS = {
    "lenet": {"width": 1},
    # alpha 0.25: a quarter of the filters; input_size 32: digits upscaled to MobileNet's smallest side
    "mobilenet": {"alpha": 0.25, "input_size": 32, "dropout": 0.0},
}


def train(name: str, data: str, hparams: dict, epochs: int, out: str, seed: int = 0):
    from workbench.training import TrainConfig, job

    config = TrainConfig(name, data, epochs=epochs, batch_size=32, hparams=hparams, val_split=0.2,
                         seed=seed, out=out)
    return job.run_training(config, emit=lambda event: None)


def variants_table(run: str, epochs: int, folder: str) -> list:
    from workbench.compression.prune_run import prune_run
    from workbench.export.pipeline import export_source, recorded_exports

    reports = []
    for quantize in (None, "float16", "dynamic", "int8"):
        reports.append(export_source(run, "tflite", os.path.join(folder, f"{quantize or 'float32'}.tflite"),
                                     quantize))
    for sparsity in (0.5, 0.8):
        out = os.path.join(folder, f"pruned{int(sparsity * 100)}")
        prune_run(run, sparsity, epochs, out)
        reports.append(next(r for r in recorded_exports(run) if r.path == os.path.join(out, "model.keras")))
    pruned_int8 = export_source(os.path.join(folder, "pruned80"), "tflite",
                                os.path.join(folder, "pruned80-int8.tflite"), "int8")
    pruned_int8.label = "pruned 80% + tflite int8"
    reports.append(pruned_int8)
    return reports


def distillation(seeds: list[int], folder: str, teacher_epochs: int, epochs: int | None,
                 changes: dict) -> list[dict]:
    """The distillation entry from its defaults (``changes`` on top) against the same
    student trained alone (alpha 0), seed by seed. Each seed has its own teacher trained
    with that seed, so teacher and students split the data alike: no student is validated
    on samples its teacher trained on. The two students share the initial weights, the
    batches (the seeded epoch order), the epochs, the optimizer and the transfer set."""
    from workbench import catalog
    from workbench.compression.prune_run import accuracy, load_run

    entry = catalog.get("distillation")
    hp = {**{h.name: h.default for h in entry.all_hparams}, **changes, "compare_alone": False}
    epochs = epochs or entry.default_epochs
    rows = []
    for seed in seeds:
        teacher = os.path.join(folder, f"teacher-{seed}")
        train("lenet", "digits", {"width": hp["teacher_width"]}, teacher_epochs, teacher, seed=seed)
        _, _, teacher_model, data = load_run(teacher)
        row = {"seed": seed, "teacher": accuracy(teacher_model, data.x_val, data.y_val)}
        for label, alpha in (("alone", 0.0), ("distilled", hp["alpha"])):
            result = train("distillation", "digits", {**hp, "teacher": teacher, "alpha": alpha}, epochs,
                           os.path.join(folder, f"student-{label}-{seed}"), seed=seed)
            row[label] = result.history["val_accuracy"]
        rows.append(row)
    return rows, hp, epochs


def print_distillation(rows: list[dict], hp: dict, epochs: int, teacher_epochs: int) -> None:
    import numpy as np

    print(f"\ndistillation on digits: teacher LeNet width {hp['teacher_width']} ({teacher_epochs} epochs, one "
          f"per seed); student {hp['student']}({hp['student_units']}), T {hp['temperature']}, alpha "
          f"{hp['alpha']}, transfer_fraction {hp['transfer_fraction']}, {epochs} epochs; against the "
          "same student alone (alpha 0: same initial weights, batches, epochs)")
    print("seed  teacher  alone (final / best)  distilled (final / best)  gain")
    for row in rows:
        alone, distilled = row["alone"], row["distilled"]
        print(f"{row['seed']:4d}  {row['teacher']:.4f}   {alone[-1]:.4f} / {max(alone):.4f}       "
              f"{distilled[-1]:.4f} / {max(distilled):.4f}         {100 * (distilled[-1] - alone[-1]):+.1f}")
    finals = {k: np.array([row[k][-1] for row in rows]) for k in ("alone", "distilled")}
    finals["teacher"] = np.array([row["teacher"] for row in rows])
    gains = 100 * (finals["distilled"] - finals["alone"])
    print("mean ± std over seeds: " + ", ".join(f"{k} {100 * v.mean():.1f} ± {100 * v.std():.1f}%"
                                               for k, v in finals.items())
          + f"; gain {gains.mean():+.1f} ± {gains.std():.1f} points")
    # epochs each needs to reach the alone student's final accuracy ("converges in fewer epochs")
    for row in rows:
        target = row["alone"][-1]
        reach = {k: next((i + 1 for i, v in enumerate(row[k]) if v >= target), None) for k in ("alone", "distilled")}
        print(f"seed {row['seed']}: epochs to reach {target:.4f} (alone's final): alone {reach['alone']}, "
              f"distilled {reach['distilled'] or 'never'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 epoch each, one seed (a smoke run)")
    parser.add_argument("--epochs", type=int, default=8, help="training epochs of each original model")
    parser.add_argument("--seeds", default="0,1,2", help="seeds of the distillation comparison")
    parser.add_argument("--part", choices=("all", "tables", "distillation"), default="all",
                        help="only the before/after tables, or only the distillation comparison")
    parser.add_argument("--teacher-epochs", type=int, default=20, help="epochs of each distillation teacher")
    parser.add_argument("--student-epochs", type=int, default=0,
                        help="epochs of each student (default: the distillation entry's own)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="change a distillation hyperparameter from its default (repeatable)")
    args = parser.parse_args()
    epochs = 1 if args.quick else args.epochs
    seeds = [0] if args.quick else [int(s) for s in args.seeds.split(",")]
    retrain = 1 if args.quick else 2

    from workbench.export.verify import table_rows, table_text

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="compression-") as folder:
        if args.part in ("all", "tables"):
            for name, hparams in MODELS.items():
                run = os.path.join(folder, name)
                train(name, "digits", hparams, epochs, run)
                reports = variants_table(run, retrain, os.path.join(folder, f"{name}-variants"))
                print(f"\n{name} on digits ({epochs} epochs; pruned runs retrained {retrain}; "
                      f"{reports[0].samples} validation samples)")
                print(table_text(table_rows(reports)))
        if args.part in ("all", "distillation"):
            from workbench import catalog

            entry = catalog.get("distillation")
            from workbench.catalog.registry import parse_assignments

            known = {h.name: h for h in entry.all_hparams}
            changes = {k: known[k].parse(v) for k, v in parse_assignments(args.set).items()}
            teacher_epochs = 1 if args.quick else args.teacher_epochs
            student_epochs = 2 if args.quick else args.student_epochs or None
            rows, hp, student_epochs = distillation(seeds, folder, teacher_epochs, student_epochs, changes)
            print_distillation(rows, hp, student_epochs, teacher_epochs)
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
