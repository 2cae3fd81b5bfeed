"""Class folders streamed through ``tf.data`` instead of loaded into one float32 array.

Food-101 at 224 px is 60 GB of floats; streamed, memory holds a few batches whatever
the folder's size. Listing reads only each file's first bytes (its magic number and the
header field that says gray or colour); the pixels are decoded in parallel while the
model trains, by TensorFlow's decoders set as OpenCV's (JPEG with the accurate integer
IDCT, alpha composited on white), then resized by ``images.fit_image`` itself, so a
streamed run sees the in-memory run's values (to 2e-7).

Epoch ``e``'s order is ``data_order.epoch_permutation(seed, e, n)`` over the same
stratified split of the file list the in-memory loader draws, so a streamed run and an
in-memory one of the same seed train on the same batches, and a resumed run continues
exactly. A file that passes the listing check but does not decode is dropped from its
batch, remembered (``DecodeFailures``) and reported; training goes on.
"""

from __future__ import annotations

import os
import struct
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from workbench.data.base import DataInfo, split
from workbench.errors import WorkbenchError

STREAM_CHOICES = ("auto", "yes", "no")
#: ``stream=auto`` streams when the float32 arrays would take more than this (or a quarter
#: of the machine's memory, whichever is smaller); below it decoding once is faster.
AUTO_LIMIT_BYTES = 1 << 30
#: Samples shown by ``preview()``.
PREVIEW_SAMPLES = 16

_JPEG, _PNG, _BMP, _GIF = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM", b"GIF8"
#: JPEG start-of-frame markers (C4 = Huffman tables, C8 = reserved, CC = arithmetic tables).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


# ----------------------------------------------------------------------------- listing

@dataclass(frozen=True)
class Header:
    """What a file's first bytes say: its format, the channels ``read_image`` gives it,
    and its size where the header holds one (JPEG, PNG; 0 otherwise)."""

    kind: str
    channels: int
    height: int = 0
    width: int = 0


def probe(path: str) -> int:
    """The channels ``read_image`` would give ``path`` (1 gray, 3 colour), from its header
    alone; ``ValueError`` when the file is empty or its first bytes are no image's."""
    return read_header(path).channels


def read_header(path: str) -> Header:
    """``path``'s ``Header``; ``ValueError`` when the file is empty or no image's."""
    with open(path, "rb") as f:
        head = f.read(64)
        if not head:
            raise ValueError("empty file")
        if head.startswith(_JPEG):
            return _jpeg_header(f)
        if head.startswith(_PNG):
            height, width = (struct.unpack_from(">I", head, at)[0] for at in (20, 16)) if len(head) > 25 else (0, 0)
            return Header("png", 1 if len(head) > 25 and head[25] == 0 else 3, height, width)  # type 0 = gray
        if head.startswith(_BMP):
            return Header("bmp", _bmp_channels(f, head))
        if head.startswith(_GIF):
            return Header("gif", 3)
    raise ValueError("not a JPEG, PNG, BMP or GIF file")


def _jpeg_header(f) -> Header:
    """Walk the segments to the start-of-frame marker: 1 component is gray."""
    f.seek(2)
    while True:
        marker = f.read(2)
        while marker[:1] == b"\xff" and marker[1:2] == b"\xff":  # fill bytes
            marker = marker[1:] + f.read(1)
        if len(marker) < 2 or marker[0] != 0xFF or marker[1] == 0xDA:  # damaged, or scan data
            return Header("jpeg", 3)  # no frame header before the pixels: the decoder will say more
        length = f.read(2)
        if len(length) < 2:
            return Header("jpeg", 3)
        if marker[1] in _SOF:
            frame = f.read(6)  # precision, height, width, components
            if len(frame) < 6:
                return Header("jpeg", 3)
            _, height, width, components = struct.unpack(">BHHB", frame)
            return Header("jpeg", 1 if components == 1 else 3, height, width)
        f.seek(struct.unpack(">H", length)[0] - 2, os.SEEK_CUR)


