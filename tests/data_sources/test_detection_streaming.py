"""COCO and VOC sets streamed from disk (``data.detection_stream``) train as in memory.

The same seed gives the same batches (pixels to 1e-6, encoded targets exactly, masks
rasterised per image too), two training steps end with the same weights, a streamed
detector stopped after epoch 1 and resumed ends bit for bit where the uninterrupted run
does, and a file that does not decode is counted and listed, not fatal.
"""

import json
import os

import cv2
import numpy as np
import pytest

from workbench import catalog
from workbench import data as sources
from workbench.data import detection_stream
from workbench.data.images import to_uint8_rgb
from workbench.data.shapes import make_shapes
from workbench.detection.training import prepare_data, training_split
from workbench.errors import WorkbenchError
from workbench.models.io import load_model
from workbench.training import RunControl, TrainConfig, events, job
from workbench.training.data_order import epoch_stream


def _write_images(root, data, sizes):
    """Images as JPEG and PNG files, some at another size (boxes and masks scaled with them)."""
    names = []
    for k, image in enumerate(data.images):
        name = f"{k:03d}.{'png' if k % 3 == 0 else 'jpg'}"
        pixels = to_uint8_rgb(image)[..., ::-1]
        height, width = sizes[k % len(sizes)]
        cv2.imwrite(str(root / name), cv2.resize(pixels, (width, height), interpolation=cv2.INTER_NEAREST))
        names.append(name)
    return names


@pytest.fixture(scope="module")
def coco_file(tmp_path_factory):
    """12 shapes images (64 px drawn; some written at 80 x 96) with boxes and polygon-free RLE masks."""
    root = tmp_path_factory.mktemp("coco")
    data = make_shapes(12, 64, seed=5)
    payload = data.to_coco()
    sizes = [(64, 64), (80, 96)]
    names = _write_images(root, data, sizes)
    for k, img in enumerate(payload["images"]):
        img["file_name"] = names[k]
        height, width = sizes[k % 2]
        img["height"], img["width"] = height, width
        sy, sx = height / 64, width / 64
        for ann in payload["annotations"]:
            if ann["image_id"] == img["id"]:
                x, y, w, h = ann["bbox"]
                ann["bbox"] = [x * sx, y * sy, w * sx, h * sy]
                ann.pop("segmentation") if k % 4 == 1 else None  # these get their filled box
                if "segmentation" in ann:
                    mask = cv2.resize(np.asarray(data.masks[k][0], np.uint8), (width, height),
                                      interpolation=cv2.INTER_NEAREST)  # any mask of the right size
                    from workbench.detection.cocoeval_json import mask_to_rle

                    ann["segmentation"] = mask_to_rle(mask.astype(bool))
    (root / "gt.json").write_text(json.dumps(payload))
    return str(root / "gt.json")


@pytest.fixture(scope="module")
def voc_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("voc")
    (root / "JPEGImages").mkdir()
    (root / "Annotations").mkdir()
    data = make_shapes(10, 64, seed=8)
    names = _write_images(root / "JPEGImages", data, [(64, 64)])
    for name, boxes, labels in zip(names, data.boxes, data.labels):
        objects = "".join(
            f"<object><name>{data.class_names[int(c)]}</name><bndbox><xmin>{b[0] + 1:g}</xmin>"
            f"<ymin>{b[1] + 1:g}</ymin><xmax>{b[2]:g}</xmax><ymax>{b[3]:g}</ymax></bndbox></object>"
            for b, c in zip(boxes, labels))
        (root / "Annotations" / (name[:-4] + ".xml")).write_text(
            f"<annotation><filename>{name}</filename>{objects}</annotation>")
    return str(root)


def _load(name, path, stream, **options):
    return sources.load(name, {"path": path, "stream": stream, **options}, seed=3, val_fraction=0.25)


def test_streamed_sets_hold_the_in_memory_annotations_and_pixels(coco_file, voc_folder):
    for name, path in (("coco", coco_file), ("voc", voc_folder)):
        streamed, memory = _load(name, path, "yes"), _load(name, path, "no")
        assert detection_stream.is_streamed(streamed) and not detection_stream.is_streamed(memory)
        assert streamed.loading.startswith("stream=yes") and memory.loading == "in memory (stream=no)"
        assert streamed.problems == memory.problems and streamed.image_ids == memory.image_ids
        for a, b in zip(streamed.boxes + streamed.labels, memory.boxes + memory.labels):
            np.testing.assert_array_equal(a, b)
        for i in range(len(memory)):
            assert streamed.image_size(i) == memory.image_size(i)
            np.testing.assert_array_equal(streamed.images[i], memory.images[i])  # both read by OpenCV here
    streamed, memory = _load("coco", coco_file, "yes"), _load("coco", coco_file, "no")
    for i in range(len(memory)):  # masks rasterised on demand from RLE or the box
        np.testing.assert_array_equal(streamed.masks[i], memory.masks[i])
        assert memory.masks[i].any()


def test_stream_auto_chooses_by_the_arrays_size(coco_file, monkeypatch):
    small = _load("coco", coco_file, "auto")
    assert not detection_stream.is_streamed(small) and small.loading.startswith("in memory (stream=auto)")
    monkeypatch.setattr(detection_stream.streaming, "auto_limit", lambda: 1000)
    big = _load("coco", coco_file, "auto")
    assert detection_stream.is_streamed(big) and big.loading == "stream=auto: 847.9 kB as arrays > 1.0 kB"  # 6 x 64x64 + 6 x 80x96
    with pytest.raises(WorkbenchError, match="stream='maybe'"):
        _load("coco", coco_file, "maybe")


