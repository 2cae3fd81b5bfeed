"""Scoring a detector or segmenter on an annotated set: the Detect tab's evaluation and
``keras-workbench evaluate RUN`` on a detection or segmentation run.

``evaluate`` runs the model over the images batch by batch, shaped like Orange's
concurrent tasks (and ``workbench.xai.batch``): a ``progress(done, total)`` callback and
a ``should_stop()`` flag checked between batches, so a GUI worker thread and the command
line drive the same code. Detectors are scored with ``metrics.evaluate_detections`` (the
VOC devkit's AP@0.5 and pycocotools' twelve COCO numbers; masks too for Mask R-CNN),
segmenters with per-class IoU (Long et al., FCN, 2015). ``summary_rows`` and
``per_class_table`` are the tab's two tables; ``report`` prints them and ``as_json``
names every figure as pycocotools' ``COCOeval.summarize`` does.

``evaluate_run`` loads a run's model and its validation images (or another set: a
registered source such as ``shapes`` with ``seed=N`` for a held-out set, a COCO .json,
a VOC, YOLO-txt or KITTI folder) and scores it.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np

from workbench.errors import WorkbenchError

DETECTION, SEGMENTATION = "detection", "segmentation"
#: Images per network call (a progress step each).
EVAL_BATCH = 8
#: ``coco_evaluate``'s twelve figures, in the order (and with the names) of ``COCOeval.stats``.
COCO_STATS = ("AP", "AP50", "AP75", "APs", "APm", "APl",
              "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")
#: The summary table's rows: label, key of ``evaluate_detections``' result.
SUMMARY_ROWS = (("VOC mAP@0.5", ("voc", "mAP")), ("COCO AP@[.50:.95]", "AP"), ("AP50", "AP50"),
                ("AP75", "AP75"), ("APs (small)", "APs"), ("APm (medium)", "APm"),
                ("APl (large)", "APl"), ("AR1", "AR1"), ("AR10", "AR10"), ("AR100", "AR100"))
DETECTION_DATA = "shapes, a COCO .json, or a VOC, YOLO-txt or KITTI folder"


def model_kind(model) -> str | None:
    """``"detection"``, ``"segmentation"`` or None for a model that is neither."""
    if model is None:
        return None
    task = getattr(model, "task", None)
    if task == SEGMENTATION:
        return SEGMENTATION
    if task == DETECTION and callable(getattr(model, "predict_candidates", None)):
        return DETECTION
    try:  # a plain functional segmenter: per-pixel softmax at the input's resolution
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        return None
    if len(inputs) == 1 and len(outputs) == 1:
        shape_in, shape_out = tuple(inputs[0].shape), tuple(outputs[0].shape)
        if len(shape_in) == 4 and len(shape_out) == 4 and shape_in[1:3] == shape_out[1:3] \
                and shape_out[-1] and shape_out[-1] > 1:
            return SEGMENTATION
    return None


def at_model_size(data, size):
    """``data`` with every image (and box and mask) at the model's input size."""
    images = data.images
    if isinstance(images, np.ndarray) and tuple(images.shape[1:3]) == tuple(size):
        return data
    return data.resized(size)


