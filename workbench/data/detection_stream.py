"""COCO and VOC sets streamed through ``tf.data``: annotations in memory, pixels on disk.

The annotations (boxes, labels, difficult flags, and for COCO the segmentations) are
small and are parsed up front, so every problem is still named per file when the set
loads. Each image's size is read from its header alone (Pillow reads no pixels), which
is all the loaders need to clip boxes and decide ``stream=auto``. The pixels are decoded
while the model trains, in parallel, by ``streaming.decode_pixels`` (TensorFlow's
decoders set as OpenCV's), then resized by the very function ``DetectionData.resized``
uses, once per resize the in-memory path would make (``image_size``, then the model's
``input_size``), so a streamed batch equals the in-memory one to float precision.

COCO masks stay as their polygons / RLE and are rasterised per image when a batch needs
them. Targets are encoded per batch (``TargetEncoder``): ``encode_targets`` is numpy and
per image, and padded targets (two-stage detectors pad to the most objects of one image)
are padded to the training set's most by a throw-away last image, so a batch's targets
equal the rows of the whole set's. Precomputing them instead would hold, for a
segmenter, one mask per object per image: more than the images themselves.

Epoch ``e``'s order is ``argsort(stateless_uniform(seed=(seed, e)))`` as in
``data_order.epoch_stream``: a streamed and an in-memory run of one seed see the same
batches, and a resumed run continues exactly. A file whose header reads but whose
pixels do not decode is dropped from its batch and counted (``DecodeFailures``).
"""

from __future__ import annotations

import os

import numpy as np

from workbench.data import streaming
from workbench.data.shapes import DetectionData, check_records, resize_image
from workbench.errors import WorkbenchError

# ----------------------------------------------------------------------------- lazy images

class Unread:
    """An image known by its header only: what the loaders need of it (``shape``)."""

    def __init__(self, path: str, height: int, width: int):
        self.path, self.shape = path, (int(height), int(width), 3)


def unread(path: str) -> Unread:
    """``path``'s size from its header; the messages ``read_image`` gives for a missing or
    unreadable file."""
    from PIL import Image, UnidentifiedImageError

    if not os.path.isfile(path):
        raise WorkbenchError(f"image file not found: {path}")
    try:
        with Image.open(path) as image:  # lazy: parses the header, decodes nothing
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise WorkbenchError(f"not a readable image: {path}") from None
    return Unread(path, height, width)


class ImageFiles:
    """The images of a streamed set: files, their sizes, and the resizes to apply in turn.

    Indexing decodes (``images[i]``, ``images[a:b]``), so code written for an array of
    images (the Detect tab, ``detect_all``) reads a few at a time."""

    def __init__(self, paths, sizes, steps=()):
        self.paths = np.asarray(paths, dtype=str)
        self.sizes = [tuple(int(v) for v in s) for s in sizes]
        self.steps = tuple(steps)

    def __len__(self) -> int:
        return len(self.paths)

    def shape_of(self, index: int) -> tuple[int, int, int]:
        return (*(self.steps[-1] if self.steps else self.sizes[index]), 3)

    @property
    def shape(self) -> tuple:
        if self.steps:  # every image ends at the last resize's size
            return (len(self), *self.shape_of(0))
        shapes = set(self.sizes)
        if len(shapes) != 1:
            raise WorkbenchError("streamed images of several sizes: set input_size")
        return (len(self), *shapes.pop(), 3)

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            return self.decode(int(key))
        indices = range(len(self))[key] if isinstance(key, slice) else key
        return np.stack([self.decode(int(i)) for i in indices]).astype(np.float32)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self[:], dtype=dtype)

    def decode(self, index: int) -> np.ndarray:
        """One image as the in-memory loader gives it (OpenCV, then each resize)."""
        from workbench.data.shapes import read_rgb

        image = read_rgb(str(self.paths[index]))
        for height, width in self.steps:
            image = resize_image(image, height, width)
        return image

    def subset(self, indices) -> ImageFiles:
        return ImageFiles(self.paths[list(indices)], [self.sizes[i] for i in indices], self.steps)

    def resized(self, height: int, width: int) -> ImageFiles:
        if not self.steps and all(s == (height, width) for s in self.sizes):
            return self  # already that size: the in-memory path stacks them unresized too
        return ImageFiles(self.paths, self.sizes, (*self.steps, (int(height), int(width))))

    def tf_decode(self, path):
        """``decode`` in ``tf.data``: TensorFlow's decoder (no GIL), then the same resizes."""
        import tensorflow as tf

        image = streaming.decode_pixels(path)
        image = tf.cond(tf.shape(image)[2] == 1, lambda: tf.image.grayscale_to_rgb(image), lambda: image)
        if self.steps:
            steps = self.steps
            image = tf.numpy_function(lambda a: _resize_steps(a, steps), [image], tf.float32, stateful=False)
        image.set_shape(self.shape[1:])
        return image


