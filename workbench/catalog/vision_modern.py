"""Catalog section B, modern image classifiers: DenseNet, MobileNet v1, EfficientNet
B0-B7 (and continuous phi), transfer learning vs fine-tuning."""

from dataclasses import replace

from workbench.catalog.registry import Entry, HParam, register
from workbench.catalog.shared import (
    ACTIVATION,
    ACTIVATIONS,
    CLASSIFIER_TRAINING,
    GAP_HEAD,
    INPUT_SIZE,
    INSIGHT,
    NORMALIZATION,
    NORMALIZATION_INSIGHT,
    POOLING,
)

FAMILY = "B. Image classification"

# Mirrors workbench.models.vision.efficientnet.OFFICIAL_COEFFICIENTS (this module must not import keras).
_EFFICIENTNET = {
    "b0": (1.0, 1.0, 224, 0.2), "b1": (1.0, 1.1, 240, 0.2), "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3), "b4": (1.4, 1.8, 380, 0.4), "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5), "b7": (2.0, 3.1, 600, 0.5),
}
_TRANSFER_BACKBONES = (
    "mobilenet", "mobilenetv2", "mobilenetv3small", "mobilenetv3large", "resnet50", "resnet50v2",
    "vgg16", "vgg19", "densenet121", "efficientnetb0", "efficientnetv2b0", "convnexttiny",
    "inceptionv3", "xception",
)

#: The papers fix these activations: MobileNet v1 ReLU6, EfficientNet swish (SiLU); kept as defaults.
_MOBILENET_ACTIVATION = replace(ACTIVATION, default="relu6", choices=("relu6", *ACTIVATIONS),
                                help=ACTIVATION.help + "; the paper: ReLU6")
_SWISH = replace(ACTIVATION, default="swish", help=ACTIVATION.help + "; the paper: swish")

_DENSENET_PAPER = ("Huang, Liu, van der Maaten & Weinberger, Densely Connected Convolutional "
                   "Networks, CVPR 2017")
_DENSE_DROPOUT = HParam("dropout", float, 0.0,
                        "Dropout after each convolution (the paper uses 0.2 without augmentation)",
                        low=0.0, high=0.9)
_COMPRESSION = HParam("compression", float, 0.5,
                      "Transition compression theta: channels kept by each transition (1 = DenseNet without C)",
                      low=0.05, high=1.0)

for _name, _blocks, _depth in (("densenet121", "6,12,24,16", 121), ("densenet169", "6,12,32,32", 169),
                               ("densenet201", "6,12,48,32", 201)):
    register(Entry(
        name=_name,
        display_name=f"DenseNet-{_depth}",
        family=FAMILY,
        task="classification",
        summary=(
            "Each layer of a dense block receives the concatenation of every earlier feature map of the "
            "block and adds growth_rate (k) new ones, so features are reused instead of relearned and "
            "gradients reach early layers directly. Layers are bottlenecks (1x1 conv to 4k, then 3x3 to k); "
            "transition layers compress the channels by theta and halve the resolution. Same layers and "
            f"parameter count as keras.applications.DenseNet{_depth} at 224x224x3 / 1000 classes."
        ),
        paper=_DENSENET_PAPER,
        builder=f"workbench.models.vision.densenet:build_{_name}",
        insight=(NORMALIZATION_INSIGHT,),
        hparams=(
            HParam("blocks", str, _blocks, "Dense layers per block, comma separated"),
            HParam("growth_rate", int, 32, "Growth rate k: feature maps each dense layer adds", low=1, high=256),
            _COMPRESSION, NORMALIZATION, _DENSE_DROPOUT, INPUT_SIZE, ACTIVATION, POOLING, *CLASSIFIER_TRAINING,
        ),
        smoke={"blocks": "1,1,1,1", "growth_rate": 4, "input_size": 32},
    ))

