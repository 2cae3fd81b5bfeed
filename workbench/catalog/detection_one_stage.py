"""Catalog section C: one-stage detectors (YOLO v1, SSD, RetinaNet, FCOS) and semantic
segmentation (U-Net, FCN).

Every entry trains through ``workbench.detection.training:train_detector`` on detection
data (the embedded ``shapes`` by default, or a VOC / COCO folder): the model's own
``train_step`` computes the technique's loss, and each epoch adds the validation mAP@0.5
(``val_mAP``) or mean IoU (``val_mean_iou``) to the curves.
"""

from dataclasses import replace

from workbench.catalog.registry import Entry, HParam, register
from workbench.catalog.shared import (
    ACTIVATION,
    AUGMENT_COPIES,
    DETECTOR_TRAINING,
    DOWNSAMPLING,
    DROPOUT,
    INIT_STDDEV,
    INITIALIZER,
    NORMALIZATION,
    NORMALIZATION_INSIGHT,
    POOLING,
)

FAMILY = "C. Detection and segmentation"
TRAINER = "workbench.detection.training:train_detector"

WIDTH = HParam("width", int, 16, "Backbone width: filters of the first stage (later stages scale with it)",
               low=4, high=256)
MAX_CANDIDATES = HParam("max_candidates", int, 1000,
                        "Best-scoring candidates kept per image before the score threshold and NMS",
                        low=10, high=100000)
DET_INPUT_SIZE = HParam("input_size", int, 0, "Resize the images to this side length before training "
                        "(0 = keep the data's size; mixed sizes take the first image's)",
                        low=0, high=1024)
#: Dropout where a fully convolutional detector has no fully connected layer: on the feature maps
#: (backbone maps for SSD, pyramid levels for RetinaNet / FCOS) before the heads.
FEATURE_DROPOUT = replace(DROPOUT, help="Dropout on the feature maps before the heads (0 = none)")
#: YOLO's backbone activation; its head keeps the paper's leaky ReLU (slope 0.1).
YOLO_ACTIVATION = replace(ACTIVATION, help="Hidden activation of the backbone (the head keeps the "
                          "paper's leaky ReLU, slope 0.1)")
#: The one-stage detectors' default: the shapes source's 160 training images are far too few
#: (every detector overfits them: train mAP near 1, held-out 0.4-0.9), so "auto" adds flipped
#: and scale-cropped copies up to about 2,000 images (12 each for the 160, 2,080 an epoch), as
#: the papers' augmentation does; a large or streamed set gets none.
DETECTOR_AUGMENT = replace(AUGMENT_COPIES, default=-1, low=-1, help=(
    "Randomly flipped and scale-cropped copies of each training image to add (boxes and masks "
    "move with the image); -1 = auto: enough for about 2,000 training images, at most 12, none "
    "for a streamed set"))
# Unlike the classifiers' INPUT_SIZE, detectors resize the data (boxes and masks too),
# not inside the model, so boxes stay in the network's own pixels.


def _pyramid(min_level: int, max_level: int, top: int = 6):
    return (
        HParam("min_level", int, min_level, "Finest pyramid level (stride 2^level)", low=1, high=top),
        HParam("max_level", int, max_level, "Coarsest pyramid level (stride 2^level)", low=1, high=top),
        HParam("fpn_filters", int, 64, "Channels of every FPN level and head convolution", low=8, high=512),
        HParam("head_depth", int, 2, "3x3 convolutions in each head before its output "
               "(4 in the papers)", low=0, high=8),
    )


