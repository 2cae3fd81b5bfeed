"""Hyperparameters that many entries share, declared once (this module registers no entry)."""

from workbench.catalog.registry import HParam

NORMALIZATIONS = ("batch", "layer", "instance", "group", "none")

NORMALIZATION = HParam("normalization", str, "batch",
                       "Normalization after each convolution (BatchNorm, LayerNorm, InstanceNorm, GroupNorm)",
                       choices=NORMALIZATIONS)
POOLING = HParam("pooling", str, "max", "Down-sampling between stages",
                 choices=("max", "average"))
DROPOUT = HParam("dropout", float, 0.0, "Dropout rate before the classifier", low=0.0, high=0.95)
INPUT_SIZE = HParam("input_size", int, 0,
                    "Resize inputs to this side length inside the model (0 = use the data's size)",
                    low=0, high=1024)
AUGMENT_COPIES = HParam("augment_copies", int, 0,
                        "Randomly flipped and scale-cropped copies of each training image to add "
                        "(boxes and masks move with the image)", low=0, high=16)
