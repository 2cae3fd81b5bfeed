"""One tiny trained run and one image for the reliability tests, made once per session.

A plain module rather than a conftest, so that other reliability tests keep their own
conftest; each test file copies the run before damaging it.
"""

from __future__ import annotations

import hashlib
import os
import shutil

import numpy as np

_made: dict[str, str] = {}


def trained_run(tmp_path_factory) -> str:
    """LeNet at width 2 on the embedded digits, one epoch of two batches."""
    if "run" not in _made:
        from workbench.cli import main

        out = tmp_path_factory.mktemp("reliability") / "run"
        assert main(["train", "lenet", "--data", "digits", "--epochs", "1", "--batch-size", "32",
                     "--steps-per-epoch", "2", "--seed", "0", "--set", "width=2", "--out", str(out),
                     "--quiet"]) == 0
        _made["run"] = str(out)
    return _made["run"]


def digit_png(tmp_path_factory) -> str:
    if "image" not in _made:
        import cv2
        from sklearn.datasets import load_digits

        path = tmp_path_factory.mktemp("reliability-img") / "seven.png"
        image = (load_digits().images[7] / 16 * 255).astype(np.uint8)
        cv2.imwrite(str(path), cv2.resize(image, (24, 24), interpolation=cv2.INTER_NEAREST))
        _made["image"] = str(path)
    return _made["image"]


def copy_run(source: str, target) -> str:
    shutil.copytree(source, str(target), ignore=shutil.ignore_patterns(".lock"))
    return str(target)


def snapshot(folder) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) -> its SHA-256: equal snapshots mean
    byte-identical trees."""
    found = {}
    for root, dirs, files in os.walk(str(folder)):
        for name in dirs + files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, str(folder))
            if os.path.isdir(path):
                found[rel + "/"] = "dir"
            else:
                with open(path, "rb") as handle:
                    found[rel] = hashlib.sha256(handle.read()).hexdigest()
    return found