register(Entry(
    name="yolo_v1",
    display_name="YOLO v1",
    family=FAMILY,
    task="detection",
    summary=(
        "You Only Look Once: the image is split into an S x S grid and one network pass "
        "regresses, for every cell, B boxes with a confidence (trained towards Pr(Object) x IoU "
        "with the truth) and one set of class probabilities. Its loss has three parts: box "
        "coordinates (lambda_coord, square roots of width and height), confidences (lambda_noobj "
        "for boxes without an object) and classes. Fast, but one object class per cell."
    ),
    paper="Redmon, Divvala, Girshick & Farhadi, You Only Look Once: Unified, Real-Time Object Detection, CVPR 2016",
    builder="workbench.models.detection.yolo_v1:build_yolo_v1",
    insight=(NORMALIZATION_INSIGHT,),
    trainer=TRAINER,
    hparams=(
        HParam("grid", int, 8, "S: the image is divided into S x S cells (7 in the paper; 8 puts "
               "one cell on each pixel of the 8x8 map of a 64-pixel image after 3 levels)",
               low=1, high=32),
        HParam("boxes_per_cell", int, 2, "B: boxes predicted by every cell", low=1, high=8),
        HParam("lambda_coord", float, 5.0, "Weight of the box-coordinate errors", low=0.0, high=100.0),
        HParam("lambda_noobj", float, 0.5, "Weight of the confidence errors of boxes without an object",
               low=0.0, high=10.0),
        HParam("levels", int, 3, "Stride-2 backbone stages before the head", low=1, high=7),
        WIDTH,
        HParam("head", str, "conv", "fc: the paper's fully connected layers (each cell has its own "
               "weights, so it needs thousands of images); conv: the same grid output from "
               "convolutions shared by all cells (as YOLO v2), which learns from a few hundred",
               choices=("conv", "fc")),
        HParam("hidden", int, 64, "Units of the fully connected layer (head=fc; 4096 in the paper), "
               "or filters of the 3x3 convolution (head=conv)", low=8, high=8192),
        HParam("dropout", float, 0.0, "Dropout after the hidden layer (0.5 in the paper)",
               low=0.0, high=0.95),
        NORMALIZATION, DOWNSAMPLING, YOLO_ACTIVATION, INITIALIZER, INIT_STDDEV,
        MAX_CANDIDATES, DET_INPUT_SIZE, DETECTOR_AUGMENT,
    ),
    data_kinds=("image",),
    default_data="shapes",
    smoke={"width": 4, "hidden": 16, "augment_copies": 0},
    default_epochs=20,
))

register(Entry(
    name="ssd",
    display_name="SSD (Single Shot MultiBox Detector)",
    family=FAMILY,
    task="detection",
    summary=(
        "Default boxes of several scales and aspect ratios on several feature maps of "
        "decreasing resolution, each scored over the classes plus background and refined by a "
        "3x3 convolution: fine maps catch small objects, coarse maps large ones. Training matches "
        "default boxes to true boxes by IoU and keeps only the hardest negatives (3 per "
        "positive); the loss is softmax cross-entropy plus smooth L1 on the box offsets."
    ),
    paper="Liu, Anguelov, Erhan, Szegedy, Reed, Fu & Berg, SSD: Single Shot MultiBox Detector, ECCV 2016",
    builder="workbench.models.detection.ssd:build_ssd",
    insight=(NORMALIZATION_INSIGHT,),
    trainer=TRAINER,
    hparams=(
        HParam("min_level", int, 2, "Finest feature map with default boxes (stride 2^level)", low=1, high=7),
        HParam("max_level", int, 5, "Coarsest feature map with default boxes (stride 2^level)", low=1, high=7),
        HParam("min_scale", float, 0.12, "s_min: default-box side on the finest map, as a fraction "
               "of the image (0.2 in the paper; 0.12 on levels 2-5 gives 93% of the shapes a "
               "default box at IoU >= 0.5)", low=0.01, high=1.0),
        HParam("max_scale", float, 0.6, "s_max: default-box side on the coarsest map (0.9 in the paper)",
               low=0.01, high=1.0),
        HParam("aspect_ratios", str, "1,2,0.5", "Default-box width/height ratios, comma separated "
               "(the paper adds 3 and 1/3); one extra square box per cell"),
        HParam("neg_pos_ratio", float, 3.0, "Hard negative mining: background boxes kept per positive",
               low=0.0, high=100.0),
        HParam("match_iou", float, 0.5, "IoU at which a default box is matched to a true box",
               low=0.05, high=0.95),
        WIDTH, NORMALIZATION, DOWNSAMPLING, FEATURE_DROPOUT, *DETECTOR_TRAINING,
        MAX_CANDIDATES, DET_INPUT_SIZE, DETECTOR_AUGMENT,
    ),
    data_kinds=("image",),
    default_data="shapes",
    smoke={"width": 4, "augment_copies": 0},
    default_epochs=8,
))

