"""`keras-workbench explain` for every method, and `--compare` on one sheet."""

import cv2
import numpy as np
import pytest

from workbench import xai
from workbench.cli import main

FAST_OPTIONS = {  # small sample counts: the methods' maths is tested in tests/xai
    "lime": ["num_samples=60", "segments=8"],
    "shap": ["max_evals=40"],
    "integrated_gradients": ["steps=16"],
    "smoothgrad": ["samples=4"],
}


@pytest.fixture(scope="module")
def gap_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("xai") / "run"
    assert main(["train", "gap_cnn", "--data", "digits", "--epochs", "1", "--batch-size", "64",
                 "--set", "filters=8", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def digit(tmp_path_factory):
    from sklearn.datasets import load_digits

    path = tmp_path_factory.mktemp("img") / "four.png"
    cv2.imwrite(str(path), (load_digits().images[4] / 16 * 255).astype(np.uint8))
    return path


@pytest.mark.parametrize("method", sorted(xai.METHODS))
def test_every_method_writes_an_overlay(method, gap_run, digit, tmp_path, capsys):
    heat = tmp_path / "heat.npy"
    argv = ["explain", str(gap_run), "--image", str(digit), "--method", method,
            "--out", str(tmp_path / "o.png"), "--heatmap", str(heat)]
    for option in FAST_OPTIONS.get(method, []):
        argv += ["--option", option]
    assert main(argv) == 0, capsys.readouterr().err
    heatmap = np.load(heat)
    assert heatmap.shape == (8, 8) and np.isfinite(heatmap).all()
    assert heatmap.max() > heatmap.min()  # a map, not a constant
    assert cv2.imread(str(tmp_path / "o.png")).shape == (8, 8, 3)


def test_compare_writes_one_sheet_with_a_tile_per_method(gap_run, digit, tmp_path):
    out = tmp_path / "sheet.png"
    assert main(["explain", str(gap_run), "--image", str(digit), "--compare", "cam,gradcam,saliency",
                 "--out", str(out)]) == 0
    sheet = cv2.imread(str(out))
    single = tmp_path / "single.png"
    assert main(["explain", str(gap_run), "--image", str(digit), "--compare", "gradcam",
                 "--out", str(single)]) == 0
    assert sheet.shape[1] > cv2.imread(str(single)).shape[1]  # more tiles, a wider sheet


def test_an_option_the_method_does_not_know_is_named(gap_run, digit, tmp_path, capsys):
    assert main(["explain", str(gap_run), "--image", str(digit), "--method", "gradcam",
                 "--option", "steps=5", "--out", str(tmp_path / "o.png")]) == 1
    assert "not understood by gradcam" in capsys.readouterr().err
