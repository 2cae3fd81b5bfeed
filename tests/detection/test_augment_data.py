"""Augmented copies of a detection data set, and training with them."""

import numpy as np
import pytest

from workbench.data.shapes import make_shapes
from workbench.detection.augment import augment_data
from workbench.errors import WorkbenchError


def test_copies_keep_boxes_labels_and_masks_together():
    data = make_shapes(6, image_size=48, seed=2)
    grown = augment_data(data, copies=2, seed=0)
    assert len(grown) == 18 and grown.images.shape == (18, 48, 48, 3)
    assert grown.images[:6].tobytes() == data.images.tobytes()  # originals first, untouched
    assert len(set(grown.image_ids)) == 18
    for boxes, labels, masks in zip(grown.boxes, grown.labels, grown.masks):
        assert len(boxes) == len(labels) == len(masks)
        assert np.all(boxes[:, :2] >= 0) and np.all(boxes[:, 2:] <= 48)
        for box, mask in zip(boxes, masks):
            ys, xs = np.nonzero(mask)
            if len(xs):  # each mask lies inside its box
                assert xs.min() >= np.floor(box[0]) - 1 and xs.max() <= np.ceil(box[2])
                assert ys.min() >= np.floor(box[1]) - 1 and ys.max() <= np.ceil(box[3])
    assert not np.array_equal(grown.images[6:12], data.images)  # copies differ from originals
    assert augment_data(data, 0) is data
    with pytest.raises(WorkbenchError, match="augment_copies=-1"):
        augment_data(data, -1)


def test_detector_trains_on_augmented_copies(tmp_path):
    from workbench.training import TrainConfig, job

    config = TrainConfig("yolo_v1", "shapes", epochs=1, batch_size=8,
                         data_options={"count": 20}, val_split=0.2, out=str(tmp_path / "run"),
                         hparams={"width": 4, "hidden": 16, "augment_copies": 1})
    events_seen = []
    result = job.run_training(config, emit=events_seen.append)
    started = next(e for e in events_seen if type(e).__name__ == "RunStarted")
    assert started.steps_per_epoch == 4  # 16 training images + 16 copies, batches of 8
    assert np.isfinite(result.history["loss"][0])
