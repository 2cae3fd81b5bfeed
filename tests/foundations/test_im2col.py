"""Convolution by im2col + one matmul equals Keras' Conv2D; the output-size formula."""

import itertools

import keras
import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.layers.im2col_conv import Im2ColConv2D, conv_output_size, im2col, same_padding

GRID = list(itertools.product((1, 2, 3), (1, 2, 3), ("valid", "same", 0, 1, 2)))


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).standard_normal((2, 7, 6, 3)).astype(np.float32)


@pytest.mark.parametrize("kernel, stride, padding", GRID)
def test_equals_conv2d_with_the_same_weights(images, kernel, stride, padding):
    ours = Im2ColConv2D(4, kernel, stride, padding)
    result = np.asarray(ours(images))
    explicit = isinstance(padding, int)  # Conv2D has no integer padding: pad the input first
    inputs = np.pad(images, ((0, 0), (padding,) * 2, (padding,) * 2, (0, 0))) if explicit else images
    reference = keras.layers.Conv2D(4, kernel, stride, padding="valid" if explicit else padding)
    reference.build(inputs.shape)
    reference.set_weights(ours.get_weights())  # same (kh, kw, in, out) layout
    expected = np.asarray(reference(inputs))
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, atol=1e-5)
    if explicit:
        assert result.shape[1:3] == (conv_output_size(7, kernel, stride, padding),
                                     conv_output_size(6, kernel, stride, padding))


def test_rectangular_kernel_and_strides(images):
    ours = Im2ColConv2D(5, (3, 2), (2, 1), "same", activation="relu")
    reference = keras.layers.Conv2D(5, (3, 2), (2, 1), padding="same", activation="relu")
    ours.build(images.shape)
    reference.build(images.shape)
    reference.set_weights(ours.get_weights())
    np.testing.assert_allclose(np.asarray(ours(images)), np.asarray(reference(images)), atol=1e-5)


def test_notes_example_5x5_filter_3x3_stride_2_pad_1_gives_3x3():
    assert conv_output_size(5, 3, 2, 1) == 3
    assert conv_output_size(28, 5, 1, 0) == 24 and conv_output_size(32, 3, 1, 1) == 32
    x = np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1)
    assert Im2ColConv2D(1, 3, 2, 1).compute_output_shape((1, 5, 5, 1)) == (1, 3, 3, 1)
    assert np.asarray(Im2ColConv2D(1, 3, 2, 1)(x)).shape == (1, 3, 3, 1)


def test_im2col_rows_are_the_receptive_fields():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    columns = np.asarray(im2col(x, (2, 2), (2, 2), ((0, 0), (0, 0))))
    assert columns.shape == (1, 2, 2, 4)  # 2x2 positions, each a row of 2*2*1 pixels
    np.testing.assert_array_equal(columns[0, 0, 0], [0, 1, 4, 5])
    np.testing.assert_array_equal(columns[0, 1, 1], [10, 11, 14, 15])


def test_same_padding_puts_the_odd_pixel_after():
    assert same_padding(5, 3, 1) == (1, 1)
    assert same_padding(6, 3, 2) == (0, 1)
    assert same_padding(7, 1, 3) == (0, 0)


@pytest.mark.parametrize("args", [(0, 3, 1, 0), (5, 3, 0, 0), (5, 3, 1, -1), (2, 5, 1, 1)])
def test_output_size_rejects_impossible_geometry(args):
    with pytest.raises(WorkbenchError, match=f"{args[1]}"):
        conv_output_size(*args)


def test_saved_im2col_cnn_reloads(tmp_path):
    from workbench import catalog
    from workbench.data import DataInfo
    from workbench.models.io import load_model

    entry = catalog.get("im2col_cnn")
    info = DataInfo("digits", "image", "classification", (8, 8, 1), tuple("0123456789"))
    model = entry.build(entry.resolve({"padding": "1", "stride": 2, "normalization": "group"}), info)
    assert model.get_layer("conv1").output.shape[1:3] == (4, 4)  # floor((8 + 2 - 3) / 2) + 1
    path = str(tmp_path / "m.keras")
    model.save(path)
    x = np.random.default_rng(1).random((3, 8, 8, 1)).astype(np.float32)
    np.testing.assert_allclose(load_model(path).predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_too_small_input_is_explained():
    from workbench import catalog
    from workbench.data import DataInfo

    entry = catalog.get("im2col_cnn")
    info = DataInfo("digits", "image", "classification", (8, 8, 1), tuple("0123456789"))
    with pytest.raises(WorkbenchError, match="5x5 filter"):
        entry.build(entry.resolve({"padding": "valid", "kernel_size": 5}), info)
