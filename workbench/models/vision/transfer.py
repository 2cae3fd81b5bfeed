"""Transfer learning vs fine-tuning with a ``keras.applications`` backbone
(Yosinski, Clune, Bengio & Lipson, "How transferable are features in deep neural
networks?", NeurIPS 2014; the Keras guide "Transfer learning & fine-tuning").

The backbone (optionally with ImageNet weights, downloaded by Keras on first use
and cached in ``~/.keras/models``) is topped with a new head: global average
pooling, dropout and a softmax over the data's classes.

- mode "frozen": the backbone is not trained (its BatchNorm layers run in
  inference mode too); only the new head learns, on the pretrained features.
- mode "finetune": every weight is retrained, starting from the pretrained ones.

Each backbone's own ``preprocess_input`` is applied inside the model by
``ImagenetPreprocess``, so the model takes the workbench's [0, 1] images.
"""

from __future__ import annotations

import warnings

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.layers.preprocess import ImagenetPreprocess
from workbench.models.common import image_input, output_layer, to_vector

#: name -> (keras.applications constructor, preprocess_input convention, minimum input side)
BACKBONES = {
    "mobilenet": ("MobileNet", "tf", 32),
    "mobilenetv2": ("MobileNetV2", "tf", 32),
    "mobilenetv3small": ("MobileNetV3Small", "pixels", 32),
    "mobilenetv3large": ("MobileNetV3Large", "pixels", 32),
    "resnet50": ("ResNet50", "caffe", 32),
    "resnet50v2": ("ResNet50V2", "tf", 32),
    "vgg16": ("VGG16", "caffe", 32),
    "vgg19": ("VGG19", "caffe", 32),
    "densenet121": ("DenseNet121", "torch", 32),
    "efficientnetb0": ("EfficientNetB0", "pixels", 32),
    "efficientnetv2b0": ("EfficientNetV2B0", "pixels", 32),
    "convnexttiny": ("ConvNeXtTiny", "pixels", 32),
    "inceptionv3": ("InceptionV3", "tf", 75),
    "xception": ("Xception", "tf", 71),
}
WEIGHTS = ("imagenet", "none")
MODES = ("frozen", "finetune")


def check_transfer_args(backbone: str, weights: str, mode: str) -> None:
    if backbone not in BACKBONES:
        raise WorkbenchError(f"backbone={backbone!r} is not one of {', '.join(BACKBONES)}")
    if weights not in WEIGHTS:
        raise WorkbenchError(f"weights={weights!r} is not one of {', '.join(WEIGHTS)}")
    if mode not in MODES:
        raise WorkbenchError(f"mode={mode!r} is not one of {', '.join(MODES)}")


def load_backbone(backbone: str, x, weights: str):
    """Instantiate ``backbone`` on tensor ``x`` (no top); its layers join the caller's graph,
    so explanation methods find them by name (``conv_pw_13``) in the final model."""
    constructor, _, _ = BACKBONES[backbone]
    side = x.shape[1]
    build = getattr(keras.applications, constructor)
    kwargs = {"include_top": False, "weights": None if weights == "none" else weights,
              "input_tensor": x, "input_shape": (side, side, 3)}
    if weights == "none":
        return build(**kwargs)
    try:
        with warnings.catch_warnings():
            # MobileNet warns that sides other than 128-224 get the 224 weights: without the
            # top, those weights fit any side, which is the point of transfer learning here.
            warnings.filterwarnings("ignore", message=".*Weights for input shape")
            return build(**kwargs)
    except Exception as exc:  # keras.utils.get_file raises a bare Exception when offline
        raise WorkbenchError(
            f"could not get the ImageNet weights of {backbone} ({exc}); connect to the internet once "
            "(Keras caches them in ~/.keras/models) or set weights=none to train from scratch"
        ) from exc


def transfer_model(info, backbone: str = "mobilenet", weights: str = "imagenet",
                   mode: str = "frozen", input_size: int = 0, dropout: float = 0.2,
                   head: str = "global_average") -> keras.Model:
    """Backbone + new head; ``mode`` decides which part trains."""
    check_transfer_args(backbone, weights, mode)
    _, preprocess, min_size = BACKBONES[backbone]
    if input_size and input_size < min_size:
        raise WorkbenchError(f"input_size={input_size} is below {backbone}'s minimum of {min_size}")
    if info.input_shape[0] != info.input_shape[1] and not input_size:
        # keras.applications backbones with ImageNet weights expect square inputs.
        input_size = max(min_size, min(info.input_shape[:2]))
    inputs, x = image_input(info, input_size, min_size=min_size)
    if info.input_shape[-1] not in (1, 3):
        raise WorkbenchError(f"{backbone} needs RGB or grey images; {info.name} has {info.input_shape[-1]} channels")
    x = ImagenetPreprocess(preprocess, name="preprocess")(x)
    base = load_backbone(backbone, x, weights)
    if mode == "frozen":
        # Freezing a BatchNormalization layer also makes it use its moving statistics.
        for layer in base.layers:
            layer.trainable = False
    x = to_vector(base.output, head)  # global average pooling, or max / flatten to compare
    if dropout:
        x = layers.Dropout(dropout, name="head_dropout")(x)
    return keras.Model(inputs, output_layer(x, info), name=f"transfer_{backbone}_{mode}")


def build_transfer(hp: dict, info) -> keras.Model:
    return transfer_model(info, hp["backbone"], hp["weights"], hp["mode"], hp["input_size"], hp["dropout"],
                          hp.get("head", "global_average"))
