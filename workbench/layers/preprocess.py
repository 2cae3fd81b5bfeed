"""ImageNet input preprocessing as a serialisable layer (no Lambda).

Workbench images are float32 in [0, 1]; every ``keras.applications`` backbone
expects ``preprocess_input`` applied to pixels in [0, 255], each with its own
convention. ``ImagenetPreprocess(mode)`` computes ``preprocess_input(255 * x)``
inside the model, so a saved model takes the same [0, 1] images as at training,
and repeats a grey channel to the three channels the backbones were trained on.
"""

from __future__ import annotations

import keras
from keras import ops

from workbench.errors import WorkbenchError

#: The conventions of ``keras.applications.imagenet_utils.preprocess_input``, plus
#: "pixels" for backbones that normalise inside themselves (EfficientNet, ConvNeXt,
#: MobileNetV3) and so take raw [0, 255] pixels.
MODES = ("caffe", "tf", "torch", "pixels")
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)


@keras.saving.register_keras_serializable(package="workbench")
class ImagenetPreprocess(keras.layers.Layer):
    """Map [0, 1] RGB (or grey) images to a backbone's expected input.

    - caffe: RGB -> BGR, subtract the ImageNet mean pixel (VGG, ResNet v1)
    - tf: scale to [-1, 1] (MobileNet v1/v2, ResNet v2, Inception, Xception)
    - torch: [0, 1], then per-channel ImageNet mean/std (DenseNet)
    - pixels: [0, 255] (models with their own normalisation layers)
    """

    def __init__(self, mode: str = "caffe", **kwargs):
        super().__init__(**kwargs)
        if mode not in MODES:
            raise WorkbenchError(f"preprocessing mode={mode!r} is not one of {', '.join(MODES)}")
        self.mode = mode

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        if x.shape[-1] == 1:
            x = ops.repeat(x, 3, axis=-1)
        if self.mode == "tf":
            return x * 2.0 - 1.0
        if self.mode == "torch":
            return (x - ops.convert_to_tensor(TORCH_MEAN, x.dtype)) / ops.convert_to_tensor(TORCH_STD, x.dtype)
        x = x * 255.0
        if self.mode == "caffe":
            x = ops.flip(x, axis=-1) - ops.convert_to_tensor(CAFFE_MEAN_BGR, x.dtype)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (3,)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