def evaluate(model, kind: str, data, iou_threshold: float = 0.5, progress=None, should_stop=None,
             batch_size: int = EVAL_BATCH, warmup: bool = True) -> dict | None:
    """Run the model over ``data`` and score it; None when ``should_stop()`` turned true.

    Detectors: every candidate scoring at least ``training.EVAL_SCORE_THRESHOLD`` after
    NMS at ``iou_threshold`` is ranked, as the VOC and COCO tools expect, and scored
    with ``metrics.evaluate_detections`` (boxes; masks too when both sides have them).
    Segmenters: per-class IoU and pixel accuracy of the class maps. ``ms_per_image``
    times the network and the selection only (images are read before the clock starts);
    with ``warmup`` the first batch (and a smaller last one) run once untimed first, so
    tracing the model's graphs for those batch sizes is not counted.
    """
    from workbench.detection import inference, metrics, training

    size = inference.input_size(model)
    if kind == SEGMENTATION and data.masks is None:
        raise WorkbenchError(f"{data.name} has no masks, so a segmenter cannot be scored on it "
                             "(use shapes or a COCO set with segmentations)")
    if kind not in (DETECTION, SEGMENTATION):
        raise WorkbenchError(f"{getattr(model, 'name', 'the model')} is neither a detector nor a "
                             "segmenter")
    data = at_model_size(data, size)
    if kind == SEGMENTATION and not isinstance(data.images, np.ndarray):
        from dataclasses import replace  # a streamed set: class maps are scored whole anyway

        data = replace(data, images=np.asarray(data.images, np.float32))
    count = len(data)
    if progress is not None:
        progress(0, count)

    def run(batch):
        if kind == SEGMENTATION:
            return list(inference.segment_batch(model, batch, batch_size=batch_size))
        return [inference.select(c, training.EVAL_SCORE_THRESHOLD, iou_threshold,
                                 training.EVAL_MAX_DETECTIONS)
                for c in model.predict_candidates(batch, batch_size=batch_size)]

    if warmup and count and not (should_stop is not None and should_stop()):
        run(np.asarray(data.images[:batch_size], np.float32))
        if count > batch_size and count % batch_size:  # a smaller last batch is traced anew
            run(np.asarray(data.images[count - count % batch_size:], np.float32))
    outputs, seconds = [], 0.0
    for start in range(0, count, batch_size):
        if should_stop is not None and should_stop():
            return None
        batch = np.asarray(data.images[start:start + batch_size], np.float32)  # decoded untimed
        began = time.perf_counter()
        outputs.extend(run(batch))
        seconds += time.perf_counter() - began
        if progress is not None:
            progress(min(count, start + batch_size), count)
    timing = {"ms_per_image": 1000.0 * seconds / max(count, 1),
              "fps": count / seconds if seconds > 0 else float("inf"), "images": count}
    if kind == SEGMENTATION:
        from workbench.detection.segmentation_metrics import per_class_iou, pixel_accuracy

        predicted, truth = np.stack(outputs), data.semantic_masks()
        ious = per_class_iou(predicted, truth, len(data.class_names) + 1)
        return {"kind": kind, "data": data, "maps": predicted, "per_class_iou": ious,
                "mean_iou": float(np.nanmean(ious)) if np.isfinite(ious).any() else 0.0,
                "pixel_accuracy": pixel_accuracy(predicted, truth), **timing}
    result = metrics.evaluate_detections(data, outputs)
    mask_result = None
    if data.masks is not None and all(d.get("masks") is not None for d in outputs):
        mask_result = metrics.evaluate_detections(data, outputs, iou_type="segm")
    keypoints = {}  # Keypoint R-CNN on data with keypoints: PCK@0.2 beside the box scores
    if getattr(data, "keypoints", None) is not None and all("keypoints" in d for d in outputs):
        from workbench.models.detection.keypoint_rcnn import pck

        keypoints["pck"] = pck(outputs, data)
    from workbench.detection.threshold_metrics import summarize  # AR, the notes' AP, TP/FP/FN

    return {"kind": kind, "data": data, "detections": outputs, "result": result,
            "mask_result": mask_result, "thresholds": summarize(data, outputs), **keypoints,
            **timing}


# --- the tables ------------------------------------------------------------------------------

def number(value) -> str:
    """A score for a table cell; COCO's -1 and VOC's nan mean "nothing to measure"."""
    value = float(value)
    return "—" if np.isnan(value) or value < 0 else f"{value:.3f}"


def summary_rows(evaluation: dict) -> list[tuple]:
    """``(label, value)`` rows of the summary table (``ms per image`` already as text)."""
    timing = ("ms per image", f"{evaluation['ms_per_image']:.1f}")
    if evaluation["kind"] == SEGMENTATION:
        return [("mean IoU", evaluation["mean_iou"]),
                ("pixel accuracy", evaluation["pixel_accuracy"]), timing]
    result = evaluation["result"]
    rows = [(label, result[key[0]][key[1]] if isinstance(key, tuple) else result[key])
            for label, key in SUMMARY_ROWS]
    if evaluation.get("mask_result") is not None:
        masks = evaluation["mask_result"]
        rows += [("mask AP@[.50:.95]", masks["AP"]), ("mask AP50", masks["AP50"])]
    if evaluation.get("pck") is not None:
        rows.append(("keypoint PCK@0.2", evaluation["pck"]))
    if evaluation.get("thresholds") is not None:
        extra = evaluation["thresholds"]
        rows += [("AR (IoU .50:.95, per class)", extra["average_recall"]["mean"]),
                 ("notes' AP@0.5 (conf .05:.95)", extra["notes_ap"]["mAP"])]
    return rows + [timing]


def class_names(evaluation: dict) -> tuple:
    """The per-class table's classes: background first for a segmenter."""
    names = tuple(evaluation["data"].class_names)
    return ("background",) + names if evaluation["kind"] == SEGMENTATION else names


