"""Keypoint R-CNN on the shapes' corners: PCK and mAP after a fixed budget, and the PCK curve.

Trains ``keypoint_rcnn`` through the real training job on ``shape_keypoints`` and prints,
per epoch, the validation PCK@0.2 (a visible corner within 0.2 x its box's longer side)
and VOC mAP@0.5, then PCK at several alphas and on a held-out set (another seed).

    .venv/bin/python benchmarks/keypoint_rcnn.py --quick
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 images, 3 epochs (about a minute)")
    parser.add_argument("--count", type=int, default=0, help="images (default 300, quick 100)")
    parser.add_argument("--epochs", type=int, default=0, help="epochs (default 12, quick 3)")
    args = parser.parse_args(argv)
    count = args.count or (100 if args.quick else 300)
    epochs = args.epochs or (3 if args.quick else 12)

    from workbench.data.shapes import make_shapes
    from workbench.detection.training import detect_all
    from workbench.models.detection.keypoint_rcnn import pck
    from workbench.training import TrainConfig, job

    with tempfile.TemporaryDirectory() as folder:
        config = TrainConfig("keypoint_rcnn", "shape_keypoints", epochs=epochs, batch_size=16,
                             hparams={"learning_rate": 0.002}, data_options={"count": count},
                             out=os.path.join(folder, "run"))
        start = time.perf_counter()
        result = job.run_training(config)
        seconds = time.perf_counter() - start
    history = result.history
    print(f"shape_keypoints: {count} images of 64x64 (20% validation), batch 16, Adam 2e-3, "
          f"{epochs} epochs in {seconds:.0f} s")
    print("epoch  val_pck  val_mAP  keypoint loss")
    for e in range(len(history["val_pck"])):
        print(f"{e + 1:5d}  {history['val_pck'][e]:7.3f}  {history['val_mAP'][e]:7.3f}  "
              f"{history['keypoint'][e]:13.3f}")
    held_out = make_shapes(100, 64, 3, seed=12345, keypoints=True)
    found = detect_all(result.model, held_out.images)
    print("held-out (100 images, seed 12345): " + ", ".join(
        f"PCK@{alpha:g} {pck(found, held_out, alpha):.3f}" for alpha in (0.05, 0.1, 0.2, 0.3)))


if __name__ == "__main__":
    main()