def _resize_steps(image: np.ndarray, steps) -> np.ndarray:
    for height, width in steps:
        image = resize_image(image, height, width)
    return np.asarray(image, np.float32)


class LazyMasks:
    """Per image the instance masks of a streamed COCO set, rasterised when asked for
    from each annotation's polygons / RLE (or its box), then resized nearest-neighbour
    as ``DetectionData.resized`` resizes them."""

    def __init__(self, annotations, sizes, steps=()):
        self.annotations = list(annotations)  # per image: [(annotation, clipped box), ...]
        self.sizes = [tuple(s) for s in sizes]
        self.steps = tuple(steps)

    def __len__(self) -> int:
        return len(self.annotations)

    def __getitem__(self, index: int) -> np.ndarray:
        import cv2

        from workbench.data.coco import _mask

        height, width = self.sizes[index]
        masks = np.asarray([_mask(ann, box, height, width) for ann, box in self.annotations[index]],
                           bool).reshape(-1, height, width)
        for height, width in self.steps:
            masks = (np.stack([cv2.resize(m.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST)
                               .astype(bool) for m in masks]) if len(masks) else np.zeros((0, height, width), bool))
        return masks

    def subset(self, indices) -> LazyMasks:
        return LazyMasks([self.annotations[i] for i in indices], [self.sizes[i] for i in indices], self.steps)

    def resized(self, height: int, width: int) -> LazyMasks:
        if not self.steps and all(s == (height, width) for s in self.sizes):
            return self
        return LazyMasks(self.annotations, self.sizes, (*self.steps, (int(height), int(width))))


def is_streamed(data) -> bool:
    return isinstance(getattr(data, "images", None), ImageFiles)


def streamed_detection(name: str, records: list[dict], class_names, problems: list, image_size=None,
                       with_masks: bool = False) -> DetectionData:
    """``shapes.assemble`` for records whose ``image`` is ``Unread`` (and, with masks, whose
    ``masks`` are ``(annotation, box)`` pairs): a ``DetectionData`` of ``ImageFiles``."""
    check_records(name, records, problems)
    sizes = [r["image"].shape[:2] for r in records]
    data = DetectionData(
        ImageFiles([r["image"].path for r in records], sizes),
        [np.asarray(r["boxes"], np.float32).reshape(-1, 4) for r in records],
        [np.asarray(r["labels"], np.int64).reshape(-1) for r in records],
        LazyMasks([r["masks"] for r in records], sizes) if with_masks else None,
        tuple(class_names), tuple(r["id"] for r in records), tuple(r["file"] for r in records),
        name=name, problems=problems,
        difficult=[np.asarray(r["difficult"], bool).reshape(-1) for r in records])
    return data.resized(image_size) if image_size is not None else data


# ----------------------------------------------------------------------------- choosing

def array_bytes(data: DetectionData) -> int:
    """What the images would take as the in-memory loader's float32 arrays."""
    return sum(int(np.prod(data.images.shape_of(i))) * 4 for i in range(len(data)))