def _bmp_channels(f, head: bytes) -> int:
    """OpenCV reads a palette bitmap as gray when every palette entry is gray."""
    if len(head) < 50:
        return 3
    header_size, = struct.unpack_from("<I", head, 14)
    bits, = struct.unpack_from("<H", head, 28)
    if bits > 8:
        return 3
    colors, = struct.unpack_from("<I", head, 46)
    f.seek(14 + header_size)
    palette = np.frombuffer(f.read(4 * (colors or 1 << bits)), np.uint8)
    palette = palette[: len(palette) // 4 * 4].reshape(-1, 4)
    gray = len(palette) and (palette[:, 0] == palette[:, 1]).all() and (palette[:, 1] == palette[:, 2]).all()
    return 1 if gray else 3


@dataclass
class Listing:
    """A class folder's files that passed the header check, and those that did not."""

    root: str
    files: list[str]
    labels: list[int]
    classes: list[str]
    channels: int
    skipped: list[str] = field(default_factory=list)
    #: The formats seen ("jpeg", "png", ...) and the (height, width) pairs the headers give
    #: ((0, 0) where a header has none): ``decode_plan`` picks the decoder from them.
    kinds: set[str] = field(default_factory=set)
    shapes: set[tuple[int, int]] = field(default_factory=set)


def list_images(root: str, progress: Callable[[int, int], None] | None = None) -> Listing:
    """List ``root/<class>/<image>`` and check each file's first bytes (no decoding);
    ``progress(done, total)`` is called every 1,000 files and at the end."""
    from workbench.data.folders import _list_files

    paths, labels, classes = _list_files(root)
    files, kept, skipped, gray = [], [], [], True
    kinds, shapes = set(), set()
    total = len(paths)
    for done, (path, label) in enumerate(zip(paths, labels), 1):
        try:
            header = read_header(path)
        except (OSError, ValueError, struct.error) as error:
            skipped.append(f"not a readable image: {path} ({error})")
        else:
            files.append(path)
            kept.append(label)
            gray = gray and header.channels == 1
            kinds.add(header.kind)
            shapes.add((header.height, header.width))
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)
    if not files:
        raise WorkbenchError(f"no readable images in {root} ({len(skipped)} file(s) skipped)")
    return Listing(os.path.abspath(root), files, kept, classes, 1 if gray else 3, skipped, kinds, shapes)


def array_bytes(count: int, size: int, channels: int) -> int:
    """What ``count`` images would take as the in-memory loader's float32 arrays."""
    return count * size * size * channels * 4


