"""Deletion / insertion scores, overlays, the comparison sheet and folder batches."""

import numpy as np
import pytest

import workbench.xai as xai
from workbench.errors import WorkbenchError
from workbench.xai.faithfulness import auc, deletion_insertion


def test_curves_start_and_end_where_they_should(trained_cnn, square_image):
    heat = xai.explain(trained_cnn, square_image, "gradcam", class_index=1).heatmap
    scores = deletion_insertion(trained_cnn, square_image, heat, 1, steps=8, baseline="zero")
    full = float(trained_cnn.predict(square_image[None], verbose=0)[0, 1])
    black = float(trained_cnn.predict(np.zeros((1, 16, 16, 3), np.float32), verbose=0)[0, 1])
    assert len(scores["deletion_curve"]) == len(scores["insertion_curve"]) == 9
    assert scores["deletion_curve"][0] == pytest.approx(full, abs=1e-5)
    assert scores["deletion_curve"][-1] == pytest.approx(black, abs=1e-5)
    assert scores["insertion_curve"][0] == pytest.approx(black, abs=1e-5)
    assert scores["insertion_curve"][-1] == pytest.approx(full, abs=1e-5)
    assert scores["deletion_auc"] == pytest.approx(auc(scores["deletion_curve"]))
    assert auc(np.array([0.0, 1.0])) == pytest.approx(0.5)


def test_gradcam_deletes_faster_than_a_random_map(trained_cnn, square_data):
    """On eight square images the class evidence is the square: deleting in Grad-CAM's
    order must kill the class faster than deleting in a random order."""
    images, labels = square_data
    chosen = images[labels == 1][:8]
    rng = np.random.default_rng(0)
    ours, random = [], []
    for image in chosen:
        heat = xai.explain(trained_cnn, image, "gradcam", class_index=1).heatmap
        ours.append(deletion_insertion(trained_cnn, image, heat, 1, steps=16)["deletion_auc"])
        noise = rng.random(heat.shape).astype(np.float32)
        random.append(deletion_insertion(trained_cnn, image, noise, 1, steps=16)["deletion_auc"])
    ours, random = np.array(ours), np.array(random)
    assert ours.mean() < random.mean() - 0.1
    assert (ours < random).sum() >= 7


def test_bad_heatmap_shape(trained_cnn, square_image):
    with pytest.raises(WorkbenchError, match="does not match"):
        deletion_insertion(trained_cnn, square_image, np.ones((8, 8)), 1)


def test_overlay_blends_with_alpha():
    image = np.full((10, 12, 3), 100, np.uint8)
    heat = np.linspace(0, 1, 120, dtype=np.float32).reshape(10, 12)
    assert np.array_equal(xai.overlay(image, heat, alpha=0.0), image)
    full = xai.overlay(image, heat, alpha=1.0, colormap="jet")
    assert full.dtype == np.uint8 and full.shape == (10, 12, 3)
    assert tuple(full[0, 0]) == (0, 0, 128)  # jet's lowest value is dark blue (RGB)
    half = xai.overlay(image, heat, alpha=0.5)
    assert np.abs(half.astype(int) - (image.astype(int) + full.astype(int)) / 2).max() <= 1
    gray = xai.overlay(np.full((5, 5, 1), 0.5, np.float32), np.zeros((10, 10)), 0.3, "viridis")
    assert gray.shape == (5, 5, 3)  # float input and a heatmap of another size both accepted
    with pytest.raises(WorkbenchError, match="colormap='rainbowz'"):
        xai.overlay(image, heat, colormap="rainbowz")


def test_compare_sheet_lists_each_method(trained_cnn, make_cnn, square_image):
    sheet = xai.compare_sheet(trained_cnn, square_image, ["gradcam", "saliency", "cam"], tile=96)
    assert sheet.dtype == np.uint8 and sheet.shape == (96 + 40, 4 * 96, 3)
    flatten = make_cnn(head="flatten")
    from workbench.xai.compare import compare

    rows = compare(flatten, square_image, "cam,gradcam")
    assert rows[0]["explanation"] is None and "Grad-CAM" in rows[0]["error"]
    assert 0.0 <= rows[1]["scores"]["deletion_auc"] <= 1.0
    with pytest.raises(WorkbenchError, match="unknown explanation method 'gradkam'"):
        xai.compare_sheet(trained_cnn, square_image, ["gradkam"])
