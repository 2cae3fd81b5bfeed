"""Catalog section C: the region-based (two-stage) detectors, R-CNN to Mask R-CNN.

R-CNN has its own trainer (its SVMs and box regressors are not gradient descent) and
Fast R-CNN a thin variant of the shared one that also feeds Selective Search
proposals; Faster and Mask R-CNN train through
``workbench.detection.training:train_detector``. All report the validation mAP@0.5
(``val_mAP``) after every epoch.
"""

from dataclasses import replace

from workbench.catalog.registry import Entry, HParam, register
from workbench.catalog.shared import (
    AUGMENT_COPIES,
    DETECTOR_TRAINING,
    DOWNSAMPLING,
    DROPOUT,
    NORMALIZATION,
    NORMALIZATION_INSIGHT,
)

FAMILY = "C. Detection and segmentation"
TRAINER = "workbench.detection.training:train_detector"

WIDTH = HParam("width", int, 16, "Backbone width: filters of the first stage (later stages scale with it)",
               low=4, high=256)
MAX_CANDIDATES = HParam("max_candidates", int, 300,
                        "Best-scoring (box, class) candidates kept per image before the score "
                        "threshold and NMS", low=10, high=100000)
INPUT_SIZE = HParam("input_size", int, 0, "Resize the images to this side length before training "
                    "(0 = keep the data's size)", low=0, high=1024)
SEARCH = HParam("search", str, "fast", "Selective Search diversification: one strategy (single), "
                "two (fast) or four colour-space/threshold combinations (quality); on the shapes "
                "fast trains Fast R-CNN better (mAP 0.75 vs 0.64) with fewer near-duplicate boxes",
                choices=("single", "fast", "quality"))
SS_PROPOSALS = HParam("proposals", int, 100, "Selective Search proposals kept per image (about 2000 "
                      "in the papers, for larger images)", low=1, high=5000)
FEATURE_STRIDE = HParam("feature_stride", int, 4, "Stride of the shared feature map (pixels per cell); "
                        "4 on the 64-pixel shapes, whose smallest objects (6 px) would fall inside "
                        "one stride-8 cell (Faster R-CNN held-out mAP 0.82 at 8, 0.96 at 4)",
                        choices=(4, 8, 16))
POOLED_SIZE = HParam("pooled_size", int, 7, "RoI grid: bins per side of the pooled features", low=1, high=14)
SAMPLING_RATIO = HParam("sampling_ratio", int, 2, "RoIAlign: bilinear samples per bin side, averaged",
                        low=1, high=8)
FC = HParam("fc", int, 128, "Units of the two fully connected head layers (4096 in the papers)",
            low=4, high=4096)
ROI_BATCH = HParam("roi_batch", int, 32, "RoIs sampled per image for the head's loss (64 in Fast "
                   "R-CNN, 512 in Faster R-CNN)", low=1, high=1024)
#: Dropout after fc6 and fc7 of the box head, as the paper's VGG16 head has (0 = none).
HEAD_DROPOUT = replace(DROPOUT, help="Dropout after each of the box head's two fully connected "
                       "layers (the paper's VGG16 head: 0.5; 0 = none)")
FG_FRACTION = HParam("fg_fraction", float, 0.25, "Largest share of foreground RoIs (IoU >= 0.5) in "
                     "that sample", low=0.01, high=1.0)


def _roi_op(default: str) -> HParam:
    return HParam("roi_op", str, default, "RoI feature extraction: RoIAlign (bilinear, no rounding) "
                  "or RoIPool (rounded bins, max)", choices=("roi_align", "roi_pool"))


def _rpn() -> tuple:
    return (
        HParam("anchor_scales", str, "12,24,40", "Anchor side lengths in pixels (square root of the "
               "area), comma-separated; 128,256,512 in the paper for ~600-pixel images"),
        HParam("anchor_ratios", str, "0.5,1,2", "Anchor aspect ratios (width / height); "
               "scales x ratios anchors per position (3 x 3 = 9 in the paper)"),
        HParam("proposals", int, 64, "RPN proposals kept after NMS per image (2000 train / 300 test "
               "in the paper)", low=1, high=5000),
        HParam("rpn_batch", int, 64, "Anchors sampled per image for the RPN loss, at most half "
               "positive (256 in the paper)", low=2, high=4096),
        HParam("rpn_positive_iou", float, 0.7, "Anchors with IoU >= this with a box are positive",
               low=0.0, high=1.0),
        HParam("rpn_negative_iou", float, 0.3, "Anchors with IoU < this with every box are negative",
               low=0.0, high=1.0),
        HParam("rpn_nms_iou", float, 0.7, "NMS IoU threshold among the proposals", low=0.0, high=1.0),
        HParam("rpn_filters", int, 64, "Filters of the RPN's 3x3 convolution (512 with VGG16)",
               low=4, high=1024),
    )