register(Entry(
    name="retinanet",
    display_name="RetinaNet (FPN + focal loss)",
    family=FAMILY,
    task="detection",
    summary=(
        "A one-stage detector as accurate as two-stage ones: a feature pyramid network gives "
        "semantically strong maps at every scale, each position carries 9 anchors (3 scales x 3 "
        "aspect ratios), and two small subnets shared by all levels classify and refine them. "
        "The focal loss -alpha_t (1 - p_t)^gamma log p_t down-weights the flood of easy "
        "background anchors so training concentrates on the hard examples (gamma = 0 is plain "
        "cross-entropy)."
    ),
    paper="Lin, Goyal, Girshick, He & Dollar, Focal Loss for Dense Object Detection, ICCV 2017",
    builder="workbench.models.detection.retinanet:build_retinanet",
    insight=(NORMALIZATION_INSIGHT,),
    trainer=TRAINER,
    hparams=(
        HParam("alpha", float, 0.25, "Focal loss alpha: weight of the positive (object) term",
               low=0.0, high=1.0),
        HParam("gamma", float, 2.0, "Focal loss gamma: focusing strength (0 = cross-entropy)",
               low=0.0, high=10.0),
        HParam("anchor_scales", str, "1,1.26,1.587", "Anchor scales per level, comma separated "
               "(2^0, 2^(1/3), 2^(2/3) in the paper)"),
        HParam("anchor_ratios", str, "0.5,1,2", "Anchor aspect ratios (width/height), comma separated"),
        HParam("anchor_size", float, 2.0, "Base anchor side in strides (4 in the paper, made for "
               "larger images; 2 on levels 2-4 gives 95% of the shapes an anchor at IoU >= 0.5)",
               low=0.1, high=32.0),
        HParam("positive_iou", float, 0.5, "Anchors at or above this IoU are positives", low=0.05, high=0.95),
        HParam("negative_iou", float, 0.4, "Anchors below this IoU are background (in between: ignored)",
               low=0.0, high=0.95),
        *_pyramid(2, 4), WIDTH, NORMALIZATION, DOWNSAMPLING, FEATURE_DROPOUT, *DETECTOR_TRAINING,
        MAX_CANDIDATES, DET_INPUT_SIZE, DETECTOR_AUGMENT,
    ),
    data_kinds=("image",),
    default_data="shapes",
    smoke={"width": 4, "fpn_filters": 8, "head_depth": 1, "augment_copies": 0},
    default_epochs=10,
))

register(Entry(
    name="fcos",
    display_name="FCOS (anchor-free)",
    family=FAMILY,
    task="detection",
    summary=(
        "Fully convolutional one-stage detection without anchors: every feature-map location "
        "inside a true box regresses its distances (l, t, r, b) to the box's sides, each FPN "
        "level handling one range of object sizes. A centerness branch learns how close a "
        "location is to the object's centre; at test time class score x centerness ranks the "
        "boxes, so poor boxes from the edges of objects are suppressed. Focal loss on classes, "
        "IoU loss on boxes."
    ),
    paper="Tian, Shen, Chen & He, FCOS: Fully Convolutional One-Stage Object Detection, ICCV 2019",
    builder="workbench.models.detection.fcos:build_fcos",
    insight=(NORMALIZATION_INSIGHT,),
    trainer=TRAINER,
    hparams=(
        HParam("alpha", float, 0.25, "Focal loss alpha", low=0.0, high=1.0),
        HParam("gamma", float, 2.0, "Focal loss gamma (0 = cross-entropy)", low=0.0, high=10.0),
        HParam("range_scale", float, 2.0, "Level P_i regresses objects with max(l,t,r,b) up to "
               "range_scale x stride_i (8 in the paper, made for larger images)", low=0.1, high=64.0),
        HParam("extra_levels", int, 1, "Top pyramid levels built by stride-2 convolutions from the "
               "FPN level below, as the paper's P6/P7 from P5 (0 = every level from the backbone)",
               low=0, high=5),
        *_pyramid(2, 4), WIDTH, NORMALIZATION, DOWNSAMPLING, FEATURE_DROPOUT, *DETECTOR_TRAINING,
        MAX_CANDIDATES, DET_INPUT_SIZE, DETECTOR_AUGMENT,
    ),
    data_kinds=("image",),
    default_data="shapes",
    smoke={"width": 4, "fpn_filters": 8, "head_depth": 1, "augment_copies": 0},
    default_epochs=10,
))

