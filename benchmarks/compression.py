"""Compression on digits: one before/after table per model (size, gzipped size, latency,
accuracy of every variant) for LeNet and a small MobileNet, and distillation against the
same student trained alone.

Variants: TFLite float32, float16, dynamic range and full int8 (calibrated on the run's
training data), magnitude pruning to 50% and 80% with retraining (the pruned .keras, and
the 80% one exported as int8 TFLite), and, for LeNet, the distilled MLP student. Every
row is verified on the same validation samples as the original (``keras-workbench export``).

    nice -n 10 .venv/bin/python benchmarks/compression.py
    .venv/bin/python benchmarks/compression.py --quick      # 1 epoch each, one seed
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


def distillation(teacher_run: str, epochs: int, seeds: list[int], folder: str, student_units: str):
    """Validation accuracy of the student distilled (alpha 0.9, T 4) and alone (alpha 0)."""
    rows = []
    for seed in seeds:
        scores = {}
        for label, alpha in (("alone", 0.0), ("distilled", 0.9)):
            result = train("distillation", "digits", {"teacher": teacher_run, "alpha": alpha, "temperature": 4.0,
                                                      "student_units": student_units},
                           epochs, os.path.join(folder, f"student-{label}-{seed}"), seed=seed)
            scores[label] = (result.history["val_accuracy"], result.run_dir)
        rows.append((seed, scores))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 epoch each, one seed (a smoke run)")
    parser.add_argument("--epochs", type=int, default=8, help="training epochs of each original model")
    parser.add_argument("--seeds", default="0,1,2", help="seeds of the distillation comparison")
    args = parser.parse_args()
    epochs = 1 if args.quick else args.epochs
    seeds = [0] if args.quick else [int(s) for s in args.seeds.split(",")]
    retrain = 1 if args.quick else 2

    from workbench.export.verify import table_rows, table_text

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="compression-") as folder:
        for name, hparams in MODELS.items():
            run = os.path.join(folder, name)
            train(name, "digits", hparams, epochs, run)
            reports = variants_table(run, retrain, os.path.join(folder, f"{name}-variants"))
            print(f"\n{name} on digits ({epochs} epochs; pruned runs retrained {retrain}; "
                  f"{reports[0].samples} validation samples)")
            print(table_text(table_rows(reports)))
        teacher = os.path.join(folder, "teacher")
        train("lenet", "digits", {"width": 4}, epochs, teacher)
        from workbench.compression.prune_run import accuracy, load_run

        _, _, teacher_model, data = load_run(teacher)
        print(f"\ndistillation on digits: teacher LeNet width 4, validation accuracy "
              f"{accuracy(teacher_model, data.x_val, data.y_val):.4f}; student MLP(32), {epochs} epochs, "
              "alpha 0.9, T 4, against the same MLP trained alone (alpha 0)")
        print("seed  alone (final / best)  distilled (final / best)")
        gains = []
        for seed, scores in distillation(teacher, epochs, seeds, folder, "32"):
            alone, distilled = scores["alone"][0], scores["distilled"][0]
            gains.append(distilled[-1] - alone[-1])
            print(f"{seed:4d}  {alone[-1]:.4f} / {max(alone):.4f}       {distilled[-1]:.4f} / {max(distilled):.4f}")
        print(f"mean gain of the distilled student: {100 * sum(gains) / len(gains):+.1f} points")
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