register(Entry(
    name="densenet_bc",
    display_name="DenseNet-BC (CIFAR)",
    family=FAMILY,
    task="classification",
    summary=(
        "The CIFAR DenseNet-BC: a 3x3 stem of 2k filters and three dense blocks of (L-4)/6 bottleneck "
        "layers joined by transitions that keep half the channels (B = bottleneck, C = compression). "
        "DenseNet-BC (L=100, k=12) has 0.8 M parameters and beats far larger ResNets on CIFAR."
    ),
    paper=_DENSENET_PAPER,
    builder="workbench.models.vision.densenet:build_densenet_bc",
    insight=(NORMALIZATION_INSIGHT,),
    hparams=(
        HParam("depth", int, 100, "Depth L = 6n + 4 (40, 100, 190, 250)", low=10, high=1000),
        HParam("growth_rate", int, 12, "Growth rate k", low=1, high=256),
        _COMPRESSION, NORMALIZATION, _DENSE_DROPOUT, GAP_HEAD, INPUT_SIZE, ACTIVATION, *CLASSIFIER_TRAINING,
    ),
    smoke={"depth": 10, "growth_rate": 4},
))

register(Entry(
    name="mobilenet",
    display_name="MobileNet v1",
    family=FAMILY,
    task="classification",
    summary=(
        "Every convolution after the stem is depthwise separable: a 3x3 depthwise convolution filters each "
        "channel alone, then a 1x1 pointwise convolution mixes channels. That costs 1/M + 1/K^2 of a standard "
        "convolution (about 1/9 for 3x3): 569 M multiply-adds instead of 4,866 M at 224x224. The width "
        "multiplier alpha thins every layer, the resolution multiplier rho shrinks the input. Same layers "
        "as keras.applications.MobileNet."
    ),
    paper=("Howard, Zhu, Chen, Kalenichenko, Wang, Weyand, Andreetto & Adam, MobileNets: Efficient "
           "Convolutional Neural Networks for Mobile Vision Applications, arXiv 1704.04861, 2017"),
    builder="workbench.models.vision.mobilenet:build_mobilenet",
    insight=(f"{INSIGHT}:mobilenet", NORMALIZATION_INSIGHT),
    hparams=(
        HParam("alpha", float, 1.0, "Width multiplier alpha (0.25, 0.5, 0.75, 1.0 in the paper)",
               low=0.05, high=4.0),
        HParam("rho", float, 1.0, "Resolution multiplier rho: the input side is round(rho x input_size)",
               low=0.05, high=4.0),
        HParam("depth_multiplier", int, 1, "Depthwise channels per input channel", low=1, high=8),
        NORMALIZATION,
        HParam("dropout", float, 1e-3, "Dropout before the classifier", low=0.0, high=0.95),
        HParam("input_size", int, 224, "Base input side before rho (224 in the paper; 0 = the data's size, at least 32)",
               low=0, high=1024),
        _MOBILENET_ACTIVATION, GAP_HEAD, *CLASSIFIER_TRAINING,
    ),
    smoke={"alpha": 0.25, "input_size": 32},
))

_EFFICIENTNET_PAPER = ("Tan & Le, EfficientNet: Rethinking Model Scaling for Convolutional Neural "
                       "Networks, ICML 2019")
_DROP_CONNECT = HParam("drop_connect_rate", float, 0.2,
                       "Stochastic depth: largest rate at which a block's residual branch is dropped",
                       low=0.0, high=0.9)
_SE_RATIO = HParam("se_ratio", float, 0.25, "Squeeze-and-excitation bottleneck, as a fraction of the "
                   "block's input channels (0 = no SE)", low=0.0, high=1.0)

for _variant, (_width, _depth, _resolution, _dropout) in _EFFICIENTNET.items():
    register(Entry(
        name=f"efficientnet{_variant}",
        display_name=f"EfficientNet-{_variant.upper()}",
        family=FAMILY,
        task="classification",
        summary=(
            "Mobile inverted bottlenecks (MBConv: 1x1 expansion, depthwise conv, squeeze-and-excitation, "
            "1x1 linear projection, identity skip with drop connect). B1-B7 scale the B0 baseline's depth, "
            "width and resolution together (compound scaling d = 1.2^phi, w = 1.1^phi, r = 1.15^phi). "
            f"{_variant.upper()}: width {_width}, depth {_depth}, {_resolution}x{_resolution}, dropout "
            f"{_dropout}; same trainable parameters as keras.applications.EfficientNet{_variant.upper()}."
        ),
        paper=_EFFICIENTNET_PAPER,
        builder=f"workbench.models.vision.efficientnet:build_efficientnet{_variant}",
        insight=(f"{INSIGHT}:efficientnet{_variant}", NORMALIZATION_INSIGHT),
        hparams=(
            HParam("width_coefficient", float, _width, "Channel multiplier w", low=0.05, high=8.0),
            HParam("depth_coefficient", float, _depth, "Block-repeat multiplier d", low=0.05, high=8.0),
            HParam("input_size", int, _resolution, "Input side r (the variant's resolution; 0 = same)",
                   low=0, high=1024),
            HParam("dropout", float, _dropout, "Dropout before the classifier", low=0.0, high=0.95),
            _DROP_CONNECT, _SE_RATIO, NORMALIZATION, _SWISH, GAP_HEAD, *CLASSIFIER_TRAINING,
        ),
        smoke={"width_coefficient": 0.25, "depth_coefficient": 0.25, "input_size": 32},
    ))

