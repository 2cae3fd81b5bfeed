"""The streamed loader resizes in TensorFlow where TensorFlow gives OpenCV's pixels
(shrinking by whole factors), without the GIL-bound ``fit_image`` call, and to
``fit_image``'s values everywhere."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from workbench.data import images, streaming

#: (source height, width) -> 12 x 12: unchanged, whole-factor shrinks (TensorFlow's box
#: means), and the ratios that stay with OpenCV (area, area zoom, bilinear up and down).
NATIVE = [(12, 12), (24, 24), (36, 24), (24, 60), (48, 12)]
OPENCV = [(25, 30), (40, 7), (9, 9), (5, 40), (12, 30), (30, 12)]


def _fit(image, channels):
    """In a graph, as ``tf.data`` runs it: every branch is built, one runs."""
    fit = tf.function(lambda x: streaming.fit_pixels(x, 12, 12, channels),
                      input_signature=[tf.TensorSpec((None, None, None), tf.float32)])
    return fit(tf.constant(image)).numpy()


@pytest.mark.parametrize("shape", NATIVE + OPENCV)
@pytest.mark.parametrize("source, channels", [(3, 3), (1, 1), (1, 3), (3, 1)])
def test_streamed_resize_gives_fit_images_pixels(shape, source, channels):
    image = np.random.default_rng(sum(shape)).random((*shape, source)).astype(np.float32)
    expected = images.fit_image(images.fit_image(image, (12, 12, source)), (12, 12, channels))
    got = _fit(image, channels)
    assert got.shape == expected.shape == (12, 12, channels)
    np.testing.assert_allclose(got, expected, rtol=0, atol=2.5e-7)


def test_whole_factor_shrinks_never_call_opencv(monkeypatch):
    """The fast path is TensorFlow's own kernel: with ``fit_image`` broken, whole factors
    still resize, and the other ratios are the ones that reach it."""
    def refuse(*_):
        raise RuntimeError("fit_image called")

    monkeypatch.setattr(images, "fit_image", refuse)
    rng = np.random.default_rng(0)
    for shape in NATIVE:
        assert _fit(rng.random((*shape, 3)).astype(np.float32), 3).shape == (12, 12, 3)
    for shape in OPENCV:
        with pytest.raises(tf.errors.OpError, match="fit_image called"):
            _fit(rng.random((*shape, 3)).astype(np.float32), 3)