def auto_limit() -> int:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on every system
        return AUTO_LIMIT_BYTES
    return min(AUTO_LIMIT_BYTES, memory // 4)


def choose(mode: str, count: int, size: int, channels: int, limit: int | None = None) -> tuple[bool, str]:
    """Stream or not, and the sentence that says why (shown by ``describe()``)."""
    if mode not in STREAM_CHOICES:
        raise WorkbenchError(f"data option stream={mode!r} must be one of {', '.join(STREAM_CHOICES)}")
    need = array_bytes(count, size, channels)
    limit = auto_limit() if limit is None else limit
    if mode == "yes":
        return True, f"stream=yes: {_size(need)} as arrays"
    if mode == "no":
        return False, f"in memory (stream=no): {_size(need)} as arrays"
    if need > limit:
        return True, f"stream=auto: {_size(need)} as arrays > {_size(limit)}"
    return False, f"in memory (stream=auto): {_size(need)} as arrays <= {_size(limit)}"


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


# ----------------------------------------------------------------------------- decoding

def decode_image(path, height: int, width: int, channels: int):
    """The file at ``path`` as ``read_image`` + ``fit_image`` give it: decoded by TensorFlow
    (in parallel, without the GIL) and resized as ``fit_pixels`` says, so a streamed run
    sees the in-memory run's values (to 2.4e-7, two float32 steps at 1.0). A file that
    does not decode raises inside ``tf.data`` (``_decoded_samples`` drops it)."""
    image = fit_pixels(decode_pixels(path), height, width, channels)
    image.set_shape((height, width, channels))
    return image


#: The decoders ``decode_plan`` chooses between, and what ``describe()`` says of each.
DECODERS = {
    "jpeg-area": "JPEG, area-resized by whole factors, no branches",
    "jpeg": "JPEG, resized as fit_image",
    "general": "by format, resized as fit_image",
}


def whole_factors(height: int, width: int, size: int) -> bool:
    """``fit_pixels``' test for a ``height`` x ``width`` image: TensorFlow's area resize
    to ``size`` gives OpenCV's pixels (the same size, or a shrink by whole factors)."""
    return (height, width) == (size, size) or (height > size and height % size == 0
                                               and width >= size and width % size == 0)


def decode_plan(listing: Listing, size: int) -> str:
    """The cheapest decoder that gives every listed file ``decode_image``'s values. A
    folder of JPEGs needs neither the format branch nor the alpha one; when every header
    also says the image shrinks to ``size`` by whole factors, the resize branch goes too.
    A ``tf.cond`` costs ~5 us an image in ``tf.data``'s map, a sixth of what separates a
    decoder from ``image_dataset_from_directory``'s."""
    if listing.kinds != {"jpeg"}:
        return "general"
    if listing.shapes and all(whole_factors(h, w, size) for h, w in listing.shapes):
        return "jpeg-area"
    return "jpeg"


def decoder(plan: str, size: int, channels: int):
    """``path -> image`` for ``plan`` (``decode_plan``), as ``decode_image`` gives it."""
    if plan == "jpeg-area":
        return lambda path: decode_jpeg_area(path, size, channels)
    if plan == "jpeg":
        return lambda path: _fixed(fit_pixels(_jpeg_pixels(path), size, size, channels), size, channels)
    return lambda path: decode_image(path, size, size, channels)


def _fixed(image, size: int, channels: int):
    image.set_shape((size, size, channels))
    return image


def _jpeg_pixels(path):
    import tensorflow as tf

    raw = tf.io.read_file(path)
    return tf.cast(tf.io.decode_jpeg(raw, dct_method="INTEGER_ACCURATE"), tf.float32) / 255.0


def decode_jpeg_area(path, size: int, channels: int):
    """A JPEG known (from its header) to shrink to ``size`` by whole factors: area-resized
    as its 8-bit pixels, then scaled to [0, 1] — the box means of ``fit_image`` (to
    2.4e-7), on a quarter of the floats when the image is twice the size. A gray file
    has one channel: the folder is gray (kept) or colour (repeated, as ``fit_image``)."""
    import tensorflow as tf

    raw = tf.io.read_file(path)
    # libjpeg gives a gray file 3 equal channels when asked for 3, as fit_image repeats it
    image = tf.io.decode_jpeg(raw, channels=channels, dct_method="INTEGER_ACCURATE")
    image = tf.image.resize(image, (size, size), method="area") / 255.0
    return _fixed(image, size, channels)


#: ITU-R BT.601 luma, as ``images.fit_image`` converts colour to gray.
_LUMA = (0.299, 0.587, 0.114)


def fit_pixels(image, height: int, width: int, channels: int):
    """``images.fit_image`` in TensorFlow ops where TensorFlow's resize gives OpenCV's
    pixels: shrinking by whole factors (a 512 x 384 photo to 64 px, 128 to 64), where
    OpenCV's INTER_AREA and TensorFlow's ``area`` both take plain box means (equal to
    2.4e-7). Other ratios differ by up to 1e-5 (TensorFlow computes its coordinates in
    float), so they go to ``fit_image`` itself, holding the GIL for ~90 us an image."""
    import tensorflow as tf

    from workbench.data.images import fit_image

    h, w = tf.shape(image)[0], tf.shape(image)[1]
    same = tf.logical_and(h == height, w == width)  # the area resize of an image of the size is the image
    boxes = tf.logical_and(tf.logical_and(h > height, h % height == 0), tf.logical_and(w >= width, w % width == 0))
    image = tf.cond(tf.logical_or(same, boxes), lambda: tf.image.resize(image, (height, width), method="area"),
                    lambda: tf.numpy_function(lambda a: fit_image(a, (height, width, a.shape[2])),
                                              [image], tf.float32, stateful=False))
    if channels == 3:  # gray repeated, as fit_image does after resizing (colour stays as it is)
        return tf.broadcast_to(image, (height, width, 3))
    return tf.cond(tf.shape(image)[2] == 1, lambda: image,  # colour -> luma
                   lambda: tf.reduce_sum(image * tf.constant(_LUMA, tf.float32), -1, keepdims=True))


def decode_pixels(path):
    """The file at ``path`` as ``read_image`` gives it, at its own size: float32 in [0, 1],
    alpha composited on white (also what ``detection_stream`` resizes its own way)."""
    import tensorflow as tf

    raw = tf.io.read_file(path)
    # OpenCV's libjpeg uses the accurate integer IDCT with fancy upsampling; so does this.
    image = tf.cond(tf.io.is_jpeg(raw),
                    lambda: tf.cast(tf.io.decode_jpeg(raw, dct_method="INTEGER_ACCURATE"), tf.float32) / 255.0,
                    lambda: tf.io.decode_image(raw, expand_animations=False, dtype=tf.float32))
    return _on_white(image)


def _on_white(image):
    """RGBA (and gray + alpha) composited on white, as ``read_image`` does."""
    import tensorflow as tf

    count = tf.shape(image)[2]
    with_alpha = count % 2 == 0  # 2 = gray + alpha, 4 = RGBA
    return tf.cond(with_alpha, lambda: image[..., :-1] * image[..., -1:] + (1.0 - image[..., -1:]),
                   lambda: image)


class DecodeFailures:
    """Files that passed the listing check but did not decode, noted from ``tf.data``'s
    threads; ``new()`` gives those not yet reported."""

    def __init__(self, files):
        self.files = list(files)
        self._failed: dict[int, None] = {}
        self._reported = 0
        self._lock = threading.Lock()

    def note(self, indices) -> np.int64:
        with self._lock:
            for index in np.atleast_1d(indices):
                self._failed.setdefault(int(index), None)
        return np.int64(len(np.atleast_1d(indices)))

    @property
    def paths(self) -> list[str]:
        with self._lock:
            return [self.files[i] for i in self._failed]

    def new(self) -> list[str]:
        paths = self.paths
        fresh, self._reported = paths[self._reported:], len(paths)
        return fresh


def _decoded_batches(order, files, labels, size: int, channels: int, batch_size: int,
                     failures: DecodeFailures | None, decode=None, shape=None):
    """``order`` (file indices) -> batches of decoded ``(image, label)`` in that order. A
    file that does not decode is dropped (``ignore_errors``) and noted: each sample carries
    its position in ``order``, so the positions missing from a batch (and before it) name
    the files lost; an empty closing batch names those lost at the end.

    One flat pipeline, not ``file_epoch_stream``'s fused part with a file-by-file one
    behind it: validation opens this each epoch, and nested pipelines' functions are
    instantiated at each opening (400 files: 121 ms a pass nested and fused, 66 ms flat)."""
    import tensorflow as tf

    files_t, labels_t = tf.constant(files), tf.constant(labels, tf.int64)
    order = tf.cast(order, tf.int64)
    count = tf.shape(order, out_type=tf.int64)[0]
    # ``decode(path)`` and the image ``shape`` it gives: detection sets resize their own way
    decode = decode or (lambda path: decode_image(path, size, size, channels))
    shape = shape or (size, size, channels)

    def load(position):
        index = tf.gather(order, position)
        return decode(tf.gather(files_t, index)), tf.gather(labels_t, index), position

    batches = (tf.data.Dataset.range(count).map(_as_is(load), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
               .ignore_errors().batch(batch_size))
    if failures is None:
        return batches.map(_as_is(lambda image, label, position: (image, label)))
    closing = _closing(shape, count)

    def note_gaps(last, batch):
        image, label, position = batch
        wanted = tf.range(last + 1, position[-1] + 1)
        lost = tf.sets.difference(wanted[None], position[None]).values
        tf.cond(tf.size(lost) > 0, lambda: tf.numpy_function(failures.note, [tf.gather(order, lost)], tf.int64),
                lambda: tf.constant(0, tf.int64))
        return position[-1], (image, label)

    noted = batches.concatenate(closing).scan(tf.constant(-1, tf.int64), _as_is(note_gaps))
    return noted.filter(_as_is(lambda image, label: tf.shape(label)[0] > 0))


def _closing(shape, position):
    """An empty batch at ``position`` (the number of files): its gap names the files lost
    at the very end."""
    import tensorflow as tf

    return tf.data.Dataset.from_tensors((tf.zeros((0, *shape)), tf.zeros((0,), tf.int64),
                                         tf.reshape(tf.cast(position, tf.int64), [1])))


def _fused_part(load, samples, batch_size: int, closing, count, stop):
    """The first ``count`` batches of positions ``0 ..`` at their fixed
    boundaries, each decoded by one fused map-and-batch, up to the first that does not come
    whole: a file in it did not decode, so ``ignore_errors`` dropped the fused batch, and
    the next one's first position (or the closing batch's, when the last was dropped) is
    not ``i * batch_size``; ``stop(i)`` records where the file-by-file part begins (and
    gives False). Only a dropped batch lets the closing batch be looked at, since ``count``
    is at most the number of batches."""
    import tensorflow as tf

    def whole(i, batch):
        regular = batch[2][0] == i * batch_size
        return tf.cond(regular, lambda: regular, lambda: stop(i))

    return (tf.data.Dataset.range(samples).map(_as_is(load), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
            .batch(batch_size).ignore_errors().concatenate(closing).enumerate().take_while(_as_is(whole))
            .take(count).map(_as_is(lambda i, batch: batch[:2])))


def _by_file_part(load, first, samples, batch_size: int, closing, count, note):
    """Positions ``first ..`` file by file, as ``(image, label)`` batches: a file that does
    not decode is dropped from its batch and the later batches close up behind it;
    ``note(positions)`` is given the positions lost (those skipped since the last batch).
    The first ``count`` non-empty batches."""
    import tensorflow as tf

    def note_lost(last, batch):
        position = batch[2]
        lost = tf.sets.difference(tf.range(last + 1, position[-1] + 1)[None], position[None]).values
        tf.cond(tf.size(lost) > 0, lambda: note(lost), lambda: tf.constant(0, tf.int64))
        return position[-1], batch

    return (tf.data.Dataset.range(first, samples).map(_as_is(load), num_parallel_calls=tf.data.AUTOTUNE,
                                                      deterministic=True)
            .ignore_errors().batch(batch_size).concatenate(closing).scan(first - 1, _as_is(note_lost))
            .filter(_as_is(lambda image, label, position: tf.size(label) > 0))
            .take(count).map(_as_is(lambda image, label, position: (image, label))))


class EpochParts:
    """One stream's account of each epoch (``file_epoch_stream``): where its fused part
    stopped, and how many files its file-by-file part lost, which is what the epoch's
    top-up owes. Each stream keeps its own, so two streams over one folder never change
    each other's top-up; every loss is also noted in ``failures``."""

    def __init__(self, failures: DecodeFailures):
        self.failures = failures
        self._stopped: dict[int, int] = {}
        self._lost: dict[int, int] = {}
        self._lock = threading.Lock()

    def start(self, epoch) -> np.int64:
        """An epoch's fused part begins."""
        with self._lock:
            self._stopped.pop(int(epoch), None)
            self._lost[int(epoch)] = 0
        return np.int64(0)

    def stop(self, epoch, delivered) -> np.bool_:
        """``epoch``'s fused part gave ``delivered`` whole batches, then one did not decode
        whole: the file-by-file part goes on from there."""
        with self._lock:
            self._stopped[int(epoch)] = int(delivered)
        return np.bool_(False)

    def stopped(self, epoch) -> np.int64:
        """Where ``epoch``'s fused part stopped (-1: it did not)."""
        with self._lock:
            return np.int64(self._stopped.get(int(epoch), -1))

    def note(self, indices, epoch) -> np.int64:
        count = self.failures.note(indices)
        with self._lock:
            if int(epoch) in self._lost:
                self._lost[int(epoch)] += int(count)
        return count

    def stop_at(self, epoch, delivered):
        """``stop`` from a tf.data function: a scalar False."""
        import tensorflow as tf

        return tf.reshape(tf.numpy_function(self.stop, [epoch, delivered], tf.bool, stateful=True), [])

    def note_at(self, indices, epoch):
        """``note`` from a tf.data function."""
        import tensorflow as tf

        return tf.numpy_function(self.note, [indices, epoch], tf.int64, stateful=True)

    def owed(self, epoch, samples, batch_size, steps) -> np.int64:
        """``steps`` less what the first two parts gave: the fused part's ``delivered``
        batches, then ``ceil((rest - lost) / batch_size)`` of the ``rest`` of the files
        (0 when the fused part did not stop)."""
        with self._lock:
            delivered = self._stopped.get(int(epoch), -1)
            lost = self._lost.pop(int(epoch), 0)
        if delivered < 0:
            return np.int64(0)
        rest = int(samples) - delivered * int(batch_size)
        given = delivered + -(-(rest - lost) // int(batch_size))
        return np.int64(max(0, int(steps) - given))


def file_epoch_stream(files, labels, batch_size: int, seed: int, first_epoch: int, epochs: int, steps: int,
                      image_size: int, channels: int, augment=None, failures: DecodeFailures | None = None,
                      decode=None):
    """``epoch_stream``'s batches, decoded from ``files`` as they are needed: epoch ``e`` is
    ``epoch_permutation(seed, e, n)`` of the files cut to ``steps`` batches. A file that
    does not decode is dropped from its batch (the later batches close up behind it) and
    noted; an epoch that lost files is topped up from its own start, so every epoch still
    has ``steps`` batches and epoch boundaries stay where ``fit`` counts them. ``augment``
    maps a batch ``(x, y)`` to a batch, on the fly; ``decode`` is ``decoder(...)``'s
    function (default ``decode_image``).

    Each epoch is up to three parts (``part_of``), so that the common case pays for none
    of this: (0) the batches at their fixed boundaries, each decoded by one fused
    map-and-batch (tf.data's rewrite: each image is decoded straight into its batch; 6-8 %
    more images/s on two cores than a map, then a batch), up to the first batch that does
    not come whole; (1) from there on file by file, where ``ignore_errors`` can drop the one
    file; (2) the top-up. Up to the first loss both cut the same batches, so the parts give
    what one file-by-file pass gives. A part that is not due starts no pipeline, and the
    fused part needs no noting, so a clean epoch's batches pass through two functions.
    """
    import tensorflow as tf

    samples, seed = len(files), int(seed)
    parts = EpochParts(failures if failures is not None else DecodeFailures(files))
    files_t, labels_t = tf.constant(files), tf.constant(labels, tf.int64)
    decode = decode or (lambda path: decode_image(path, image_size, image_size, channels))
    closing = _closing((image_size, image_size, channels), samples)

    def order_of(epoch):
        keys = tf.random.stateless_uniform([samples], seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        return tf.cast(tf.argsort(keys, stable=True), tf.int64)

    def part_of(k):
        """Part ``k % 3`` of epoch ``k // 3``: each takes the batches the epoch still owes
        (take(0) starts no pipeline)."""
        epoch, part = k // 3, k % 3
        order, nothing = order_of(epoch), tf.constant(0, tf.int64)

        def load(position):
            index = tf.gather(order, position)
            return decode(tf.gather(files_t, index)), tf.gather(labels_t, index), position

        tf.cond(part == 0, lambda: tf.numpy_function(parts.start, [epoch], tf.int64, stateful=True),
                lambda: nothing)
        stopped = tf.reshape(tf.numpy_function(parts.stopped, [epoch], tf.int64, stateful=True), [])
        top_up = tf.cond(part == 2, lambda: tf.reshape(tf.numpy_function(
            parts.owed, [epoch, samples, batch_size, steps], tf.int64, stateful=True), []), lambda: nothing)
        resumed = tf.logical_and(part == 1, stopped >= 0)
        fused = _fused_part(load, samples, batch_size, closing, tf.where(part == 0, tf.constant(steps, tf.int64),
                                                                          nothing),
                            lambda i: parts.stop_at(epoch, i))
        rest = _by_file_part(load, tf.where(resumed, stopped * batch_size, nothing), samples, batch_size, closing,
                             tf.where(resumed, steps - stopped, tf.where(part == 2, top_up, nothing)),
                             lambda positions: parts.note_at(tf.gather(order, positions), epoch))
        return fused.concatenate(rest)

    stream = tf.data.Dataset.range(3 * first_epoch, 3 * epochs).flat_map(_as_is(part_of))
    if augment is not None:
        stream = stream.map(augment, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return lean(stream, fuse=True).prefetch(tf.data.AUTOTUNE)


def file_batches(files, labels, batch_size: int, image_size: int, channels: int,
                 failures: DecodeFailures | None = None, decode=None):
    """The files in their own order, batched (validation, previews)."""
    import tensorflow as tf

    order = np.arange(len(files), dtype=np.int64)
    decoded = _decoded_batches(order, files, labels, image_size, channels, batch_size, failures, decode)
    return lean(decoded).prefetch(tf.data.AUTOTUNE)


def _as_is(function):
    """``function`` traced as written: it is TensorFlow ops only, and autograph's rewrite
    (parsing its source) would cost ~0.3 s per function before the first batch."""
    import tensorflow as tf

    return tf.autograph.experimental.do_not_convert(function)


def lean(stream, fuse: bool = False):
    """``stream`` without tf.data's static graph rewrites, as Keras's own array adapter
    sets it: they serialise the pipeline each time an iterator opens (every epoch's
    validation pass), about 20 ms, and the maps here are parallel already. ``fuse`` keeps
    the one that fuses a map and the batch after it (also inside nested pipelines), worth
    its 20 ms on a training stream, which opens once a run."""
    import tensorflow as tf

    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False
    options.experimental_optimization.map_and_batch_fusion = fuse
    return stream.with_options(options)


# ----------------------------------------------------------------------------- the cache

def decode_into_cache(files, labels, size: int, channels: int, cache: str,
                      failures: DecodeFailures | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every file decoded once, in file order: ``(images, ok)``. ``cache="memory"`` keeps
    them in RAM; a folder keeps them in ``workbench-cache-<key>.npy`` there (memory-mapped,
    so the page cache, not the process, holds them), found again by later runs."""
    import hashlib

    shape = (len(files), size, size, channels)
    if cache == "memory":
        images, ok = np.zeros(shape, np.float32), np.zeros(len(files), bool)
        _decode_all(files, labels, size, channels, images, ok, failures)
        return images, ok
    from workbench.runs.atomic import atomic_path

    key = hashlib.sha1("\n".join([str(size), str(channels), *map(str, files)]).encode()).hexdigest()[:16]
    path = os.path.join(cache, f"workbench-cache-{key}.npy")
    mask_path = path[:-4] + "-ok.npy"
    if not (os.path.isfile(path) and os.path.isfile(mask_path)):  # the mask is written last
        try:
            os.makedirs(cache, exist_ok=True)
        except OSError as error:
            raise WorkbenchError(f"data option cache={cache!r}: not a folder that can be written "
                                 f"({error.strerror}); give a folder, or cache=memory") from None
        with atomic_path(path) as tmp:
            images = np.lib.format.open_memmap(tmp, "w+", np.float32, shape)
            ok = np.zeros(len(files), bool)
            _decode_all(files, labels, size, channels, images, ok, failures)
            images.flush()
            del images
        with atomic_path(mask_path) as tmp:
            np.save(tmp, ok)
    return np.load(path, mmap_mode="r"), np.load(mask_path)


def _decode_all(files, labels, size, channels, images, ok, failures) -> None:
    import tensorflow as tf

    files_t = tf.constant(files)
    stream = (tf.data.Dataset.range(len(files))
              .map(_as_is(lambda i: (i, decode_image(tf.gather(files_t, i), size, size, channels))),
                   num_parallel_calls=tf.data.AUTOTUNE, deterministic=False).ignore_errors().batch(64))
    for index, image in stream.as_numpy_iterator():
        images[index], ok[index] = image, True
    if failures is not None and not ok.all():
        failures.note(np.flatnonzero(~ok))


def cached_epoch_stream(images, ok, labels, batch_size: int, seed: int, first_epoch: int, epochs: int,
                        steps: int, augment=None):
    """``file_epoch_stream``'s batches gathered from decoded ``images``: the same order,
    the same dropped files, the same top-up."""
    import tensorflow as tf

    samples, seed, ok_t = len(images), int(seed), tf.constant(ok)

    def batches_of(epoch):
        keys = tf.random.stateless_uniform([samples], seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        order = tf.argsort(keys, stable=True)
        order = tf.boolean_mask(order, tf.gather(ok_t, order))
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size).repeat(2).take(steps)

    stream = tf.data.Dataset.range(first_epoch, epochs).flat_map(_as_is(batches_of))
    stream = stream.map(_as_is(_gatherer(images, labels)), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if augment is not None:
        stream = stream.map(augment, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return lean(stream).prefetch(tf.data.AUTOTUNE)


def cached_batches(images, ok, labels, batch_size: int):
    import tensorflow as tf

    order = np.flatnonzero(ok).astype(np.int64)
    stream = tf.data.Dataset.from_tensor_slices(order).batch(batch_size)
    return lean(stream.map(_as_is(_gatherer(images, labels)), num_parallel_calls=tf.data.AUTOTUNE,
                           deterministic=True)).prefetch(tf.data.AUTOTUNE)


def _gatherer(images, labels):
    import tensorflow as tf

    labels_t = tf.constant(np.asarray(labels, np.int64))

    def gather(index):
        x = tf.numpy_function(lambda i: np.asarray(images[i], np.float32), [index], tf.float32)
        x.set_shape((None, *images.shape[1:]))
        return x, tf.gather(labels_t, index)

    return gather


# ----------------------------------------------------------------------------- the source

@dataclass
class StreamingImages:
    """A class folder whose images are decoded while the model trains."""

    info: DataInfo
    root: str
    files_train: np.ndarray
    labels_train: np.ndarray
    files_val: np.ndarray
    labels_val: np.ndarray
    ids_train: np.ndarray
    ids_val: np.ndarray
    skipped: list[str] = field(default_factory=list)
    #: Why this folder streams (``choose``'s sentence).
    loading: str = ""
    #: "" decodes every epoch; "memory" keeps the decoded images after the first pass;
    #: a folder keeps them there in a memory-mapped ``.npy`` (reused by later runs).
    cache: str = ""
    #: ``decode_plan``'s choice for these files.
    decoder: str = "general"
    scaler: None = None

    def __post_init__(self):
        self.failures_train = DecodeFailures(self.files_train)
        self.failures_val = DecodeFailures(self.files_val)
        self._cached: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def y_train(self) -> np.ndarray:
        """The training labels (there is no ``x_train``: the images stay in their files)."""
        return self.labels_train

    @property
    def y_val(self) -> np.ndarray:
        return self.labels_val

    @property
    def image_size(self) -> int:
        return int(self.info.input_shape[0])

    @property
    def channels(self) -> int:
        return int(self.info.input_shape[2])

    def train_stream(self, batch_size: int, seed: int, first_epoch: int, epochs: int, steps: int, augment=None):
        if self.cache:
            images, ok = self.decoded("train")
            return cached_epoch_stream(images, ok, self.labels_train, batch_size, seed, first_epoch, epochs,
                                       steps, augment)
        return file_epoch_stream(self.files_train, self.labels_train, batch_size, seed, first_epoch, epochs,
                                 steps, self.image_size, self.channels, augment, self.failures_train, self.decode)

    def val_stream(self, batch_size: int):
        if self.cache:
            images, ok = self.decoded("val")
            return cached_batches(images, ok, self.labels_val, batch_size)
        return file_batches(self.files_val, self.labels_val, batch_size, self.image_size, self.channels,
                            self.failures_val, self.decode)

    @property
    def decode(self):
        """``path -> image`` for these files (``decode_plan``'s decoder)."""
        return decoder(self.decoder, self.image_size, self.channels)

    def decoded(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        """``part``'s images decoded once (in parallel) into the cache, and which decoded."""
        if part not in self._cached:
            files, labels = (self.files_train, self.labels_train) if part == "train" else \
                (self.files_val, self.labels_val)
            failures = self.failures_train if part == "train" else self.failures_val
            self._cached[part] = decode_into_cache(files, labels, self.image_size, self.channels, self.cache,
                                                   failures)
        return self._cached[part]

    def keep_samples(self, keep_train: np.ndarray, keep_val: np.ndarray) -> None:
        """Only the samples the masks keep (``exclude=`` marks): the file lists shrink."""
        self.files_train, self.labels_train = self.files_train[keep_train], self.labels_train[keep_train]
        self.ids_train = self.ids_train[keep_train]
        self.files_val, self.labels_val, self.ids_val = (self.files_val[keep_val], self.labels_val[keep_val],
                                                         self.ids_val[keep_val])
        self.__post_init__()  # the failure notes and caches index the old lists

    def decode_failures(self) -> list[str]:
        """Files not yet reported that passed the listing check but did not decode."""
        return self.failures_train.new() + self.failures_val.new()

    def sample_path(self, sample_id: str) -> str:
        return os.path.abspath(os.path.join(self.root, *str(sample_id).split("/")))

    def class_counts(self) -> dict[str, int]:
        labels = np.concatenate([self.labels_train, self.labels_val]).astype(int)
        counts = np.bincount(labels, minlength=self.info.num_classes)
        return {name: int(n) for name, n in zip(self.info.class_names, counts)}

    def describe(self) -> dict:
        """Facts for the Data tab's summary line and ``datasets --json`` (each under 60 characters)."""
        count = len(self.files_train) + len(self.files_val)
        size = _size(array_bytes(count, self.image_size, self.channels))
        return {"loading": f"streamed from {count:,} files, decoded in parallel",
                "as arrays": f"about {size} (not held)", "why": self.loading,
                "cache": self.cache or "none (decoded every epoch)", "decoding": DECODERS[self.decoder],
                "train": len(self.files_train),
                "validation": len(self.files_val), "input": "×".join(str(s) for s in self.info.input_shape),
                "per_class": self.class_counts()}

    def preview(self) -> list:
        """A grid of training samples, a few per class, decoded as training decodes them."""
        from workbench.views import ImageGrid, View

        picks = _spread(self.labels_train, PREVIEW_SAMPLES)
        files, labels = self.files_train[picks], self.labels_train[picks]
        images, captions = [], []
        for image, label in file_batches(files, labels, len(picks) or 1, self.image_size, self.channels,
                                         decode=self.decode).unbatch():
            images.append(image.numpy())
            captions.append(self.info.class_names[int(label)])
        if not images:
            return []
        return [View("samples", ImageGrid(np.stack(images), captions), f"{self.info.name}: training samples "
                     "(streamed)")]


def _spread(labels: np.ndarray, count: int) -> np.ndarray:
    """Up to ``count`` indices, taking each class in turn."""
    by_class = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    picks = []
    for rank in range(count):
        for members in by_class:
            if rank < len(members) and len(picks) < count:
                picks.append(members[rank])
    return np.asarray(picks, np.int64)


def streaming_folder(listing: Listing, size: int, seed: int, val_fraction: float, loading: str = "",
                     cache: str = "") -> StreamingImages:
    """The listing split as ``folders.load_folder`` splits its arrays (same seed, same ids)."""
    from workbench.data.folders import sample_id

    indices = np.arange(len(listing.files))
    labels = np.asarray(listing.labels, np.int64)
    ids = [sample_id(listing.root, path) for path in listing.files]
    train, y_train, val, y_val, ids_train, ids_val = split(indices, labels, val_fraction, seed, ids=ids)
    files = np.asarray(listing.files, dtype=str)
    info = DataInfo(os.path.basename(os.path.normpath(listing.root)), "image", "classification",
                    (size, size, listing.channels), tuple(listing.classes))
    return StreamingImages(info, listing.root, files[train], y_train, files[val], y_val, ids_train, ids_val,
                           skipped=list(listing.skipped), loading=loading, cache=cache,
                           decoder=decode_plan(listing, size))