register(Entry(
    name="efficientnet",
    display_name="EfficientNet (compound scaling, any phi)",
    family=FAMILY,
    task="classification",
    summary=(
        "The B0 baseline scaled by one compound coefficient phi: depth x alpha^phi, width x beta^phi, "
        "resolution x gamma^phi, with alpha=1.2, beta=1.1, gamma=1.15 found by grid search under "
        "alpha beta^2 gamma^2 ~ 2, so each +1 of phi about doubles the FLOPs. phi=1 gives d=1.2, "
        "w=1.1, r=1.15 (258x258)."
    ),
    paper=_EFFICIENTNET_PAPER,
    builder="workbench.models.vision.efficientnet:build_efficientnet_phi",
    insight=(f"{INSIGHT}:efficientnet_phi", f"{INSIGHT}:efficientnet_flops", f"{INSIGHT}:efficientnet_grid",
             NORMALIZATION_INSIGHT),
    hparams=(
        HParam("phi", float, 0.0, "Compound coefficient phi (below 0 shrinks B0 by the same rule)",
               low=-10.0, high=10.0),
        HParam("alpha", float, 1.2, "Depth base alpha", low=1.0, high=3.0),
        HParam("beta", float, 1.1, "Width base beta", low=1.0, high=3.0),
        HParam("gamma", float, 1.15, "Resolution base gamma", low=1.0, high=3.0),
        HParam("input_size", int, 0, "Input side (0 = round(224 x gamma^phi))", low=0, high=1024),
        HParam("dropout", float, 0.2, "Dropout before the classifier", low=0.0, high=0.95),
        _DROP_CONNECT, _SE_RATIO, NORMALIZATION, _SWISH, GAP_HEAD, *CLASSIFIER_TRAINING,
    ),
    smoke={"phi": -8.0, "input_size": 32},
))

register(Entry(
    name="transfer",
    display_name="Transfer learning vs fine-tuning",
    family=FAMILY,
    task="classification",
    summary=(
        "Reuse a network trained on ImageNet: its layers already detect edges, textures and parts. "
        "'frozen' keeps the backbone fixed and trains only a new head (fast, few samples needed); "
        "'finetune' retrains every weight from the pretrained start. The backbone's own input "
        "preprocessing is part of the model. ImageNet weights are downloaded once by Keras and cached."
    ),
    paper=("Yosinski, Clune, Bengio & Lipson, How transferable are features in deep neural networks?, "
           "NeurIPS 2014"),
    builder="workbench.models.vision.transfer:build_transfer",
    hparams=(
        HParam("backbone", str, "mobilenet", "keras.applications backbone", choices=_TRANSFER_BACKBONES),
        HParam("weights", str, "imagenet", "Start from ImageNet weights or from random ones",
               choices=("imagenet", "none")),
        HParam("mode", str, "frozen", "frozen: train only the new head; finetune: retrain everything",
               choices=("frozen", "finetune")),
        HParam("input_size", int, 0, "Resize inputs to this side (0 = the data's size, at least the "
               "backbone's minimum: 32, 75 for inceptionv3, 71 for xception)", low=0, high=1024),
        HParam("dropout", float, 0.2, "Dropout before the new classifier", low=0.0, high=0.95),
        GAP_HEAD,
        # No activation, initializer or normalization choice: the backbone is keras.applications'
        # own network with its ImageNet weights (re-drawing its kernels would erase what transfer
        # learning transfers), and the new head is a single softmax layer with no hidden activation.
    ),
    smoke={"weights": "none", "input_size": 32},
))