def choose(mode: str, data: DetectionData, limit: int | None = None) -> tuple[bool, str]:
    """Stream or not (``stream=auto|yes|no``), and the sentence that says why."""
    if mode not in streaming.STREAM_CHOICES:
        raise WorkbenchError(f"data option stream={mode!r} must be one of {', '.join(streaming.STREAM_CHOICES)}")
    need = array_bytes(data)
    limit = streaming.auto_limit() if limit is None else limit
    size = streaming._size(need)
    if mode == "yes":
        return True, f"stream=yes: {size} as arrays"
    if mode == "no":
        return False, f"in memory (stream=no): {size} as arrays"
    if need > limit:
        return True, f"stream=auto: {size} as arrays > {streaming._size(limit)}"
    return False, f"in memory (stream=auto): {size} as arrays <= {streaming._size(limit)}"


def load(loader, options: dict):
    """``loader(stream: bool) -> (DetectionData, problems)`` called as ``options['stream']``
    says: headers first; decoded into memory only when that is chosen."""
    mode = str(options.get("stream", "auto"))
    if mode not in streaming.STREAM_CHOICES:
        raise WorkbenchError(f"data option stream={mode!r} must be one of {', '.join(streaming.STREAM_CHOICES)}")
    if mode == "no":
        data, _ = loader(False)
        data.loading = "in memory (stream=no)"
        return data
    data, _ = loader(True)
    stream, why = choose(mode, data)
    if not stream:
        data, _ = loader(False)  # the problems are listed again by the decoding pass
    data.loading = why
    return data


# ----------------------------------------------------------------------------- training

class TargetEncoder:
    """``model.encode_targets`` for a batch of a set's images, by index, inside ``tf.data``."""

    def __init__(self, model, data: DetectionData):
        self.model, self.data = model, data
        self.most = max([len(b) for b in data.boxes] + [1])
        height, width = data.image_size(0) if len(data) else (1, 1)
        self.dummy = (np.tile(np.array([[0, 0, 1, 1]], np.float32), (self.most, 1)),
                      np.zeros(self.most, np.int64), np.zeros((self.most, height, width), bool))
        example = self.encode(np.zeros(1, np.int64))
        import keras

        self.structure = example
        flat = keras.tree.flatten(example)
        self.dtypes = [a.dtype for a in flat]
        self.shapes = [a.shape[1:] for a in flat]

    def encode(self, indices) -> object:
        """The targets of images ``indices``, padded as the whole set's would be."""
        import keras

        indices = [int(i) for i in np.atleast_1d(indices)]
        boxes = [self.data.boxes[i] for i in indices] + [self.dummy[0]]
        labels = [self.data.labels[i] for i in indices] + [self.dummy[1]]
        masks = None if self.data.masks is None else [self.data.masks[i] for i in indices] + [self.dummy[2]]
        targets = self.model.encode_targets(boxes, labels, masks)
        return keras.tree.map_structure(lambda a: np.asarray(a)[:-1], targets)  # the dummy goes

    def tf_targets(self, indices):
        import keras
        import tensorflow as tf

        def flat(idx):
            return keras.tree.flatten(self.encode(idx))

        arrays = tf.numpy_function(flat, [indices], [tf.as_dtype(d) for d in self.dtypes], stateful=False)
        for array, shape in zip(arrays, self.shapes):
            array.set_shape((None, *shape))
        return keras.tree.pack_sequence_as(self.structure, list(arrays))


