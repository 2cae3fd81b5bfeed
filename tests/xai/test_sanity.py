"""Sanity checks for saliency maps (Adebayo et al. 2018) on the tiny square-finding CNN."""

import json

import cv2
import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.xai import sanity


@pytest.fixture(scope="module")
def checked(trained_cnn, square_image):
    """One cascading run of Grad-CAM and saliency, with the weights seen before and after."""
    before = [w.copy() for w in trained_cnn.get_weights()]
    result = sanity.cascading_randomization(trained_cnn, square_image, ["gradcam", "saliency"], seed=0)
    return result, before, [w.copy() for w in trained_cnn.get_weights()]


def test_layers_are_randomised_from_the_output_down(checked):
    result, _, _ = checked
    assert result.layers == ["predictions", "conv2", "conv1"]
    assert result.steps == ["original", "predictions", "conv2", "conv1"]
    for method in ("gradcam", "saliency"):
        for metric in sanity.METRICS:
            assert len(result.similarity[method][metric]) == 4
            assert result.similarity[method][metric][0] == pytest.approx(1.0)  # the map against itself


def test_first_step_randomises_only_the_output_layer(checked, trained_cnn, square_image):
    """By hand: with only the output layer redrawn, Grad-CAM on this GAP head is the
    trained conv2 features weighted by the new kernel's class column (Grad-CAM = CAM here)."""
    import keras

    result, _, _ = checked
    clone = sanity.clone_with_weights(trained_cnn)
    sanity.reinitialize(clone.get_layer("predictions"), seed=0, step=1)
    features = keras.Model(trained_cnn.inputs[0], trained_cnn.get_layer("conv2").output)(square_image[None])
    kernel = clone.get_layer("predictions").get_weights()[0]
    cam = np.maximum(np.asarray(features[0]) @ kernel[:, result.class_index], 0)
    expected = cv2.resize(cam, (16, 16), interpolation=cv2.INTER_LINEAR)
    expected = expected / expected.max()
    np.testing.assert_allclose(result.maps["gradcam"][1], expected, atol=1e-4)


def test_gradcam_falls_apart_once_the_model_is_random(checked):
    result, _, _ = checked
    gradcam = result.similarity["gradcam"]
    assert gradcam["spearman_abs"][-1] < sanity.PASS_BOUND
    assert gradcam["spearman"][-1] < sanity.PASS_BOUND
    assert result.passes["gradcam"] is True and "gradcam" not in result.failing


def test_the_gradient_reacts_already_to_the_output_layer(checked):
    """The paper's Fig. 2/4: the vanilla gradient changes as soon as the logits layer is
    random, and stays unlike the original down to the input."""
    result, _, _ = checked
    saliency = result.similarity["saliency"]
    assert saliency["spearman_abs"][1] < sanity.PASS_BOUND
    assert max(saliency["spearman_abs"][1:]) < sanity.PASS_BOUND
    assert saliency["ssim"][1] < 0.5
    assert result.passes["saliency"] is True
    assert "saliency" not in result.top_insensitive


def test_the_original_model_keeps_its_weights(checked):
    _, before, after = checked
    assert len(before) == len(after)
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)


def test_reinitialised_layers_are_a_fresh_draw_from_their_initializers(trained_cnn):
    clone = sanity.clone_with_weights(trained_cnn)
    dense = clone.get_layer("predictions")
    trained_kernel = trained_cnn.get_layer("predictions").get_weights()[0]
    np.testing.assert_array_equal(dense.get_weights()[0], trained_kernel)  # the clone starts trained
    sanity.reinitialize(dense, seed=3, step=1)
    kernel, bias = dense.get_weights()
    limit = np.sqrt(6.0 / sum(kernel.shape))  # glorot_uniform, Dense's default
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.5 * limit
    assert not np.allclose(kernel, trained_kernel)
    np.testing.assert_array_equal(bias, np.zeros_like(bias))  # bias_initializer="zeros"
    again = sanity.clone_with_weights(trained_cnn).get_layer("predictions")
    sanity.reinitialize(again, seed=3, step=1)
    np.testing.assert_array_equal(again.get_weights()[0], kernel)  # seeded: the check repeats exactly


