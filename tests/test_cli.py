"""The command line end to end: the same core, one line on stderr for bad input."""

import json

import numpy as np
import pytest

from workbench.cli import main


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    assert main(["train", "lenet", "--data", "digits", "--epochs", "1", "--batch-size", "64",
                 "--seed", "3", "--set", "width=2", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def digit_png(tmp_path_factory):
    import cv2
    from sklearn.datasets import load_digits

    path = tmp_path_factory.mktemp("img") / "seven.png"
    image = (load_digits().images[7] / 16 * 255).astype(np.uint8)
    cv2.imwrite(str(path), cv2.resize(image, (24, 24), interpolation=cv2.INTER_NEAREST))
    return path


def test_train_writes_a_repeatable_run(trained):
    config = json.loads((trained / "config.json").read_text())
    assert config["model"] == "lenet" and config["seed"] == 3 and config["hparams"]["width"] == 2
    history = json.loads((trained / "history.json").read_text())
    assert history["epoch"] == [1] and 0.0 < history["val_accuracy"][0] <= 1.0


def test_catalog_and_datasets_json(capsys):
    assert main(["catalog", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    lenet = next(r for r in rows if r["name"] == "lenet")
    assert lenet["family"] == "B. Image classification"
    assert {h["name"] for h in lenet["hparams"]} >= {"width", "normalization", "dropout"}
    assert main(["datasets", "--json"]) == 0
    names = {r["name"] for r in json.loads(capsys.readouterr().out)}
    assert {"digits", "iris", "folder", "csv", "mnist", "cifar10"} <= names


def test_build_counts_parameters(capsys):
    assert main(["build", "lenet", "--input-shape", "28,28,1", "--classes", "10", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    # conv 5x5x1x6+6, conv 5x5x6x16+16, 7*7*16 -> 120 -> 84 -> 10
    expected = 156 + 2416 + (784 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10)
    assert counts["params"] == counts["trainable"] == expected


def test_predict_json(trained, digit_png, capsys):
    assert main(["predict", str(trained / "model.keras"), "--image", str(digit_png), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["top"]) == 5 and result["class_name"] in [str(d) for d in range(10)]
    assert sum(r["probability"] for r in result["top"]) <= 1.0 + 1e-6


def test_explain_writes_overlay_and_heatmap(trained, digit_png, tmp_path):
    import cv2

    out, heat = tmp_path / "overlay.png", tmp_path / "heat.npy"
    assert main(["explain", str(trained), "--image", str(digit_png), "--method", "gradcam",
                 "--out", str(out), "--heatmap", str(heat)]) == 0
    heatmap = np.load(heat)
    assert heatmap.shape == (8, 8) and heatmap.min() >= 0.0 and heatmap.max() == pytest.approx(1.0)
    assert cv2.imread(str(out)).shape == (8, 8, 3)


@pytest.mark.parametrize("fmt,name", [("keras", "copy.keras"), ("savedmodel", "saved")])
def test_export_reloads_with_identical_predictions(trained, tmp_path, capsys, fmt, name):
    assert main(["export", str(trained / "model.keras"), "--format", fmt, "--out", str(tmp_path / name)]) == 0
    diff = float(capsys.readouterr().out.rsplit("=", 1)[1])
    assert diff < 1e-5


@pytest.mark.parametrize("argv,message", [
    (["train", "lenet5", "--data", "digits", "--out", "x"], "unknown model 'lenet5'"),
    (["train", "lenet", "--data", "nodata", "--out", "x"], "unknown dataset 'nodata'"),
    (["train", "lenet", "--data", "digits", "--out", "x", "--set", "dropout=2"], "above its maximum"),
    (["train", "lenet", "--data", "digits", "--out", "x", "--set", "nope=1"], "unknown hyperparameter"),
    (["predict", "missing.keras", "--image", "missing.png"], "image file not found"),
    (["explain", "m.keras", "--image", "i.png", "--method", "magic", "--out", "o.png"],
     "unknown explanation method 'magic'"),
])
def test_bad_input_is_one_line_on_stderr(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]


def test_not_an_image_and_corrupt_model(trained, tmp_path, capsys):
    fake = tmp_path / "fake.png"
    fake.write_text("not an image")
    assert main(["predict", str(trained / "model.keras"), "--image", str(fake)]) == 1
    assert "not a readable image" in capsys.readouterr().err
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04 truncated")
    real = tmp_path / "real.png"
    import cv2
    cv2.imwrite(str(real), np.zeros((8, 8), np.uint8))
    assert main(["predict", str(broken), "--image", str(real)]) == 1
    assert "cannot load model" in capsys.readouterr().err
