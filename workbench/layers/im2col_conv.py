"""Convolution computed as im2col + one matrix product.

Chellapilla, Puri & Simard (2006), "High performance convolutional neural networks
for document processing": every receptive field of the (padded) input is unrolled
into one row of a matrix, the filters into the columns of another, and the whole
convolution becomes a single matmul, which is what BLAS and GPUs do fastest. The
price is memory: each input pixel is copied up to ``kh * kw`` times.

The output side length is ``floor((in + 2 pad - k) / stride) + 1``
(``conv_output_size``): a 5x5 input, a 3x3 filter, stride 2 and padding 1 give 3x3.
Weights have ``Conv2D``'s layout ``(kh, kw, in_channels, filters)``, so the two layers
can exchange weights and give the same result.
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from workbench.errors import WorkbenchError


def conv_output_size(in_size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """``floor((in_size + 2 pad - kernel) / stride) + 1``; 5, 3, 2, 1 -> 3."""
    if in_size < 1 or kernel < 1 or stride < 1 or pad < 0:
        raise WorkbenchError(f"conv_output_size(in_size={in_size}, kernel={kernel}, stride={stride}, pad={pad}): "
                             "sizes and stride must be positive and the padding non-negative")
    if in_size + 2 * pad < kernel:
        raise WorkbenchError(f"a {kernel}-wide filter does not fit in an input of {in_size} "
                             f"with padding {pad}")
    return (in_size + 2 * pad - kernel) // stride + 1


def same_padding(in_size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding (before, after): the output is ``ceil(in / stride)``, extra pixel after."""
    total = max((math.ceil(in_size / stride) - 1) * stride + kernel - in_size, 0)
    return total // 2, total - total // 2


def im2col(x, kernel_size: tuple[int, int], strides: tuple[int, int], pads):
    """``(N, H, W, C)`` -> ``(N, out_h, out_w, kh * kw * C)``: each receptive field as one row.

    ``pads`` is ``((top, bottom), (left, right))``. The row is ordered (kernel row,
    kernel column, channel), the order of a ``(kh, kw, C, filters)`` kernel reshaped to a matrix.
    """
    (kh, kw), (sh, sw) = kernel_size, strides
    x = ops.pad(x, [[0, 0], list(pads[0]), list(pads[1]), [0, 0]])
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    out_h, out_w = (height - kh) // sh + 1, (width - kw) // sw + 1
    shifted = [x[:, i:i + sh * (out_h - 1) + 1:sh, j:j + sw * (out_w - 1) + 1:sw, :]
               for i in range(kh) for j in range(kw)]
    patches = ops.stack(shifted, axis=3)  # (N, out_h, out_w, kh * kw, C)
    return ops.reshape(patches, (-1, out_h, out_w, kh * kw * channels))


@keras.saving.register_keras_serializable(package="workbench")
class Im2ColConv2D(layers.Layer):
    """A 2-D convolution (NHWC) as im2col + one matmul; same weights and results as ``Conv2D``.

    ``padding`` is ``"valid"``, ``"same"`` or a number of zero pixels added on every side.
    """

    def __init__(self, filters: int, kernel_size, strides=1, padding="valid", activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        super().__init__(**kwargs)
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        if padding not in ("valid", "same") and not (isinstance(padding, int) and padding >= 0):
            raise ValueError(f"padding={padding!r} must be 'valid', 'same' or a non-negative integer")
        if self.filters < 1:
            raise ValueError(f"filters={filters!r} must be positive")
        self.padding = padding
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        height, width, channels = input_shape[1:]
        if height is None or width is None:
            raise ValueError("Im2ColConv2D needs a fixed input height and width")
        self.pads = (self._pads(height, 0), self._pads(width, 1))
        for size, (before, after), k in zip((height, width), self.pads, self.kernel_size):
            if size + before + after < k:
                raise ValueError(f"a {k}-wide filter does not fit in an input of {size} "
                                 f"with padding {self.padding}")
        self.kernel = self.add_weight(name="kernel", shape=(*self.kernel_size, channels, self.filters),
                                      initializer=self.kernel_initializer)
        self.bias = self.add_weight(name="bias", shape=(self.filters,),
                                    initializer=self.bias_initializer) if self.use_bias else None

    def _pads(self, size: int, axis: int) -> tuple[int, int]:
        if self.padding == "valid":
            return 0, 0
        if self.padding == "same":
            return same_padding(size, self.kernel_size[axis], self.strides[axis])
        return self.padding, self.padding

    def call(self, inputs):
        columns = im2col(inputs, self.kernel_size, self.strides, self.pads)
        weights = ops.reshape(self.kernel, (-1, self.filters))  # (kh * kw * C, filters)
        outputs = ops.matmul(columns, weights)
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        height, width = input_shape[1:3]
        pads = (self._pads(height, 0), self._pads(width, 1))
        sizes = [(size + sum(pad) - k) // s + 1
                 for size, pad, k, s in zip((height, width), pads, self.kernel_size, self.strides)]
        return (input_shape[0], *sizes, self.filters)

    def get_config(self):
        return {
            **super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
            "strides": self.strides, "padding": self.padding,
            "activation": keras.activations.serialize(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }


def _pair(value, name: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, int) or v < 1 for v in pair):
        raise ValueError(f"{name}={value!r} must be a positive integer or a pair of them")
    return pair
