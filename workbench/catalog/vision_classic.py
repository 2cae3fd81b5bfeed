"""Catalog section B: the classic ImageNet and CIFAR architectures, exact to their papers.

AlexNet, VGG-16/19, GoogLeNet, ResNet-18..152 (v1), ResNet-50..152 v2, Wide ResNet
and PyramidNet. At their defaults the reference variants have the parameter counts
of torchvision / keras.applications / the papers' tables (tests/vision/test_classic_params.py).
"""

from workbench.catalog.registry import Entry, HParam, register
from workbench.catalog.shared import (
    ACTIVATION,
    CLASSIFIER_TRAINING,
    DROPOUT,
    GAP_HEAD,
    HEAD,
    INPUT_SIZE,
    INSIGHT,
    NORMALIZATION,
    NORMALIZATION_INSIGHT,
    POOLING,
)

FAMILY = "B. Image classification"
_MODELS = "workbench.models.vision"

#: The papers without batch normalization (AlexNet, VGG, GoogLeNet) default to none.
NO_NORMALIZATION = HParam("normalization", str, "none", NORMALIZATION.help + "; the paper has none",
                          choices=NORMALIZATION.choices)
WIDTH = HParam("width", float, 1.0, "Multiplier on every layer's filter count", low=0.03, high=8.0)

register(Entry(
    name="alexnet",
    display_name="AlexNet",
    family=FAMILY,
    task="classification",
    summary=(
        "The network that started the deep-learning era on ImageNet: five convolutions with ReLU "
        "(trains several times faster than tanh), local response normalization after the first "
        "two, overlapping 3x3/2 max pooling, and two 4096-unit fully connected layers regularised "
        "with dropout. groups=2 reproduces the paper's two-GPU split (60,965,224 parameters at "
        "224x224, the paper's '60 million'). Needs inputs of at least 63 pixels."
    ),
    paper="Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep Convolutional Neural Networks, NIPS 2012",
    builder=f"{_MODELS}.alexnet:build_alexnet",
    insight=(NORMALIZATION_INSIGHT,),
    hparams=(
        WIDTH,
        HParam("fc_units", int, 4096, "Units of each of the two fully connected layers", low=1, high=16384),
        HParam("groups", int, 2, "Convolution groups of conv2/4/5 (2 = the paper's two GPUs)", choices=(1, 2)),
        HParam("lrn", bool, True, "Local response normalization after conv1 and conv2"),
        NO_NORMALIZATION,
        HParam("dropout", float, 0.5, "Dropout on the two fully connected layers (paper: 0.5)", low=0.0, high=0.95),
        HParam("input_size", int, 0, "Resize inputs to this side inside the model (0 = the data's, "
               "at least 63; ImageNet: 224)", low=0, high=1024),
        ACTIVATION, POOLING, HEAD, *CLASSIFIER_TRAINING,
    ),
    smoke={"width": 0.125, "fc_units": 32, "input_size": 63},
))

_VGG_HPARAMS = (
    WIDTH,
    HParam("fc_units", int, 4096, "Units of each of the two fully connected layers", low=1, high=16384),
    HParam("pooling", str, "max", "Down-sampling after each block", choices=("max", "average")),
    NO_NORMALIZATION,
    HParam("dropout", float, 0.0, "Dropout after each fully connected layer (paper: 0.5; "
           "0 keeps keras.applications' layout)", low=0.0, high=0.95),
    INPUT_SIZE, ACTIVATION, HEAD, *CLASSIFIER_TRAINING,
)
for _name, _depth, _config in (("vgg16", 16, "D"), ("vgg19", 19, "E")):
    register(Entry(
        name=_name,
        display_name=f"VGG-{_depth}",
        family=FAMILY,
        task="classification",
        summary=(
            f"Configuration {_config} of the VGG paper: {_depth - 3} 3x3 convolutions in five blocks, each "
            "block closed by 2x2 max pooling, then two 4096-unit fully connected layers. Two stacked "
            "3x3 convolutions see as far as one 5x5 with fewer weights and an extra non-linearity. "
            f"At the defaults the model equals keras.applications.VGG{_depth} layer for layer."
        ),
        paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition, ICLR 2015",
        builder=f"{_MODELS}.vgg:build_{_name}",
        insight=(f"{INSIGHT}:vgg_stacks", NORMALIZATION_INSIGHT),
        hparams=_VGG_HPARAMS,
        smoke={"width": 0.0625, "fc_units": 32, "input_size": 32},
    ))