def test_similarity_of_a_map_with_itself_and_against_the_libraries():
    from scipy.stats import spearmanr
    from skimage.metrics import structural_similarity

    rng = np.random.default_rng(0)
    a = rng.normal(size=(16, 16))
    b = a + rng.normal(scale=0.8, size=(16, 16))
    assert sanity.similarity(a, a) == pytest.approx({m: 1.0 for m in sanity.METRICS})
    scores = sanity.similarity(a, b)
    assert scores["spearman"] == pytest.approx(spearmanr(a.ravel(), b.ravel()).statistic)
    assert scores["spearman_abs"] == pytest.approx(spearmanr(np.abs(a).ravel(), np.abs(b).ravel()).statistic)
    unit = lambda m: (m - m.min()) / (m.max() - m.min())
    assert scores["ssim"] == pytest.approx(structural_similarity(unit(a), unit(b), data_range=1.0))
    assert scores["ssim_abs"] == pytest.approx(
        structural_similarity(unit(np.abs(a)), unit(np.abs(b)), data_range=1.0))
    assert scores["spearman"] < 1.0 and scores["ssim"] < 1.0
    assert sanity.spearman(np.zeros(9), a[:3, :3]) == 0.0  # a constant map ranks nothing


def test_cancel_stops_between_maps_and_leaves_no_verdict(trained_cnn, square_image):
    seen = []
    result = sanity.cascading_randomization(trained_cnn, square_image, ["gradcam", "saliency"],
                                            progress=lambda done, total: seen.append((done, total)),
                                            should_stop=lambda: len(seen) >= 3)
    assert result.cancelled and seen == [(1, 8), (2, 8), (3, 8)]
    assert result.passes == {"gradcam": None, "saliency": None}


def test_data_randomization_copy_is_trained_on_shuffled_labels(trained_cnn, square_image, square_data):
    images, labels = square_data
    before = [w.copy() for w in trained_cnn.get_weights()]
    outcome = sanity.data_randomization(trained_cnn, square_image, ["gradcam"], images[:128], labels[:128],
                                        epochs=1, seed=0)
    assert outcome["epochs"] == 1 and 0.0 <= outcome["accuracy_shuffled"] <= 1.0
    row = outcome["methods"]["gradcam"]
    assert set(row) == set(sanity.METRICS) | {"passes"}
    assert all(-1.0 <= row[m] <= 1.0 for m in sanity.METRICS) and row["spearman_abs"] < 0.9
    assert outcome["maps"]["gradcam"].shape == (16, 16)
    for old, new in zip(before, trained_cnn.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_bad_input_gets_a_sentence(trained_cnn, square_image):
    with pytest.raises(WorkbenchError, match="unknown explanation method 'magic'"):
        sanity.cascading_randomization(trained_cnn, square_image, ["gradcam", "magic"])
    with pytest.raises(WorkbenchError, match="does not fit the model's input"):
        sanity.cascading_randomization(trained_cnn, np.zeros((8, 8, 3), np.float32), ["gradcam"])
    with pytest.raises(WorkbenchError, match="at least one method"):
        sanity.cascading_randomization(trained_cnn, square_image, " , ")


# ----------------------------------------------------------------------------- the CLI
@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    from sklearn.datasets import load_digits

    from workbench.cli import main

    root = tmp_path_factory.mktemp("sanity")
    assert main(["train", "gap_cnn", "--data", "digits", "--epochs", "1", "--batch-size", "64",
                 "--set", "filters=8", "--out", str(root / "run"), "--quiet"]) == 0
    cv2.imwrite(str(root / "four.png"), (load_digits().images[4] / 16 * 255).astype(np.uint8))
    return root


def test_cli_sanity_check_json_and_sheet(digits_run, tmp_path, capsys):
    from workbench.cli import main

    capsys.readouterr()
    sheet = tmp_path / "sanity.png"
    assert main(["explain", str(digits_run / "run"), "--image", str(digits_run / "four.png"), "--sanity-check",
                 "--compare", "gradcam,saliency", "--json", "--data-randomization", "--data-epochs", "1",
                 "--out", str(sheet)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["layers"][0] == "predictions" and report["steps"][0] == "original"
    assert set(report["methods"]) == {"gradcam", "saliency"}
    for row in report["methods"].values():
        assert set(row) == {"spearman", "spearman_abs", "ssim", "ssim_abs", "passes"}
        assert len(row["spearman"]) == len(report["layers"]) + 1 and row["spearman"][0] == pytest.approx(1.0)
    assert set(report["data_randomization"]["methods"]) == {"gradcam", "saliency"}
    assert "maps" not in report["data_randomization"]
    assert cv2.imread(str(sheet)).shape[1] == 1400


def test_cli_refuses_bad_input_with_a_sentence(digits_run, tmp_path, capsys):
    from workbench.cli import main

    run, image = str(digits_run / "run"), str(digits_run / "four.png")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not an image")
    cases = [(["--compare", "gradcam,magic"], "unknown explanation method"),
             (["--image", str(broken)], "broken.png"),
             (["--data-randomization"], "needs a run directory")]
    for extra, message in cases:
        capsys.readouterr()
        target = str(digits_run / "run" / "model.keras") if "--data-randomization" in extra else run
        argv = ["explain", target, "--image", image, "--sanity-check", "--json"] + extra
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and err.count("\n") == 1
