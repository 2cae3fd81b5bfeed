"""``keras-workbench evaluate``: a trained classifier's confusion matrix and per-class scores,
or a detector's VOC / COCO scores and a segmenter's IoU (``workbench.detection.evaluation``)."""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser(
        "evaluate", help="confusion matrix, per-class precision/recall/F1 and top-k of a classifier "
                         "run; VOC/COCO AP of a detector run, IoU of a segmenter run",
        description="Scores a run's classifier on its own validation split (the samples it was "
                    "validated on), or on the validation split of --data, as scikit-learn computes them. "
                    "A detector run gets the Detect tab's table (VOC mAP@0.5, the twelve COCO numbers "
                    "as pycocotools names them, per-class AP, ms per image), a segmenter run mean and "
                    "per-class IoU; --data is then shapes (--data-option seed=N: a held-out set), a "
                    "COCO .json, or a VOC, YOLO-txt or KITTI folder.")
    p.add_argument("run_dir", help="run directory (holds config.json and model.keras)")
    p.add_argument("--data", help="dataset name or path to evaluate on instead (its validation split)")
    p.add_argument("--split", choices=("val", "all"), default="val",
                   help="val: the validation split (default); all: every sample of the data "
                        "(a held-out test folder)")
    p.add_argument("--data-option", action="append", default=[], metavar="KEY=VALUE",
                   help="a data-source option (repeatable), e.g. exclude=marks.csv (a marks CSV: "
                        "samples marked mislabelled or drop are both left out)")
    p.add_argument("--model", help="another network of the run: RUN_DIR/NAME.keras")
    p.add_argument("--top-k", type=int, default=5, help="also report top-K accuracy (default 5)")
    p.add_argument("--misclassified", type=int, default=0, metavar="N",
                   help="list the N most confident mistakes (likely label errors first)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.catalog.registry import parse_assignments
    from workbench.cli import emit_json
    from workbench.detection.evaluation import run_task
    from workbench.evaluation.classification import evaluate_predictions, evaluate_run

    task = run_task(args.run_dir)
    if task in ("detection", "segmentation"):
        return run_detection(args, parse_assignments(args.data_option))
    data_task = _data_task(args.run_dir)  # what the classifier path checks, said more fully
    if data_task and data_task != "classification":
        raise WorkbenchError(f"{os.path.abspath(args.run_dir)} is a {data_task} run; evaluate measures "
                             "classifiers, detectors and segmenters")
    if args.top_k < 1:
        raise WorkbenchError(f"--top-k {args.top_k} must be 1 or more")
    if args.misclassified < 0:
        raise WorkbenchError(f"--misclassified {args.misclassified} must be 0 or more")
    options = parse_assignments(args.data_option)
    evaluation, dataset = evaluate_run(args.run_dir, args.data, options, args.model, split=args.split)
    if args.top_k != 5:
        evaluation = evaluate_predictions(evaluation.y_true, evaluation.probs, evaluation.labels,
                                          evaluation.ids, ks=(1, args.top_k))
    mistakes = _mistakes(evaluation, dataset, args.misclassified)
    if args.json:
        model_file = os.path.join(os.path.abspath(args.run_dir), f"{args.model or 'model'}.keras")
        result = {**evaluation.as_dict(), "model": model_file, "data": args.data or dataset.info.name,
                  "split": args.split}
        if args.misclassified:
            result["misclassified"] = mistakes
        emit_json(result)
        return 0
    print(report(evaluation, args.data or dataset.info.name, args.split))
    for line in dataset.skipped:
        print(f"note: {line}")
    if mistakes:
        print(f"\nmost confident mistakes ({len(mistakes)}):")
        for m in mistakes:
            print(f"  {m['confidence']:.3f}  {m['id']}  true {m['true']}  predicted {m['predicted']}")
    return 0


def _data_task(run_dir: str) -> str:
    from workbench.runs.rundir import RunDir

    return RunDir(run_dir).read_info().get("task", "")


def run_detection(args, options: dict) -> int:
    """A detector's or segmenter's scores: the Detect tab's table, or its JSON."""
    from workbench.cli import emit_json
    from workbench.detection.evaluation import as_json, evaluate_run, report

    for flag, value, default in (("--top-k", args.top_k, 5), ("--misclassified", args.misclassified, 0)):
        if value != default:
            raise WorkbenchError(f"{flag} scores classifiers; a detection or segmentation run has no "
                                 "such figure")
    evaluation, model_file, data = evaluate_run(args.run_dir, args.data, options, args.model, args.split)
    if args.json:
        emit_json({**as_json(evaluation), "model": model_file, "data": data, "split": args.split})
        return 0
    from workbench.runs.rundir import RunDir

    entry = RunDir(args.run_dir).read_config().get("model") or "model"
    which = "validation images" if args.split == "val" else "all images"
    print(report(evaluation, f"{entry} ({os.path.basename(model_file)})", f"{which} of {data}"))
    for line in evaluation["data"].problems[:10]:
        print(f"note: {line}")
    return 0


def report(evaluation, data_name: str, split: str = "val") -> str:
    """Accuracy, top-k, the confusion table and the per-class table as plain text."""
    labels = evaluation.labels
    width = max(6, *(len(name) for name in labels))
    which = "validation samples" if split == "val" else "samples (all)"
    lines = [f"accuracy {evaluation.accuracy:.4f} on {len(evaluation.y_true)} {which} of {data_name}"]
    lines += [f"top-{k} accuracy {v:.4f}" for k, v in evaluation.top_k.items() if k > 1]
    cell = max(5, len(str(int(evaluation.confusion.max(initial=0)))) + 1, *(len(n) + 1 for n in labels))
    lines += ["", "confusion matrix (rows: true class, columns: predicted class)",
              " " * width + "".join(name.rjust(cell) for name in labels)]
    for name, row in zip(labels, evaluation.confusion):
        lines.append(name.rjust(width) + "".join(str(int(n)).rjust(cell) for n in row))
    lines += ["", "class".rjust(width) + "  precision     recall         f1    support"]
    for name, scores in evaluation.per_class.items():
        lines.append(name.rjust(width) + f"  {scores['precision']:9.4f}  {scores['recall']:9.4f}  "
                     f"{scores['f1']:9.4f}  {scores['support']:9d}")
    return "\n".join(lines)


def _mistakes(evaluation, dataset, count: int) -> list[dict]:
    predicted, confidence = evaluation.predicted(), evaluation.confidence()
    rows = []
    for i in evaluation.misclassified()[:count]:
        sample = evaluation.ids[i]
        rows.append({"id": sample, "path": dataset.sample_path(sample),
                     "true": evaluation.labels[evaluation.y_true[i]],
                     "predicted": evaluation.labels[predicted[i]], "confidence": float(confidence[i])})
    return rows