register(Entry(
    name="googlenet",
    display_name="GoogLeNet (Inception v1)",
    family=FAMILY,
    task="classification",
    summary=(
        "Nine inception modules, each running 1x1, 3x3 and 5x5 convolutions and a max pooling in "
        "parallel, with 1x1 'reduce' convolutions that keep the cost low; a global-average-pooling "
        "head replaces the big fully connected layers (about 6.8 M parameters against VGG's 138 M). "
        "Two auxiliary classifiers on inception 4a and 4d add their losses with weight 0.3 during "
        "training and are dropped at inference: the trained model outputs only the main softmax."
    ),
    paper="Szegedy et al., Going Deeper with Convolutions, CVPR 2015",
    builder=f"{_MODELS}.inception:build_googlenet",
    insight=(NORMALIZATION_INSIGHT,),
    hparams=(
        WIDTH,
        HParam("lrn", bool, True, "Local response normalization after the stem's two stages"),
        HParam("aux_weight", float, 0.3, "Weight of each auxiliary classifier's loss (0 = off)", low=0.0, high=1.0),
        HParam("aux_dropout", float, 0.7, "Dropout inside the auxiliary classifiers", low=0.0, high=0.95),
        NO_NORMALIZATION,
        HParam("dropout", float, 0.4, "Dropout before the classifier (paper: 0.4)", low=0.0, high=0.95),
        INPUT_SIZE, ACTIVATION, POOLING, *CLASSIFIER_TRAINING,
    ),
    smoke={"width": 0.0625, "input_size": 32},
))

_RESNETS = (
    # name, title, default blocks, block kind text, reference, paper
    ("resnet18", "ResNet-18", "2,2,2,2", "basic", "torchvision resnet18 (11,689,512 parameters)", "v1"),
    ("resnet34", "ResNet-34", "3,4,6,3", "basic", "torchvision resnet34 (21,797,672 parameters)", "v1"),
    ("resnet50", "ResNet-50", "3,4,6,3", "bottleneck", "keras.applications.ResNet50", "v1"),
    ("resnet101", "ResNet-101", "3,4,23,3", "bottleneck", "keras.applications.ResNet101", "v1"),
    ("resnet152", "ResNet-152", "3,8,36,3", "bottleneck", "keras.applications.ResNet152", "v1"),
    ("resnet50v2", "ResNet-50 v2 (pre-activation)", "3,4,6,3", "preact", "keras.applications.ResNet50V2", "v2"),
    ("resnet101v2", "ResNet-101 v2 (pre-activation)", "3,4,23,3", "preact", "keras.applications.ResNet101V2", "v2"),
    ("resnet152v2", "ResNet-152 v2 (pre-activation)", "3,8,36,3", "preact", "keras.applications.ResNet152V2", "v2"),
)
_BLOCK_TEXT = {
    "basic": "basic residual blocks of two 3x3 convolutions",
    "bottleneck": "bottleneck blocks (1x1 reduce, 3x3, 1x1 expand x4: as cheap as two layers, one deeper)",
    "preact": "pre-activation bottleneck blocks (BN-ReLU-Conv ordering, so the identity path stays clean)",
}
_RESNET_PAPERS = {
    "v1": "He, Zhang, Ren & Sun, Deep Residual Learning for Image Recognition, CVPR 2016",
    "v2": "He, Zhang, Ren & Sun, Identity Mappings in Deep Residual Networks, ECCV 2016",
}
for _name, _title, _blocks, _kind, _reference, _version in _RESNETS:
    register(Entry(
        name=_name,
        display_name=_title,
        family=FAMILY,
        task="classification",
        summary=(
            f"A residual network of {_BLOCK_TEXT[_kind]}, in four stages of {_blocks} blocks. Each block "
            "adds its input to what it learns (x + F(x)), so signal and gradient pass through any "
            f"depth. At the defaults the parameters equal {_reference}."
        ),
        paper=_RESNET_PAPERS[_version],
        builder=f"{_MODELS}.resnet:build_{_name}",
        insight=(f"{INSIGHT}:resnet_blocks", NORMALIZATION_INSIGHT),
        hparams=(
            HParam("blocks", str, _blocks, "Residual blocks in each of the four stages, comma separated"),
            WIDTH, NORMALIZATION, DROPOUT, INPUT_SIZE, ACTIVATION, POOLING, *CLASSIFIER_TRAINING,
        ),
        smoke={"blocks": "1,1,1,1", "width": 0.0625, "input_size": 32},
    ))