def _sources(name, path, entry_name, hp, seed=3):
    entry = catalog.get(entry_name)
    hp = entry.resolve(hp)
    sets = []
    for stream in ("yes", "no"):
        data = prepare_data(_load(name, path, stream), hp, entry_name, entry.task)
        sets.append(training_split(data, hp, seed))
    model = job.build_compiled(entry, hp, sets[1][0].info)
    return model, sets


@pytest.mark.parametrize("name,entry,hp", [
    # augment_copies=0: "auto" adds copies in memory only, never to a streamed set
    ("coco", "ssd", {"width": 4, "input_size": 64, "augment_copies": 0}),  # mixed sizes -> one size
    ("coco", "mask_rcnn", {"width": 4, "fc": 8, "rpn_filters": 8, "pooled_size": 3, "proposals": 8,
                           "roi_batch": 8, "mask_pooled_size": 7, "mask_filters": 4, "mask_convs": 1,
                           "input_size": 48}),  # masks rasterised and padded per batch
    ("voc", "ssd", {"width": 4, "augment_copies": 0}),
])
def test_streamed_batches_equal_the_in_memory_batches(coco_file, voc_folder, name, entry, hp):
    model, ((train_s, val_s), (train_m, _)) = _sources(name, coco_file if name == "coco" else voc_folder,
                                                        entry, hp)
    targets = model.encode_targets(train_m.boxes, train_m.labels, train_m.masks)
    memory = epoch_stream(train_m.images, targets, 4, 7, 0, 2, 2)
    streamed = detection_stream.DetectionStream(model, train_s, val_s, []).train_stream(4, 7, 0, 2, 2)
    count = 0
    for (xs, ys), (xm, ym) in zip(streamed, memory):
        np.testing.assert_allclose(xs.numpy(), xm.numpy(), atol=1e-6)
        for key in ym:
            np.testing.assert_array_equal(ys[key].numpy(), ym[key].numpy())
        count += 1
    assert count == 4  # 2 epochs of 2 batches, each epoch its own order


def config(path, data_path, stream, **kw):
    settings = {"epochs": 2, "steps_per_epoch": 2, "batch_size": 4, "seed": 2, "val_split": 0.25, "eager": True,
                "hparams": {"width": 4, "hidden": 16, "input_size": 64, "augment_copies": 0},
                "data_options": {"path": data_path, "stream": stream}}
    settings.update(kw)
    return TrainConfig("yolo_v1", "coco", out=str(path), **settings)


def weights(run_dir):
    return [np.array(w) for w in load_model(os.path.join(run_dir, "model.keras")).get_weights()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, coco_file):
    """A streamed run of 2 epochs; the same in memory; the streamed one stopped after epoch 1
    and resumed (reloading the set, streamed again)."""
    root = tmp_path_factory.mktemp("runs")
    whole = job.run_training(config(root / "whole", coco_file, "yes"))
    memory = job.run_training(config(root / "memory", coco_file, "no"))
    control = RunControl()

    def stop_after_first_epoch(event):
        if isinstance(event, events.EpochEnd) and event.epoch == 0:
            control.stop()

    first = job.run_training(config(root / "parts", coco_file, "yes"), emit=stop_after_first_epoch,
                             control=control)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = job.resume_training(str(root / "parts"))
    return {"whole": whole, "memory": memory, "resumed": resumed, "root": root}


def test_streamed_training_ends_with_the_in_memory_weights(runs):
    for a, b in zip(weights(runs["root"] / "whole"), weights(runs["root"] / "memory")):
        # TensorFlow's and OpenCV's JPEG pixels agree to ~2e-7, not bit for bit, and Adam's
        # first steps magnify that a little; another batch or another target moves them far more
        np.testing.assert_allclose(a, b, atol=1e-4)
    for key in ("loss", "val_loss", "val_mAP"):
        np.testing.assert_allclose(runs["whole"].history[key], runs["memory"].history[key], rtol=1e-4)


def test_a_stopped_and_resumed_streamed_detector_ends_with_the_same_weights(runs):
    resumed = runs["resumed"]
    assert detection_stream.is_streamed(resumed.dataset) and resumed.history["epoch"] == [1, 2]
    for a, b in zip(weights(runs["root"] / "whole"), weights(runs["root"] / "parts")):
        np.testing.assert_array_equal(a, b)
    assert resumed.history["val_mAP"] == runs["whole"].history["val_mAP"]


def test_an_image_that_does_not_decode_is_counted_not_fatal(tmp_path, voc_folder):
    import shutil

    root = tmp_path / "voc"
    shutil.copytree(voc_folder, root)
    broken = root / "JPEGImages" / "001.jpg"
    raw = broken.read_bytes()
    broken.write_bytes(raw[:raw.index(b"\xff\xda") + 20])  # the header reads, the pixels do not
    data = _load("voc", str(root), "yes")
    assert len(data) == 10 and data.problems == []  # no first pass decodes anything
    model, _ = _sources("voc", voc_folder, "yolo_v1", {"width": 4, "hidden": 16})
    everything = data.subset(range(10))
    stream = detection_stream.DetectionStream(model, everything, data.subset([]), [])
    for seed in range(3):  # wherever the file falls in the order, even at the very end
        batches = list(stream.train_stream(3, seed, 0, 1, 4))  # 4 steps of 3 for 10 images
        assert [len(x) for x, _ in batches] == [3, 3, 3, 3]  # 9 decode: topped up from the epoch's start
        assert stream.decode_failures() == ([str(broken)] if seed == 0 else [])
        assert stream.failures_train.paths == [str(broken)]


def test_augment_copies_with_a_streamed_set_is_refused(coco_file):
    entry = catalog.get("ssd")
    data = _load("coco", coco_file, "yes")
    with pytest.raises(WorkbenchError, match="stream=no"):
        training_split(data, entry.resolve({"augment_copies": 1}), 0)
