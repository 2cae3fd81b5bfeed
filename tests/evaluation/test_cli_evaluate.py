"""``evaluate`` and ``predict`` on the command line, checked against scikit-learn and the model."""

import csv
import json

import cv2
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from workbench.cli import main
from workbench.evaluation.marks import write_marks

TRAIN = ["--epochs", "1", "--steps-per-epoch", "4", "--batch-size", "32", "--seed", "2", "--quiet"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("evaluate") / "mlp"
    assert main(["train", "mlp", "--data", "digits", "--out", str(out), *TRAIN]) == 0
    return out


def recomputed_validation_predictions(run_dir):
    """The run's validation split and the saved model's predictions of it, done by hand."""
    import keras

    from workbench import data

    config = json.loads((run_dir / "config.json").read_text())
    split = data.load("digits", seed=config["seed"], val_fraction=config["val_split"])
    model = keras.saving.load_model(str(run_dir / "model.keras"))
    return split.y_val, np.asarray(model.predict(split.x_val, verbose=0)).argmax(axis=1)


def test_evaluate_json_equals_scikit_learn_on_the_same_predictions(run, capsys):
    assert main(["evaluate", str(run), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    y_true, predicted = recomputed_validation_predictions(run)
    assert result["labels"] == [str(d) for d in range(10)] and result["samples"] == len(y_true) == 359
    assert result["confusion"] == confusion_matrix(y_true, predicted, labels=range(10)).tolist()
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, predicted, labels=range(10), zero_division=0)
    for d in range(10):
        row = result["per_class"][str(d)]
        assert (row["precision"], row["recall"], row["f1"], row["support"]) == pytest.approx(
            (precision[d], recall[d], f1[d], support[d]))
    assert result["accuracy"] == pytest.approx(np.mean(y_true == predicted))
    history = json.loads((run / "history.json").read_text())
    assert result["accuracy"] == pytest.approx(history["val_accuracy"][-1], abs=1e-6)  # the run's own split
    assert 0.0 <= result["accuracy"] <= result["top_k"]["5"] <= 1.0


def test_evaluate_text_and_misclassified(run, capsys):
    assert main(["evaluate", str(run), "--top-k", "3", "--misclassified", "4"]) == 0
    out = capsys.readouterr().out
    assert "confusion matrix (rows: true class, columns: predicted class)" in out
    assert "top-3 accuracy" in out and "precision     recall" in out
    assert "most confident mistakes (4):" in out and out.count("digits:") == 4


def test_evaluate_refuses_other_tasks_in_one_sentence(run, tmp_path, capsys):
    assert main(["evaluate", str(run), "--data", "shapes"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "shapes is detection data; evaluate measures classifiers" in err[0]
    assert main(["evaluate", str(run), "--data", "iris"]) == 1
    assert "takes inputs of shape (8, 8, 1) but iris gives (4,)" in capsys.readouterr().err
    regression = tmp_path / "linear"
    assert main(["train", "linear_regression", "--data", "linear", "--out", str(regression), *TRAIN]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(regression)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a regression run; evaluate measures classifiers" in err[0]


def test_a_run_trained_with_exclusions_has_fewer_samples(run, tmp_path, capsys):
    from workbench import data
    from workbench.training import TrainConfig, job

    whole = data.load("digits", seed=2)
    marks = tmp_path / "marks.csv"
    marked = list(whole.ids_val[:5]) + list(whole.ids_train[:6])
    write_marks(str(marks), [{"path": i, "given_label": "", "predicted_label": "", "confidence": None,
                              "mark": "drop"} for i in marked])
    out = tmp_path / "excluded"
    config = TrainConfig("mlp", "digits", epochs=1, seed=2, steps_per_epoch=4,
                         data_options={"exclude": str(marks)}, out=str(out))
    result = job.run_training(config)
    assert len(result.dataset.x_train) == len(whole.x_train) - 6
    assert not set(marked) & set(result.dataset.ids_train)
    config = json.loads((out / "config.json").read_text())
    assert config["data_options"] == {"exclude": str(marks)}
    capsys.readouterr()
    assert main(["evaluate", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["samples"] == 359 - 5 and sum(map(sum, result["confusion"])) == 354
    trained_on = data.load("digits", config["data_options"], seed=2)
    assert len(trained_on.x_train) == len(whole.x_train) - 6


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("pngs")
    (root / "sub").mkdir()
    images = load_digits().images
    for name, index in (("a.png", 0), ("sub/b.png", 7)):
        cv2.imwrite(str(root / name), (images[index] / 16 * 255).astype(np.uint8))
    (root / "broken.png").write_bytes(b"not a png")
    return root


def test_predict_a_folder_with_a_corrupt_file(run, folder, tmp_path, capsys):
    out = tmp_path / "predictions.csv"
    assert main(["predict", str(run), "--image", str(folder), "--top", "3", "--csv", str(out), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["path"] for r in rows] == [str(folder / "a.png"), str(folder / "broken.png"),
                                         str(folder / "sub" / "b.png")]
    assert "not a readable image" in rows[1]["error"] and "top" not in rows[1]
    for row in (rows[0], rows[2]):  # the same answer as the single-image command
        assert main(["predict", str(run), "--image", row["path"], "--top", "3", "--json"]) == 0
        single = json.loads(capsys.readouterr().out)
        assert row["class_name"] == single["class_name"]
        assert [t["probability"] for t in row["top"]] == pytest.approx([t["probability"] for t in single["top"]])
    with open(out, newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["path", "label", "probability", "label_1", "probability_1", "label_2",
                        "probability_2", "label_3", "probability_3", "error"]
    assert len(table) == 4
    first = rows[0]["top"]
    assert table[1][:5] == [rows[0]["path"], first[0]["label"], f"{first[0]['probability']:.6f}",
                            first[0]["label"], f"{first[0]['probability']:.6f}"]
    assert table[1][7:9] == [first[2]["label"], f"{first[2]['probability']:.6f}"] and table[1][9] == ""
    assert table[2][0] == rows[1]["path"] and table[2][1:9] == [""] * 8 and "not a readable" in table[2][9]


def test_predict_refuses_to_overwrite_and_a_bad_top(run, folder, tmp_path, capsys):
    existing = tmp_path / "mine.csv"
    existing.write_text("keep me")
    assert main(["predict", str(run), "--image", str(folder), "--csv", str(existing)]) == 1
    assert "already exists" in capsys.readouterr().err and existing.read_text() == "keep me"
    assert main(["predict", str(run), "--image", str(folder), "--csv", str(existing), "--force"]) == 0
    assert "2 image(s) classified, 1 unreadable" in capsys.readouterr().out
    assert existing.read_text().startswith("path,label,probability")
    assert main(["predict", str(run), "--image", str(folder), "--top", "0"]) == 1
    assert "--top 0 must be 1 or more" in capsys.readouterr().err


def write_digit_folder(root, indices):
    digits = load_digits()
    images, targets = digits.images, digits.target
    for k in indices:
        folder = root / f"d{targets[k]}"
        folder.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(folder / f"{k}.png"), (images[k] / 16 * 255).astype(np.uint8))


def test_a_held_out_folder_with_fewer_classes_is_scored_whole(tmp_path, capsys):
    import keras

    from workbench.data.folders import load_folder
    from workbench.training import TrainConfig, job

    targets = load_digits().target
    write_digit_folder(tmp_path / "train", [k for k in range(60) if targets[k] < 3])
    write_digit_folder(tmp_path / "test", [k for k in range(100, 160) if targets[k] in (0, 2)])
    run_dir = tmp_path / "run"
    job.run_training(TrainConfig("mlp", str(tmp_path / "train"), epochs=1, steps_per_epoch=2,
                                 data_options={"image_size": 8}, out=str(run_dir)))
    assert main(["evaluate", str(run_dir), "--data", str(tmp_path / "test"), "--split", "all", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    held_out = load_folder({"path": str(tmp_path / "test"), "image_size": 8}, 0, 0.0)
    model = keras.saving.load_model(str(run_dir / "model.keras"))
    predicted = model.predict(held_out.x_train, verbose=0).argmax(axis=1)
    y_true = np.array([0, 2])[held_out.y_train]  # the test folder's d0, d2 are the model's classes 0 and 2
    assert result["labels"] == ["d0", "d1", "d2"] and result["samples"] == len(y_true)
    assert result["confusion"] == confusion_matrix(y_true, predicted, labels=range(3)).tolist()
    assert result["per_class"]["d1"]["support"] == 0