register(Entry(
    name="rcnn",
    display_name="R-CNN (Selective Search + CNN + SVM)",
    family=FAMILY,
    task="detection",
    summary=(
        "Regions with CNN features: Selective Search proposes regions by grouping a graph-based "
        "over-segmentation; every region is warped to a fixed square and passed through a CNN "
        "(fine-tuned as a classifier over the classes plus background); one linear SVM per "
        "class (hinge loss) scores its features, and a ridge regression refines the box. "
        "Trained stage by stage with its own loop: the CNN runs once per region, hence slow."
    ),
    paper="Girshick, Donahue, Darrell & Malik, Rich feature hierarchies for accurate object detection "
          "and semantic segmentation, CVPR 2014; Uijlings et al., Selective Search for Object "
          "Recognition, IJCV 2013",
    builder="workbench.models.detection.rcnn:build_rcnn",
    insight=(NORMALIZATION_INSIGHT,),
    trainer="workbench.models.detection.rcnn:train_rcnn",
    hparams=(
        SEARCH, SS_PROPOSALS,
        HParam("warp_size", int, 32, "Regions are warped to this many pixels square (227 in the paper)",
               low=8, high=256),
        HParam("context", int, 2, "Pixels of surrounding context in the warped region (16 of 227 in "
               "the paper)", low=0, high=64),
        WIDTH,
        HParam("feature_dim", int, 128, "Units of fc6 and fc7; fc7 is the SVMs' feature (4096 in "
               "the paper)", low=4, high=4096),
        HParam("dropout", float, 0.3, "Dropout after fc7 while fine-tuning", low=0.0, high=0.95),
        HParam("svm_c", float, 0.01, "LinearSVC regularisation C (smaller = wider margin)",
               low=1e-6, high=1e3, log=True),
        HParam("ridge_alpha", float, 10.0, "Ridge penalty of the box regressors (1000 in the paper)",
               low=0.0, high=1e6),
        NORMALIZATION, DOWNSAMPLING, *DETECTOR_TRAINING, MAX_CANDIDATES, INPUT_SIZE, AUGMENT_COPIES,
    ),
    default_data="shapes",
    smoke={"search": "single", "proposals": 10, "warp_size": 16, "width": 4, "feature_dim": 8},
))

register(Entry(
    name="fast_rcnn",
    display_name="Fast R-CNN",
    family=FAMILY,
    task="detection",
    summary=(
        "The CNN runs once per image. Selective Search proposes regions on the image itself, in "
        "image pixels, and each box is projected onto the shared feature map by the stride (one "
        "note runs the search on the feature map; the paper, like the code, on the image). RoI "
        "pooling cuts each proposal into a fixed grid of pooled_size x pooled_size bins (7 x 7 in "
        "the paper) after rounding it to whole cells, and takes each bin's maximum: the notes say "
        "mean; the paper (Girshick 2015) takes the max. Two sibling heads classify it (softmax over "
        "classes + background) and refine its box, trained together by one multi-task loss on a "
        "sample of RoIs per image (a quarter foreground)."
    ),
    paper="Girshick, Fast R-CNN, ICCV 2015",
    builder="workbench.models.detection.fast_rcnn:build_fast_rcnn",
    insight=(NORMALIZATION_INSIGHT,),
    trainer="workbench.models.detection.fast_rcnn:train_fast_rcnn",
    hparams=(
        SEARCH, SS_PROPOSALS, _roi_op("roi_pool"), POOLED_SIZE, SAMPLING_RATIO, FEATURE_STRIDE,
        WIDTH, FC, ROI_BATCH, FG_FRACTION, NORMALIZATION, DOWNSAMPLING, HEAD_DROPOUT, *DETECTOR_TRAINING,
        MAX_CANDIDATES, INPUT_SIZE, AUGMENT_COPIES,
    ),
    default_data="shapes",
    default_epochs=40,  # benchmarks/detection_two_stage.py --defaults: held-out mAP@0.5 0.91, ~1 min
    smoke={"search": "single", "proposals": 10, "width": 4, "fc": 8, "pooled_size": 3,
           "roi_batch": 8},
))

register(Entry(
    name="faster_rcnn",
    display_name="Faster R-CNN",
    family=FAMILY,
    task="detection",
    summary=(
        "A region proposal network replaces Selective Search: a small convolution slides over "
        "the shared features and, at every position, scores 9 anchors (3 scales x 3 aspect "
        "ratios) for objectness and regresses their offsets. Its best boxes after NMS are pooled "
        "(RoIAlign or RoIPool) for the Fast R-CNN head; RPN and head are trained end to end in "
        "one step (approximate joint training). RoIPool takes each bin's maximum: the notes say "
        "mean; the paper (Girshick 2015) takes the max."
    ),
    paper="Ren, He, Girshick & Sun, Faster R-CNN: Towards Real-Time Object Detection with Region "
          "Proposal Networks, NeurIPS 2015",
    builder="workbench.models.detection.faster_rcnn:build_faster_rcnn",
    insight=(NORMALIZATION_INSIGHT,),
    trainer=TRAINER,
    hparams=(
        *_rpn(), _roi_op("roi_align"), POOLED_SIZE, SAMPLING_RATIO, FEATURE_STRIDE, WIDTH, FC,
        ROI_BATCH, FG_FRACTION, NORMALIZATION, DOWNSAMPLING, HEAD_DROPOUT, *DETECTOR_TRAINING,
        MAX_CANDIDATES, INPUT_SIZE, AUGMENT_COPIES,
    ),
    default_data="shapes",
    default_epochs=40,  # benchmarks/detection_two_stage.py --defaults: held-out mAP@0.5 0.965, ~1 min
    smoke={"width": 4, "fc": 8, "rpn_filters": 8, "pooled_size": 3, "proposals": 8,
           "roi_batch": 8},
))

