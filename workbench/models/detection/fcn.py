"""FCN: a classification network made fully convolutional, with skip upsampling.

Long, Shelhamer & Darrell, "Fully Convolutional Networks for Semantic Segmentation"
(CVPR 2015). The classifier's fully connected layers become convolutions (``fc6`` as
a 3x3 and ``fc7`` as a 1x1 convolution), so the net outputs a coarse map of class
scores at stride 32. FCN-32s upsamples that map 32x straight to the image; FCN-16s
first upsamples it 2x (a learnt transposed convolution) and adds the scores predicted
from ``pool4`` (stride 16); FCN-8s does the same again with ``pool3`` (stride 8) and
then upsamples 8x. Each skip adds finer detail to the coarse, semantically strong
prediction. As in the paper, the last upsampling is fixed bilinear interpolation.
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.detection.backbones import backbone_options, conv_backbone, conv_bn
from workbench.models.detection.base import Segmenter, check_detection_info

#: Variant -> the backbone strides (as levels) whose scores are added back: 32s, 16s, 8s.
SKIPS = {"32s": (), "16s": (4,), "8s": (4, 3)}


def build_fcn(hp: dict, info) -> Segmenter:
    """FCN-``variant`` (8s, 16s or 32s) on the small five-stage backbone."""
    image_size, class_names = check_detection_info(info, "FCN")
    variant = hp.get("variant", "8s")
    if variant not in SKIPS:
        raise WorkbenchError(f"FCN variant={variant!r} is not one of {', '.join(SKIPS)}")
    if min(image_size) % 32:
        raise WorkbenchError(f"FCN needs image sides divisible by 32, got {image_size[0]}x"
                             f"{image_size[1]} (set input_size)")
    options = backbone_options(hp)
    norm, act, rate = options["norm"], options["activation"], float(hp.get("dropout", 0.0))
    classes = len(class_names) + 1
    inputs = keras.Input(shape=info.input_shape, name="input")
    features = conv_backbone(inputs, 5, int(hp.get("width", 16)), name="fcn_backbone", **options)
    x = conv_bn(features[5], int(hp.get("fc_filters", 128)), "fcn_fc6", norm=norm, activation=act)
    x = layers.Dropout(rate, name="fcn_fc6_dropout")(x) if rate else x  # the paper keeps VGG's dropout
    x = conv_bn(x, int(hp.get("fc_filters", 128)), "fcn_fc7", kernel=1, norm=norm, activation=act)
    x = layers.Dropout(rate, name="fcn_fc7_dropout")(x) if rate else x
    scores = layers.Conv2D(classes, 1, name="fcn_score_fr")(x)
    level = 5
    for skip in SKIPS[variant]:  # 2x learnt upsampling + the finer map's own scores
        scores = layers.Conv2DTranspose(classes, 4, strides=2, padding="same",
                                        name=f"fcn_upscore_to_pool{skip}")(scores)
        finer = layers.Conv2D(classes, 1, name=f"fcn_score_pool{skip}")(features[skip])
        scores = layers.Add(name=f"fcn_fuse_pool{skip}")([scores, finer])
        level = skip
    scores = layers.UpSampling2D(2 ** level, interpolation="bilinear",
                                 name=f"fcn_upsample_{2 ** level}x")(scores)
    outputs = layers.Softmax(name="predictions")(scores)
    network = keras.Model(inputs, outputs, name=f"fcn{variant}_network")
    return Segmenter(network, class_names, {"variant": variant}, name=f"fcn_{variant}")
