"""Peak memory of a detector trained on a COCO set streamed from disk and loaded in memory.

Writes N shapes images (``make_shapes``, drawn at 64 px, saved as 320 x 240 JPEGs) with a
COCO ``instances.json``, then trains SSD (input 128 px) for a few steps in a fresh
process per side (``stream=yes`` and ``stream=no``) and prints each side's peak RSS
and seconds. The streamed side holds a few batches; the in-memory one every image.

    python benchmarks/detection_streaming.py [--quick] [--count 600]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write_coco(root: str, count: int) -> str:
    import cv2

    from workbench.data.images import to_uint8_rgb
    from workbench.data.shapes import make_shapes

    data = make_shapes(count, 64, seed=0)
    payload = data.to_coco()
    for img, image in zip(payload["images"], data.images):
        img["file_name"] = f"{img['id']:06d}.jpg"
        img["width"], img["height"] = 320, 240
        pixels = cv2.resize(to_uint8_rgb(image)[..., ::-1], (320, 240), interpolation=cv2.INTER_LINEAR)
        cv2.imwrite(os.path.join(root, img["file_name"]), pixels)
    for ann in payload["annotations"]:
        x, y, w, h = ann["bbox"]
        ann["bbox"] = [x * 5, y * 3.75, w * 5, h * 3.75]
        ann.pop("segmentation", None)
    path = os.path.join(root, "instances.json")
    with open(path, "w") as handle:
        json.dump(payload, handle)
    return path


def child(path: str, stream: str, out: str) -> dict:
    from workbench.training import TrainConfig, job

    start = time.perf_counter()
    job.run_training(TrainConfig("ssd", "coco", out=out, epochs=1, steps_per_epoch=5, batch_size=16, val_split=0.1,
                                 hparams={"width": 8, "input_size": 128},
                                 data_options={"path": path, "stream": stream}))
    return {"seconds": time.perf_counter() - start,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--quick", action="store_true", help="100 images")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    count = 100 if args.quick else args.count
    with tempfile.TemporaryDirectory() as tmp:
        path = write_coco(tmp, count)
        print(f"{count} images, 320x240 JPEG; in-memory arrays {count * 240 * 320 * 3 * 4 / 1e6:.0f} MB at full size")
        for stream in ("yes", "no"):
            done = subprocess.run([sys.executable, __file__, "--child", path, stream, os.path.join(tmp, stream)],
                                  capture_output=True, text=True, check=True)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"stream={stream}: peak RSS {r['peak_rss_mb']:.0f} MB, {r['seconds']:.1f} s", flush=True)
    print("load:", os.getloadavg())


if __name__ == "__main__":
    main()
