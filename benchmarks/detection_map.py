"""Train each one-stage detector and segmenter on the synthetic shapes for a fixed budget,
then print what it reached on held-out shapes images.

Detectors: VOC mAP@0.5 (all-point), COCO AP@[.5:.95] and AP50 (``metrics.coco_evaluate``,
equal to pycocotools), and single-image inference speed through ``inference.detect``
(resize + network + selection). Segmenters: mean IoU over background and the three
classes, pixel accuracy, and speed through ``inference.segment``.

    .venv/bin/python benchmarks/detection_map.py --quick
    .venv/bin/python benchmarks/detection_map.py --models ssd,fcos --epochs 30 --train 2000
    .venv/bin/python benchmarks/detection_map.py --models retinanet --set gamma=0   # no focusing
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

MODELS = ("yolo_v1", "ssd", "retinanet", "fcos", "unet", "fcn")


def train(name: str, data, epochs: int, batch_size: int, learning_rate: float, seed: int,
          overrides: dict | None = None):
    import keras

    from workbench import catalog
    from workbench.training.job import make_optimizer

    keras.utils.set_random_seed(seed)
    entry = catalog.get(name)
    known = {h.name for h in entry.all_hparams}
    hp = entry.resolve({"learning_rate": learning_rate,
                        **{k: v for k, v in (overrides or {}).items() if k in known}})
    model = entry.build(hp, data.info)
    model.compile(optimizer=make_optimizer(hp))
    y = model.encode_targets(data.boxes, data.labels, data.masks)
    start = time.perf_counter()
    history = model.fit(data.images, y, batch_size=batch_size, epochs=epochs, verbose=0).history
    return model, history, time.perf_counter() - start


def score_detector(model, test, timing_images: int) -> dict:
    from workbench.detection import inference, metrics
    from workbench.detection.training import detect_all

    scores = metrics.evaluate_detections(test, detect_all(model, test.images))
    inference.detect(model, test.images[0])  # warm-up: traces the predict function
    times = [inference.detect(model, image)[1] for image in test.images[:timing_images]]
    return {"VOC mAP50": scores["voc"]["mAP"], "COCO AP": scores["AP"], "COCO AP50": scores["AP50"],
            "ms/img": float(np.median(times))}


def score_segmenter(model, test, timing_images: int) -> dict:
    from workbench.detection import inference
    from workbench.detection.segmentation_metrics import mean_iou, pixel_accuracy

    predicted = inference.segment_batch(model, test.images)
    truth = test.semantic_masks()
    inference.segment(model, test.images[0])
    times = []
    for image in test.images[:timing_images]:
        start = time.perf_counter()
        inference.segment(model, image)
        times.append((time.perf_counter() - start) * 1000.0)
    return {"mean IoU": mean_iou(predicted, truth, model.num_classes + 1),
            "pixel acc": pixel_accuracy(predicted, truth), "ms/img": float(np.median(times))}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--train", type=int, default=1000, help="training images")
    parser.add_argument("--test", type=int, default=200, help="held-out test images")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="hyperparameter override for every model that has it, e.g. gamma=0")
    parser.add_argument("--quick", action="store_true", help="300 images, 4 epochs")
    args = parser.parse_args(argv)
    if args.quick:
        args.train, args.test, args.epochs = 300, 100, 4
    from workbench.catalog.registry import parse_assignments
    from workbench.data.shapes import make_shapes

    overrides = parse_assignments(args.set)

    train_data = make_shapes(args.train, 64, seed=args.seed)
    test_data = make_shapes(args.test, 64, seed=args.seed + 10_000)
    print(f"shapes 64x64: {args.train} training, {args.test} test images; {args.epochs} epochs, "
          f"batch {args.batch_size}, Adam {args.learning_rate}"
          + (f"; overrides {overrides}" if overrides else ""))
    for name in args.models.split(","):
        model, history, seconds = train(name.strip(), train_data, args.epochs, args.batch_size,
                                        args.learning_rate, args.seed, overrides)
        scorer = score_segmenter if model.task == "segmentation" else score_detector
        figures = scorer(model, test_data, timing_images=min(20, args.test))
        shown = "  ".join(f"{k} {v:.3f}" if k != "ms/img" else f"{v:.1f} ms/img ({1000 / v:.0f} FPS)"
                          for k, v in figures.items())
        print(f"{name:10s} params {model.count_params():>8,d}  train {seconds:6.1f}s  "
              f"loss {history['loss'][0]:.3f}->{history['loss'][-1]:.3f}  {shown}", flush=True)


if __name__ == "__main__":
    main()
