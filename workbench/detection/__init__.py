"""Detection and segmentation core: box arithmetic, evaluation metrics and augmentation.

``boxes`` (IoU, NMS, anchors, box coding), ``metrics`` (precision/recall, VOC AP, a
COCOeval-equivalent evaluator), ``augment`` (flips and scale-crops that move boxes and
masks with the image) and ``cocoeval_json`` (COCO result files in and out). Ground truth
comes from ``workbench.data.shapes``, ``workbench.data.voc`` and ``workbench.data.coco``
as a ``DetectionData``.
"""