def per_class_table(evaluation: dict) -> tuple[list[str], list[tuple]]:
    """The per-class table: its column headers and rows (true boxes counted per class)."""
    names = class_names(evaluation)
    if evaluation["kind"] == SEGMENTATION:
        return ["Class", "IoU"], list(zip(names, evaluation["per_class_iou"]))
    data, result = evaluation["data"], evaluation["result"]
    labels = [np.asarray(l, np.int64).reshape(-1) for l in data.labels]
    counts = np.bincount(np.concatenate(labels or [np.zeros(0, np.int64)]),
                         minlength=data.num_classes)
    extra = evaluation.get("thresholds")
    if extra is None:
        return (["Class", "AP@0.5 (VOC)", "AP@[.50:.95]", "True boxes"],
                [(name, result["voc"]["per_class"][name], result["per_class"][name],
                  int(counts[k])) for k, name in enumerate(names)])
    return (["Class", "AP@0.5 (VOC)", "AP@[.50:.95]", "AR", "notes' AP", "True boxes"],
            [(name, result["voc"]["per_class"][name], result["per_class"][name],
              extra["average_recall"]["per_class"][name], extra["notes_ap"]["per_class"][name],
              int(counts[k])) for k, name in enumerate(names)])


def headline(evaluation: dict) -> str:
    if evaluation["kind"] == SEGMENTATION:
        return f"mean IoU {evaluation['mean_iou']:.3f}"
    result = evaluation["result"]
    return f"VOC mAP@0.5 {number(result['voc']['mAP'])} · COCO AP {number(result['AP'])}"


def _table(headers, rows) -> list[str]:
    cells = [[str(h) for h in headers]]
    for row in rows:
        cells.append([value if isinstance(value, str) else
                      str(int(value)) if isinstance(value, (int, np.integer)) else number(value)
                      for value in row])
    widths = [max(len(row[c]) for row in cells) for c in range(len(headers))]
    return ["  ".join(cell.ljust(widths[c]) if c == 0 else cell.rjust(widths[c])
                      for c, cell in enumerate(row)) for row in cells]


def report(evaluation: dict, model_label: str = "", data_label: str = "") -> str:
    """The Detect tab's two tables as plain text ("—": nothing to measure)."""
    where = f" on {data_label}" if data_label else ""
    title = (f"{model_label or 'model'}{where}: {evaluation['images']} image(s) · "
             f"{headline(evaluation)} · {evaluation['ms_per_image']:.1f} ms per image")
    lines = [title, ""]
    lines += _table(["Metric", "Value"], summary_rows(evaluation)) + [""]
    lines += _table(*per_class_table(evaluation))
    if evaluation.get("thresholds") is not None:
        counts = evaluation["thresholds"]["tp_fp_fn"]
        lines += ["", "TP / FP / FN against the score threshold (IoU 0.5, all classes)"]
        lines += _table(["Threshold", "TP", "FP", "FN"],
                        [(t, c["tp"], c["fp"], c["fn"]) for t, c in counts.items()])
    return "\n".join(lines)


def _finite(value):
    """A JSON number; nan ("no true object of this class") becomes null."""
    value = float(value)
    return None if math.isnan(value) else value


def as_json(evaluation: dict) -> dict:
    """The figures under their contract names: detectors ``voc_map50``, the twelve COCO
    stats (pycocotools' names), ``per_class_ap`` (AP@0.5) and ``mask`` for masks;
    segmenters ``mean_iou`` and ``per_class_iou``; both ``ms_per_image`` and ``images``."""
    out = {"kind": evaluation["kind"], "images": int(evaluation["images"]),
           "ms_per_image": float(evaluation["ms_per_image"])}
    if evaluation["kind"] == SEGMENTATION:
        names = class_names(evaluation)
        out.update(mean_iou=float(evaluation["mean_iou"]),
                   pixel_accuracy=float(evaluation["pixel_accuracy"]),
                   per_class_iou={n: _finite(v) for n, v in zip(names, evaluation["per_class_iou"])})
        return out
    result = evaluation["result"]
    out["voc_map50"] = _finite(result["voc"]["mAP"])
    out.update({key: float(result[key]) for key in COCO_STATS})
    out["per_class_ap"] = {n: _finite(v) for n, v in result["voc"]["per_class"].items()}
    if evaluation.get("mask_result") is not None:
        out["mask"] = {key: float(evaluation["mask_result"][key]) for key in COCO_STATS}
    if evaluation.get("pck") is not None:
        out["pck"] = _finite(evaluation["pck"])
    if evaluation.get("thresholds") is not None:  # average_recall, notes_ap, tp_fp_fn
        from workbench.detection.threshold_metrics import summary_json

        out.update(summary_json(evaluation["thresholds"]))
    return out


# --- a run -----------------------------------------------------------------------------------

def run_task(run_dir: str) -> str:
    """The task of a run's catalog entry (its data's task when the entry is unknown)."""
    from workbench import catalog
    from workbench.runs.rundir import RunDir

    run = RunDir(run_dir)
    name = run.read_config().get("model")
    try:
        return catalog.get(name).task if name else ""
    except WorkbenchError:  # an entry since renamed: what the run's data says
        return run.read_info().get("task", "")


