"""Every export format round-trips (classifier, detector, generator), int8 keeps accuracy,
a layer no runtime has is named in one sentence, and a killed export leaves the old one."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from workbench.cli import main


def _export_json(capsys, *argv):
    capsys.readouterr()
    assert main(["export", *map(str, argv), "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _digits_validation(run):
    """The run's validation split, loaded independently of the export code."""
    from workbench import data

    config = json.loads((run / "config.json").read_text())
    dataset = data.load("digits", {}, seed=config["seed"], val_fraction=config["val_split"])
    return dataset.x_val[:256], dataset.y_val[:256]


@pytest.mark.parametrize("fmt,name", [("keras", "m.keras"), ("savedmodel", "saved"),
                                      ("tflite", "m.tflite"), ("onnx", "m.onnx")])
def test_classifier_round_trips_in_each_format(lenet_run, tmp_path, capsys, fmt, name):
    from workbench.models.io import load_model

    out = tmp_path / name
    report = _export_json(capsys, lenet_run, "--format", fmt, "--out", out)
    assert report["format"] == fmt and report["path"] == str(out) and report["quantize"] is None
    assert report["inputs"] == "digits validation split" and report["samples"] == 256
    assert report["max_abs_diff"] < 1e-4 and report["class_agreement"] == 1.0
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) if out.is_dir() else out.stat().st_size
    assert report["size_bytes"] == size and report["ms_per_sample"] > 0
    assert 0 < report["gzip_bytes"] and 0 < report["original_gzip_bytes"] < report["original_size_bytes"]
    # accuracy before = the model's own accuracy on the run's validation samples
    x, y = _digits_validation(lenet_run)
    model = load_model(str(lenet_run))
    accuracy = np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == y)
    assert report["accuracy_before"] == pytest.approx(accuracy) == report["accuracy_after"]
    # the run lists its exports (the before/after table reads them)
    listed = json.loads((lenet_run / "exports.json").read_text())
    assert any(item["path"] == str(out) for item in listed)


def test_int8_keeps_accuracy_within_a_few_points(lenet_run, tmp_path, capsys):
    from workbench.export.tflite import Runner

    out = tmp_path / "m8.tflite"
    report = _export_json(capsys, lenet_run, "--format", "tflite", "--quantize", "int8", "--out", out)
    assert report["quantize"] == "int8" and report["accuracy_before"] > 0.3  # trained, not chance
    assert abs(report["accuracy_after"] - report["accuracy_before"]) <= 0.05
    assert report["class_agreement"] >= 0.9 and 0 < report["max_abs_diff"] < 0.1  # quantised: not exact
    runner = Runner(str(out))  # full integer: the device feeds int8 and reads int8
    assert runner.interpreter.get_input_details()[0]["dtype"] == np.int8
    assert runner.interpreter.get_output_details()[0]["dtype"] == np.int8
    assert report["size_bytes"] < 0.5 * report["original_size_bytes"]
    float16 = _export_json(capsys, lenet_run, "--format", "tflite", "--quantize", "float16",
                           "--out", tmp_path / "m16.tflite")
    assert float16["max_abs_diff"] < 1e-2 and float16["class_agreement"] >= 0.98


@pytest.mark.parametrize("fmt,name", [("tflite", "det.tflite"), ("onnx", "det.onnx")])
def test_detector_round_trips(detector_run, tmp_path, capsys, fmt, name):
    report = _export_json(capsys, detector_run, "--format", fmt, "--out", tmp_path / name)
    assert report["inputs"] == "shapes validation split" and report["samples"] >= 1
    assert report["max_abs_diff"] < 1e-4 and report["class_agreement"] is None


@pytest.mark.parametrize("fmt,name", [("tflite", "gen.tflite"), ("onnx", "gen.onnx")])
def test_generator_round_trips(gan_run, tmp_path, capsys, fmt, name):
    report = _export_json(capsys, gan_run, "--model", "generator", "--format", fmt, "--out", tmp_path / name)
    assert report["inputs"].startswith("random inputs") and report["max_abs_diff"] < 1e-4


@pytest.mark.parametrize("fmt,name", [("savedmodel", "bn"), ("tflite", "bn.tflite"), ("onnx", "bn.onnx")])
def test_batch_normalization_exports_in_inference_mode(tmp_path, fmt, name):
    """Conv + BatchNorm (MobileNet's block): model.export would trace it in training mode."""
    import keras

    from workbench.export import export_model, verify_export

    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, use_bias=False)(keras.layers.Resizing(16, 16)(inputs))
    batch_norm = keras.layers.BatchNormalization()
    model = keras.Model(inputs, batch_norm(x))
    batch_norm.moving_mean.assign([0.1, 0.2, 0.3, 0.4])
    batch_norm.moving_variance.assign([2.0, 1.0, 0.5, 0.25])
    x = np.random.default_rng(0).random((4, 8, 8, 1), dtype=np.float32)
    assert np.abs(np.asarray(model(x, training=True)) - np.asarray(model(x, training=False))).max() > 0.5
    export_model(model, fmt, str(tmp_path / name))
    assert verify_export(model, fmt, str(tmp_path / name), x) < 1e-4