register(Entry(
    name="mask_rcnn",
    display_name="Mask R-CNN",
    family=FAMILY,
    task="detection",
    summary=(
        "Faster R-CNN plus a small fully convolutional branch that predicts a binary mask per "
        "class for every RoI (only the true class's mask is trained), pasted back into the image "
        "inside the detected box. RoIAlign samples the features bilinearly without rounding, "
        "which keeps masks aligned with the pixels; switch to RoIPool (rounded bins, each bin's "
        "maximum) to compare: the notes say mean; the paper (Girshick 2015) takes the max."
    ),
    paper="He, Gkioxari, Dollar & Girshick, Mask R-CNN, ICCV 2017",
    builder="workbench.models.detection.mask_rcnn:build_mask_rcnn",
    insight=(NORMALIZATION_INSIGHT,),
    trainer=TRAINER,
    hparams=(
        *_rpn(), _roi_op("roi_align"), POOLED_SIZE, SAMPLING_RATIO,
        HParam("mask_pooled_size", int, 14, "RoI grid of the mask branch; masks come out twice as "
               "large (14 -> 28x28 in the paper)", choices=(7, 14)),
        HParam("mask_filters", int, 32, "Filters of the mask branch's convolutions (256 in the paper)",
               low=4, high=512),
        HParam("mask_convs", int, 2, "3x3 convolutions of the mask branch (4 in the paper)", low=1, high=8),
        FEATURE_STRIDE, WIDTH, FC, ROI_BATCH, FG_FRACTION, NORMALIZATION, DOWNSAMPLING, HEAD_DROPOUT,
        *DETECTOR_TRAINING,
        MAX_CANDIDATES, INPUT_SIZE, AUGMENT_COPIES,
    ),
    default_data="shapes",
    default_epochs=25,  # benchmarks/detection_two_stage.py --defaults: held-out mask AP50 0.97, ~1-2 min
    smoke={"width": 4, "fc": 8, "rpn_filters": 8, "pooled_size": 3, "proposals": 8,
           "roi_batch": 8, "mask_pooled_size": 7, "mask_filters": 4, "mask_convs": 1},
))

register(Entry(
    name="keypoint_rcnn",
    display_name="Keypoint R-CNN (Mask R-CNN keypoint head)",
    family=FAMILY,
    task="detection",
    summary=(
        "Mask R-CNN's keypoint head for pose estimation: Faster R-CNN's detector plus, for every "
        "RoI, K heatmaps (one per keypoint type) from RoIAlign features; each visible keypoint's "
        "target is one cell of the m x m grid, trained by a softmax cross-entropy over the m^2 "
        "cells. Inference takes each heatmap's argmax back into the box; validation reports PCK "
        "(a keypoint within 0.2 x the box's longer side). Trains on shape_keypoints (the "
        "shapes' corners) or a COCO keypoint file."
    ),
    paper="He, Gkioxari, Dollar & Girshick, Mask R-CNN, ICCV 2017 (section 5: human pose estimation)",
    builder="workbench.models.detection.keypoint_rcnn:build_keypoint_rcnn",
    insight=(NORMALIZATION_INSIGHT,),
    trainer="workbench.models.detection.keypoint_rcnn:train_keypoint_rcnn",
    hparams=(
        *_rpn(), _roi_op("roi_align"), POOLED_SIZE, SAMPLING_RATIO,
        HParam("keypoint_pooled_size", int, 14, "RoI grid of the keypoint head; heatmaps come out "
               "twice as large (14 -> 28x28; 56x56 in the paper)", choices=(7, 14)),
        HParam("keypoint_filters", int, 32, "Filters of the keypoint head's convolutions (512 in "
               "the paper)", low=4, high=512),
        HParam("keypoint_convs", int, 2, "3x3 convolutions of the keypoint head (8 in the paper)",
               low=1, high=8),
        FEATURE_STRIDE, WIDTH, FC, ROI_BATCH, FG_FRACTION, NORMALIZATION, DOWNSAMPLING, HEAD_DROPOUT,
        *DETECTOR_TRAINING,
        MAX_CANDIDATES, INPUT_SIZE,
    ),
    default_data="shape_keypoints",
    default_epochs=25,  # benchmarks/detection_two_stage.py --defaults: held-out mAP@0.5 0.98, PCK 0.96, ~2 min
    smoke={"width": 4, "fc": 8, "rpn_filters": 8, "pooled_size": 3, "proposals": 8,
           "roi_batch": 8, "keypoint_pooled_size": 7, "keypoint_filters": 4, "keypoint_convs": 1},
))