register(Entry(
    name="wide_resnet",
    display_name="Wide ResNet (WRN-d-k)",
    family=FAMILY,
    task="classification",
    summary=(
        "A ResNet made wider instead of deeper: after a 16-filter convolution come three groups of "
        "N = (d-4)/6 pre-activation blocks with 16k, 32k and 64k filters (the note's table writes "
        "16 x k for all three groups; the paper (Zagoruyko & Komodakis 2016) doubles the width at "
        "each group, 16k, 32k, 64k, as the builder does). WRN-28-10 (36.5 M "
        "parameters) beats ResNets of a thousand layers and trains faster, because wide layers use "
        "the GPU well. Optional dropout between the two convolutions of each block."
    ),
    paper="Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016",
    builder=f"{_MODELS}.wide_resnet:build_wide_resnet",
    insight=(f"{INSIGHT}:wrn_k1", NORMALIZATION_INSIGHT),
    hparams=(
        HParam("depth", int, 28, "Depth d = 6N + 4 (N blocks per group)", low=10, high=1000),
        HParam("width", int, 10, "Widening factor k", low=1, high=32),
        HParam("block_dropout", float, 0.0, "Dropout between the two convolutions of each block "
               "(paper: 0.3)", low=0.0, high=0.95),
        NORMALIZATION, DROPOUT, GAP_HEAD, INPUT_SIZE, ACTIVATION, *CLASSIFIER_TRAINING,
    ),
    default_data="digits",
    smoke={"depth": 10, "width": 1, "input_size": 32},
))

register(Entry(
    name="pyramidnet",
    display_name="PyramidNet",
    family=FAMILY,
    task="classification",
    summary=(
        "A residual network whose width grows a little in every block (by alpha/N, from 16 to "
        "16 + alpha) instead of doubling at each stage, so no single layer carries the burden of a "
        "sudden widening. The shortcut is the identity zero-padded with the new channels, which "
        "costs no parameters. PyramidNet-110 with alpha=48 has about 1.7 M parameters on CIFAR."
    ),
    paper="Han, Kim & Kim, Deep Pyramidal Residual Networks, CVPR 2017",
    builder=f"{_MODELS}.pyramidnet:build_pyramidnet",
    insight=(NORMALIZATION_INSIGHT,),
    hparams=(
        HParam("depth", int, 110, "Depth: 6n + 2 with basic blocks, 9n + 2 with bottlenecks", low=8, high=1000),
        HParam("alpha", float, 48.0, "Total width added over all blocks (widening step = alpha / N)",
               low=0.0, high=2000.0),
        HParam("bottleneck", bool, False, "Bottleneck blocks (1x1-3x3-1x1, output x4) instead of two 3x3"),
        NORMALIZATION, DROPOUT, GAP_HEAD, INPUT_SIZE, ACTIVATION, *CLASSIFIER_TRAINING,
    ),
    smoke={"depth": 8, "alpha": 12.0, "input_size": 32},
))