def load_run_model(run_dir: str, model_name: str | None = None):
    """``(model, kind)`` of a run's detector or segmenter."""
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow
    from workbench.runs.rundir import RunDir

    run = RunDir(run_dir)
    path = os.path.join(run.path, f"{model_name}.keras") if model_name else run.model
    if not os.path.isfile(path):
        raise WorkbenchError(f"{run.path} has no {os.path.basename(path)} (has the run finished an "
                             "epoch?)")
    import_tensorflow()
    model = load_model(path)
    kind = model_kind(model)
    if kind is None:
        raise WorkbenchError(f"{os.path.basename(path)} in {run.path} is neither a detector nor a "
                             "segmenter")
    return model, kind, path


def _check_source(source: str, kind: str) -> None:
    """Data of another task is refused before TensorFlow loads."""
    from workbench.data.registry import resolve

    spec, _ = resolve(source)
    if spec.task != DETECTION:
        raise WorkbenchError(f"{source} is {spec.task} data without boxes; a {_noun(kind)} is "
                             f"scored on detection data ({DETECTION_DATA})")


def _noun(kind: str) -> str:
    return "segmenter" if kind == SEGMENTATION else "detector"


def load_data(config: dict, source: str | None, options: dict | None, kind: str,
              split: str = "val"):
    """``(DetectionData, label)``: the run's validation images, or ``source``'s.

    Data is loaded with the run's seed and validation fraction, so the run's own split is
    the images it was validated on. Another source with the run's data name (``shapes``)
    keeps the run's options, so ``seed=N`` alone gives a held-out set like its training
    set; ``split="all"`` scores every image.
    """
    from workbench import data as data_sources

    if split not in ("val", "all"):
        raise WorkbenchError(f"split {split!r} must be val or all")
    own = config.get("data") or ""
    source = source or own
    if not source:
        raise WorkbenchError("the run names no data set; evaluate it with --data")
    _check_source(source, kind)
    merged = dict(config.get("data_options") or {}) if source == own else {}
    merged.update(options or {})
    val_split = float(config.get("val_split", 0.2))
    if split == "val" and not val_split:
        if source == own:
            raise WorkbenchError("this run was trained without a validation split (val_split 0); "
                                 "evaluate it on other data with --data, or on every image with "
                                 "--split all")
        val_split = 0.2
    data = data_sources.load(source, merged, seed=int(config.get("seed", 0)),
                             val_fraction=val_split if split == "val" else 0.0)
    if not hasattr(data, "boxes") or not hasattr(data, "labels"):
        raise WorkbenchError(f"{source} has no boxes; a {_noun(kind)} is scored on detection data "
                             f"({DETECTION_DATA})")
    if split == "val":
        data = data.train_val()[1]
    if not sum(len(l) for l in data.labels):
        raise WorkbenchError(f"the {len(data)} image(s) of {source} hold no boxes to score a "
                             f"{_noun(kind)} against")
    return data, source


def align_classes(data, names, source: str):
    """``data`` with its labels numbered as the model's classes ``names``: the same names in
    another order, or some of them, are renumbered; any other name is refused."""
    from dataclasses import replace

    names, theirs = tuple(names), tuple(data.class_names)
    if not names or theirs == names:
        return data
    unknown = [n for n in theirs if n not in names]
    if unknown:
        raise WorkbenchError(f"{source} has classes the model does not know "
                             f"({', '.join(unknown[:6])}); the model detects "
                             f"{', '.join(names[:6])}{', ...' if len(names) > 6 else ''}")
    index = np.array([names.index(n) for n in theirs], np.int64)
    return replace(data, class_names=names,
                   labels=[index[np.asarray(l, np.int64).reshape(-1)] for l in data.labels])


def evaluate_run(run_dir: str, source: str | None = None, options: dict | None = None,
                 model_name: str | None = None, split: str = "val", progress=None,
                 should_stop=None) -> tuple[dict, str, str]:
    """Score a run's detector or segmenter: ``(evaluation, model path, data label)``."""
    from workbench.detection import training
    from workbench.runs.rundir import RunDir

    run = RunDir(run_dir)
    config, info = run.read_config(), run.read_info()
    kind = SEGMENTATION if run_task(run_dir) == SEGMENTATION else DETECTION
    if source or config.get("data"):  # data of another task: refused before TensorFlow loads
        _check_source(source or config["data"], kind)
    model, kind, path = load_run_model(run_dir, model_name)
    data, label = load_data(config, source, options, kind, split)
    names = info.get("class_names") or getattr(model, "class_names", None) or ()
    data = align_classes(data, names, label)
    evaluation = evaluate(model, kind, data, training.EVAL_IOU_THRESHOLD, progress, should_stop)
    return evaluation, path, label