register(Entry(
    name="unet",
    display_name="U-Net (semantic segmentation)",
    family=FAMILY,
    task="segmentation",
    summary=(
        "An encoder-decoder for per-pixel classes: the contracting path pools to gather context, "
        "the expanding path upsamples with transposed convolutions and concatenates the encoder "
        "map of the same resolution (skip connections) to recover fine boundaries. Trained with "
        "per-pixel cross-entropy; scored by mean IoU over background and classes."
    ),
    paper="Ronneberger, Fischer & Brox, U-Net: Convolutional Networks for Biomedical Image Segmentation, MICCAI 2015",
    builder="workbench.models.detection.unet:build_unet",
    insight=(NORMALIZATION_INSIGHT,),
    trainer=TRAINER,
    hparams=(
        HParam("depth", int, 3, "Poolings in the encoder (and upsamplings in the decoder)", low=1, high=6),
        HParam("filters", int, 16, "Filters of the first block (doubled at every depth; 64 in the paper)",
               low=1, high=256),
        NORMALIZATION, replace(POOLING, help="2x2 pooling of the contracting path (the paper: max)"),
        replace(DROPOUT, help="Dropout at the end of the contracting path (the paper's; 0 = none)"),
        *DETECTOR_TRAINING, DET_INPUT_SIZE, AUGMENT_COPIES,
    ),
    data_kinds=("image",),
    default_data="shapes",
    default_epochs=30,  # benchmarks/detection_two_stage.py --defaults: held-out mean IoU 0.97, ~2 min
    smoke={"filters": 2, "depth": 2},
))

register(Entry(
    name="fcn",
    display_name="FCN-8s (fully convolutional network)",
    family=FAMILY,
    task="segmentation",
    summary=(
        "A classifier turned fully convolutional: its dense layers become convolutions, giving a "
        "coarse map of class scores at stride 32. FCN-8s upsamples it 2x with a learnt transposed "
        "convolution and adds scores from pool4, again with pool3, then upsamples 8x bilinearly; "
        "FCN-16s and FCN-32s use fewer skips and give blurrier boundaries. Scored by mean IoU."
    ),
    paper="Long, Shelhamer & Darrell, Fully Convolutional Networks for Semantic Segmentation, CVPR 2015",
    builder="workbench.models.detection.fcn:build_fcn",
    insight=(NORMALIZATION_INSIGHT,),
    trainer=TRAINER,
    hparams=(
        HParam("variant", str, "8s", "Skip upsampling: 8s (pool3 + pool4), 16s (pool4) or 32s (none)",
               choices=("8s", "16s", "32s")),
        HParam("fc_filters", int, 128, "Filters of the convolutionalised fc6/fc7 (4096 in the paper)",
               low=4, high=4096),
        WIDTH, NORMALIZATION, DOWNSAMPLING,
        replace(DROPOUT, help="Dropout after the convolutionalised fc6 and fc7 (the paper keeps "
                "VGG's; 0 = none)"),
        *DETECTOR_TRAINING,
        # The paper's images are ~500 px with objects of 100+: at stride 8 they span many
        # cells. The 64-px shapes' objects (6-32 px) span 1-4, and the 8x bilinear upsampling
        # cannot draw their outlines (held-out mean IoU 0.64 at 64 px, 0.84 at 128, 0.93 at 256).
        replace(DET_INPUT_SIZE, default=256, help="Resize the images to this side length (a "
                "multiple of 32) before training; 256 makes the shapes' objects several stride-8 "
                "cells wide, as VOC's are at 500 px (0 = keep the data's size)"),
        AUGMENT_COPIES,
    ),
    data_kinds=("image",),
    default_data="shapes",
    default_epochs=35,  # benchmarks/detection_two_stage.py --defaults: held-out mean IoU >= 0.9, ~5 min
    smoke={"width": 4, "fc_filters": 8, "input_size": 64},
))
