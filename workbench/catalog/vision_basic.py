"""Catalog section B: the two small CNNs the workbench opens with."""

from workbench.catalog.registry import Entry, HParam, register
from workbench.catalog.shared import (
    ACTIVATION,
    CLASSIFIER_TRAINING,
    DROPOUT,
    HEAD,
    INPUT_SIZE,
    NORMALIZATION,
    NORMALIZATION_INSIGHT,
    POOLING,
)

FAMILY = "B. Image classification"

register(Entry(
    name="lenet",
    display_name="LeNet-style CNN",
    family=FAMILY,
    task="classification",
    summary=(
        "The classic convolutional network: two convolution + pooling stages that learn local "
        "features shared across the image, then fully connected layers. The workbench's default: "
        "it trains on the embedded digits in seconds."
    ),
    paper="LeCun, Bottou, Bengio & Haffner, Gradient-based learning applied to document recognition, Proc. IEEE 1998",
    builder="workbench.models.vision.lenet:build_lenet",
    insight=(NORMALIZATION_INSIGHT,),
    hparams=(
        HParam("width", int, 1, "Multiplier on the 6 and 16 filters", low=1, high=16),
        ACTIVATION,
        HParam("normalization", str, "none", NORMALIZATION.help, choices=NORMALIZATION.choices),
        POOLING, HEAD, DROPOUT, INPUT_SIZE, *CLASSIFIER_TRAINING,
    ),
))

register(Entry(
    name="gap_cnn",
    display_name="Small CNN with GAP head (CAM-ready)",
    family=FAMILY,
    task="classification",
    summary=(
        "Convolution blocks followed by global average pooling and a single dense layer. Because "
        "the class score is a weighted sum of the last feature maps' means, Class Activation "
        "Mapping can show where the network looks; Grad-CAM on it equals CAM up to scale."
    ),
    paper="Zhou, Khosla, Lapedriza, Oliva & Torralba, Learning Deep Features for Discriminative Localization, CVPR 2016",
    builder="workbench.models.vision.gap_cnn:build_gap_cnn",
    insight=(NORMALIZATION_INSIGHT,),
    hparams=(
        HParam("filters", int, 16, "Filters in the first block (doubled per block)", low=1, high=512),
        HParam("blocks", int, 2, "Convolution blocks", low=1, high=6),
        ACTIVATION, NORMALIZATION, POOLING, DROPOUT, INPUT_SIZE, *CLASSIFIER_TRAINING,
    ),
    smoke={"filters": 4},
))