def _svd_model():
    import keras

    class Spectrum(keras.layers.Layer):
        def call(self, x):
            return keras.ops.svd(x, compute_uv=False)

    inputs = keras.Input((4, 4))
    return keras.Model(inputs, keras.layers.Dense(3)(Spectrum(name="singular_values")(inputs)), name="svd_net")


@pytest.mark.parametrize("fmt,name", [("tflite", "s.tflite"), ("onnx", "s.onnx")])
def test_an_unconvertible_layer_is_named(tmp_path, fmt, name):
    from workbench.errors import WorkbenchError
    from workbench.export import export_model

    with pytest.raises(WorkbenchError) as error:
        export_model(_svd_model(), fmt, str(tmp_path / name))
    message = str(error.value)
    assert f"cannot be converted to {fmt}: layer 'singular_values' uses" in message and "Svd" in message
    assert os.listdir(tmp_path) == []  # nothing written, no temporary left


def test_bad_requests_are_sentences(lenet_run, tmp_path, capsys):
    bare = tmp_path / "bare.keras"
    bare.write_bytes((lenet_run / "model.keras").read_bytes())
    cases = [
        (["export", bare, "--format", "tflite", "--quantize", "int8", "--out", tmp_path / "q.tflite"],
         "int8 quantization calibrates on samples of the training data"),
        (["export", lenet_run, "--format", "onnx", "--quantize", "float16", "--out", tmp_path / "q.onnx"],
         "applies to TensorFlow Lite"),
        (["export", lenet_run, "--format", "tflite", "--out", tmp_path / "q.onnx"], "must end in .tflite"),
    ]
    for argv, message in cases:
        assert main(list(map(str, argv))) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "q.tflite").exists()
    target = tmp_path / "again.tflite"
    target.write_bytes(b"an earlier export")
    assert main(["export", str(lenet_run), "--format", "tflite", "--out", str(target)]) == 1
    assert "add --force to replace it" in capsys.readouterr().err
    assert target.read_bytes() == b"an earlier export"


KILLER = """
import os, sys
from workbench.export import formats
real_write = formats.write
def dying_write(model, fmt, path, *args):
    real_write(model, fmt, path, *args)  # the new export is complete, but not yet in place
    with open(path, "r+b") as handle:
        handle.truncate(100)  # and the process dies in the middle of rewriting it
    os._exit(9)
formats.write = dying_write
from workbench.cli import main
main(["export", sys.argv[1], "--format", "tflite", "--out", sys.argv[2], "--force"])
"""


def test_a_kill_during_export_leaves_the_previous_export(lenet_run, tmp_path, capsys):
    target = tmp_path / "model.tflite"
    assert main(["export", str(lenet_run), "--format", "tflite", "--out", str(target), "--no-verify"]) == 0
    before = target.read_bytes()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", KILLER, str(lenet_run), str(target)], env=env,
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 9, done.stderr.decode()[-2000:]
    assert target.read_bytes() == before  # the earlier export, whole
    from workbench.export.tflite import predict

    assert predict(str(target), np.zeros((1, 8, 8, 1), np.float32))[0].shape == (1, 10)
    left = [name for name in os.listdir(tmp_path) if name != "model.tflite"]
    assert all(name.startswith(".tmp-") for name in left)  # only a hidden temporary, cleaned later


def test_outputs_are_paired_by_shape_and_nan_is_never_hidden():
    from workbench.export.verify import max_difference

    a, b = np.zeros((2, 3)), np.ones((2, 5))
    assert max_difference([a, b], [b + 0.5, a + 0.25]) == pytest.approx(0.5)
    assert max_difference([a], [np.full((2, 3), np.nan)]) == float("inf")


def test_before_after_table():
    from workbench.export.verify import ExportReport, table_rows, table_text

    common = {"path": "p", "samples": 10, "inputs": "x", "original_size_bytes": 4096,
              "original_ms_per_sample": 2.0}
    reports = [ExportReport("tflite", None, size_bytes=2048, ms_per_sample=1.0, max_abs_diff=0.0,
                            class_agreement=1.0, accuracy_before=0.9, accuracy_after=0.9, **common),
               ExportReport("tflite", "int8", size_bytes=1024, ms_per_sample=0.5, max_abs_diff=0.01,
                            class_agreement=0.95, accuracy_before=0.9, accuracy_after=0.85, **common)]
    lines = table_text(table_rows(reports)).splitlines()
    assert lines[0].split()[:3] == ["variant", "size", "gzip"]
    assert lines[1].split()[:7] == ["original", "(keras)", "4.0", "KB", "-", "2.000", "90.0%"]
    assert lines[3].split()[:8] == ["tflite", "int8", "1.0", "KB", "-", "0.500", "85.0%", "95.0%"]


def test_a_converter_that_cannot_be_imported_is_named_not_blamed_on_the_model(monkeypatch, tmp_path):
    import keras

    from workbench.errors import WorkbenchError
    from workbench.export import formats, onnx

    def missing(*_args):
        raise ModuleNotFoundError("No module named 'tf2onnx.tflite_utils'", name="tf2onnx.tflite_utils")

    monkeypatch.setattr(onnx, "write", missing)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(WorkbenchError, match=r"onnx converter cannot be loaded .*provides tf2onnx.tflite_utils"):
        formats.write(model, "onnx", str(tmp_path / "m.onnx"))
