"""Huge images are read reduced with a sentence, and windows draw display-sized copies
(``workbench.data.images.read_image_capped`` / ``display_copy``), against OpenCV."""

import cv2
import numpy as np
import pytest

from workbench.data import images


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    bgr = cv2.resize(small, (400, 300), interpolation=cv2.INTER_CUBIC)
    folder = tmp_path_factory.mktemp("photos")
    cv2.imwrite(str(folder / "photo.jpg"), bgr)
    cv2.imwrite(str(folder / "photo.png"), bgr)
    return folder, bgr


def test_an_image_under_the_cap_is_read_whole(photo):
    folder, bgr = photo
    image, note = images.read_image_capped(str(folder / "photo.png"), max_pixels=120_000)
    assert note == ""
    np.testing.assert_array_equal(image, bgr[..., ::-1].astype(np.float32) / 255.0)


def test_a_jpeg_over_the_cap_is_decoded_reduced_by_libjpeg(photo):
    folder, _ = photo
    path = str(folder / "photo.jpg")
    image, note = images.read_image_capped(path, max_pixels=119_999)  # 120,000 pixels: 1/2 fits
    reduced = cv2.imread(path, cv2.IMREAD_REDUCED_COLOR_2)
    assert image.shape == (150, 200, 3)
    np.testing.assert_array_equal(image, reduced[..., ::-1].astype(np.float32) / 255.0)
    assert note == "photo.jpg is 400×300 (0 MP): read at 200×150 (images above 0 MP are reduced)"
    image, _ = images.read_image_capped(path, max_pixels=7_500)  # 1/4 is 7,500 pixels: it fits
    assert image.shape == (75, 100, 3)


def test_a_png_over_the_cap_is_resized_by_area_to_fit(photo):
    folder, bgr = photo
    image, note = images.read_image_capped(str(folder / "photo.png"), max_pixels=30_000)
    scale = (30_000 / 120_000) ** 0.5
    expected = cv2.resize(bgr, (int(400 * scale), int(300 * scale)), interpolation=cv2.INTER_AREA)
    assert image.shape == (150, 200, 3) and "read at 200×150" in note
    np.testing.assert_array_equal(image, expected[..., ::-1].astype(np.float32) / 255.0)


def test_the_display_copy_is_the_area_resize_as_uint8():
    rng = np.random.default_rng(1)
    image = rng.random((3000, 4000, 3), dtype=np.float32)
    copy = images.display_copy(image, side=1024)
    assert copy.shape == (768, 1024, 3) and copy.dtype == np.uint8
    expected = images.to_uint8_rgb(cv2.resize(image, (1024, 768), interpolation=cv2.INTER_AREA))
    np.testing.assert_array_equal(copy, expected)
    small = rng.random((20, 30, 1), dtype=np.float32)
    np.testing.assert_array_equal(images.display_copy(small), images.to_uint8_rgb(small))  # never enlarged