class DetectionStream:
    """What ``job.fit_stream`` trains on: a streamed detection set's training batches
    (images decoded, targets encoded, per batch) and its validation batches."""

    def __init__(self, model, train: DetectionData, val: DetectionData, problems: list):
        self.train, self.val = train, val
        self.files_train = train.images.paths
        self.files_val = val.images.paths if len(val) else np.asarray([], str)
        self.failures_train = streaming.DecodeFailures(self.files_train)
        self.failures_val = streaming.DecodeFailures(self.files_val)
        self.model = model
        self.targets_train = TargetEncoder(model, train)
        self._val_decoded: DetectionData | None = None
        self.problems = self.skipped = problems  # fit_stream adds "did not decode: ..." here

    def _batches(self, data, order, batch_size, failures):
        images = data.images
        return streaming._decoded_batches(order, images.paths, np.arange(len(images)), 0, 3, batch_size, failures,
                                          decode=images.tf_decode, shape=images.shape[1:])

    def train_stream(self, batch_size: int, seed: int, first_epoch: int, epochs: int, steps: int, augment=None):
        import tensorflow as tf

        samples, seed = len(self.train), int(seed)

        @tf.autograph.experimental.do_not_convert  # plain graph code: converting it only delays the first batch
        def batches_of(epoch):
            keys = tf.random.stateless_uniform([samples], seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
            order = tf.argsort(keys, stable=True)
            # repeat(2): an epoch that lost files to decoding is topped up from its own start;
            # take_while looks one element past the last batch, so files lost at the very end
            # of the order are noted too (the empty closing batch names them; take would stop short)
            batches = self._batches(self.train, order, batch_size, self.failures_train).repeat(2)
            return batches.enumerate().take_while(lambda i, batch: i < steps).map(lambda i, batch: batch)

        stream = tf.data.Dataset.range(first_epoch, epochs).flat_map(batches_of)
        stream = stream.map(tf.autograph.experimental.do_not_convert(
            lambda x, index: (x, self.targets_train.tf_targets(index))),
            num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        return stream.prefetch(tf.data.AUTOTUNE)

    def val_stream(self, batch_size: int):
        """Batches of the validation images decoded once (``validation_data``), targets encoded
        per batch. Their count is known, which Keras's ``evaluate`` needs: after a stream of
        unknown length it averages in one more, empty, step (halving a detector's loss)."""
        import tensorflow as tf

        val = self.validation_data(batch_size)
        encoder, images = TargetEncoder(self.model, val), val.images

        def gather(index):
            x = tf.numpy_function(lambda i: images[i], [index], tf.float32, stateful=False)
            x.set_shape((None, *images.shape[1:]))
            return x, encoder.tf_targets(index)

        stream = tf.data.Dataset.from_tensor_slices(np.arange(len(val), dtype=np.int64)).batch(batch_size)
        return stream.map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).prefetch(tf.data.AUTOTUNE)

    def decode_failures(self) -> list[str]:
        return self.failures_train.new() + self.failures_val.new()

    def validation_data(self, batch_size: int = 32) -> DetectionData:
        """The validation images decoded once (in parallel), for ``MapCallback``: files that
        do not decode are left out (and counted)."""
        if self._val_decoded is not None or not len(self.val):
            return self._val_decoded if self._val_decoded is not None else self.val
        kept, images = [], []
        order = np.arange(len(self.val), dtype=np.int64)
        for batch, index in self._batches(self.val, order, batch_size, self.failures_val).as_numpy_iterator():
            images.append(batch)
            kept.extend(int(i) for i in index)
        from dataclasses import replace

        part = self.val.subset(kept)
        masks = None if part.masks is None else [part.masks[i] for i in range(len(part))]
        pixels = np.concatenate(images) if images else np.zeros((0, *self.val.images.shape[1:]))
        self._val_decoded = replace(part, images=pixels.astype(np.float32), masks=masks)
        return self._val_decoded


def label_folder_data(source: str, records: list[dict], names, problems: list, image_dir: str,
                      label_dir: str, unlabelled: list[str], image_size, stream: bool):
    """The ``DetectionData`` of a folder of images with one label file each (YOLO-txt, KITTI):
    images without a label file said in one line, streamed or assembled in memory; in
    memory at the files' own size, the files' paths kept so that an export copies them."""
    from workbench.data.shapes import assemble

    if unlabelled:
        problems.append(f"{len(unlabelled)} image(s) in {image_dir} have no label file in "
                        f"{label_dir} (first: {unlabelled[0]}); loaded as images with no objects")
    data = (streamed_detection if stream else assemble)(source, records, names, problems, image_size)
    if not stream and image_size is None:
        data.source_paths = tuple(os.path.join(image_dir, r["file"]) for r in records)
    return data


def load_registered(loader, options: dict, seed: int, val_fraction: float):
    """A registry loader's body: ``loader(stream)`` (the ``stream`` option decided by
    ``load``), the split's fraction and seed recorded on the data."""
    data = load(loader, options)
    data.val_fraction, data.split_seed = float(val_fraction), int(seed)
    return data
