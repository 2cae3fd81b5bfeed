"""Class folders streamed through tf.data (``workbench.data.streaming``).

The in-memory loader (``folders.load_folder`` with ``stream=no``: OpenCV, one array) is
the reference: the streamed source must give its split, its ids, its pixel values (to
1e-6) and, for one seed, its batches; corrupt files are counted, not fatal; memory
does not grow with the number of images.
"""

import json
import os
import subprocess
import sys
import textwrap

import cv2
import numpy as np
import pytest

from workbench import data
from workbench.data import streaming
from workbench.data.streaming import StreamingImages
from workbench.errors import WorkbenchError
from workbench.training.data_order import epoch_permutation, epoch_stream


def _noise(rng, h, w, channels=3):
    image = (rng.random((h, w, channels)) * 255).astype(np.uint8)
    return cv2.GaussianBlur(image, (5, 5), 0).reshape(h, w, channels)  # JPEG-like content


#: (height, width) pairs covering every resize path of ``fit_image`` for a 24 px target
#: area (both shrink), OpenCV's area zoom (height shrinks, width grows), bilinear up and
#: bilinear with the width shrinking, and no resize at all.
SHAPES = [(50, 40), (37, 29), (40, 15), (30, 12), (11, 17), (20, 60), (24, 24), (97, 73)]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """JPEG, PNG (8 and 16 bit, RGBA, gray + alpha), BMP (colour and gray), in 3 classes."""
    root = tmp_path_factory.mktemp("mixed")
    rng = np.random.default_rng(0)
    for label in range(3):
        os.makedirs(root / f"class{label}")
        for i, (h, w) in enumerate(SHAPES):
            kind = (i + label) % 6
            path = root / f"class{label}" / f"{i:02d}"
            if kind == 0:
                cv2.imwrite(f"{path}.jpg", _noise(rng, h, w))
            elif kind == 1:
                cv2.imwrite(f"{path}.png", _noise(rng, h, w))
            elif kind == 2:
                cv2.imwrite(f"{path}.png", np.dstack([_noise(rng, h, w), _noise(rng, h, w, 1)]))  # RGBA
            elif kind == 3:
                cv2.imwrite(f"{path}.png", (rng.random((h, w, 3)) * 65535).astype(np.uint16))  # 16 bit
            elif kind == 4:
                cv2.imwrite(f"{path}.bmp", _noise(rng, h, w, 1)[..., 0])  # gray, palette bitmap
            else:
                cv2.imwrite(f"{path}.jpeg", _noise(rng, h, w, 1)[..., 0])  # gray JPEG
    return str(root)


@pytest.fixture(scope="module")
def gray(tmp_path_factory):
    root = tmp_path_factory.mktemp("gray")
    rng = np.random.default_rng(1)
    for label in range(2):
        os.makedirs(root / f"g{label}")
        for i, (h, w) in enumerate(SHAPES):
            cv2.imwrite(str(root / f"g{label}" / f"{i}.{['png', 'jpg', 'bmp'][i % 3]}"), _noise(rng, h, w, 1)[..., 0])
    return str(root)


def load_both(root, seed=3, size=24):
    memory = data.load(root, {"stream": "no", "image_size": size}, seed=seed, val_fraction=0.25)
    streamed = data.load(root, {"stream": "yes", "image_size": size}, seed=seed, val_fraction=0.25)
    return memory, streamed


def streamed_array(stream):
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in stream])
    return np.concatenate(xs), np.concatenate(ys)


@pytest.mark.parametrize("fixture,channels", [("mixed", 3), ("gray", 1)])
def test_streamed_pixels_equal_the_in_memory_loaders(request, fixture, channels):
    memory, streamed = load_both(request.getfixturevalue(fixture))
    assert isinstance(streamed, StreamingImages) and not isinstance(memory, StreamingImages)
    assert memory.info == streamed.info and streamed.channels == channels
    np.testing.assert_array_equal(memory.ids_train, streamed.ids_train)  # the same split, same order
    np.testing.assert_array_equal(memory.ids_val, streamed.ids_val)
    x_val, y_val = streamed_array(streamed.val_stream(5))
    np.testing.assert_array_equal(y_val, memory.y_val)
    np.testing.assert_allclose(x_val, memory.x_val, rtol=0, atol=1e-6)
    x_train, _ = streamed_array(streaming.file_batches(streamed.files_train, streamed.labels_train, 64, 24,
                                                       channels))
    np.testing.assert_allclose(x_train, memory.x_train, rtol=0, atol=1e-6)


def test_streamed_and_in_memory_batches_are_the_same_for_a_seed(mixed):
    memory, streamed = load_both(mixed)
    steps = 3  # batches of 4 of 18 training images: a partial epoch, as steps_per_epoch cuts it
    ours = list(streamed.train_stream(4, seed=7, first_epoch=1, epochs=3, steps=steps))
    theirs = list(epoch_stream(memory.x_train, memory.y_train, 4, 7, 1, 3, steps))
    assert len(ours) == len(theirs) == 2 * steps
    for (x, y), (x_ref, y_ref) in zip(ours, theirs):
        np.testing.assert_array_equal(y.numpy(), y_ref.numpy())
        np.testing.assert_allclose(x.numpy(), x_ref.numpy(), rtol=0, atol=1e-6)
    # epoch e is epoch_permutation(seed, e) of the training files
    order = epoch_permutation(7, 2, len(streamed.files_train))[:4 * steps]
    np.testing.assert_array_equal(np.concatenate([y.numpy() for _, y in ours[steps:]]),
                                  streamed.labels_train[order])


def _jpeg_folder(root, shapes, gray_every=3):
    rng = np.random.default_rng(5)
    for label in range(2):
        os.makedirs(root / f"c{label}")
        for i, (h, w) in enumerate(shapes):
            image = _noise(rng, h, w, 1)[..., 0] if (i + label) % gray_every == 0 else _noise(rng, h, w)
            cv2.imwrite(str(root / f"c{label}" / f"{i}.jpg"), image)
    return str(root)


@pytest.mark.parametrize("shapes,plan", [
    ([(48, 48), (72, 48), (24, 24), (96, 72), (48, 24)], "jpeg-area"),  # every one shrinks by whole factors
    ([(48, 48), (72, 48), (50, 40), (24, 24), (20, 60)], "jpeg"),  # two do not: resized as fit_image
])
def test_a_folder_of_jpegs_gets_the_branch_free_decoder_and_the_same_pixels(tmp_path, shapes, plan):
    memory, streamed = load_both(_jpeg_folder(tmp_path, shapes))
    assert streamed.decoder == plan and streamed.channels == 3
    x_val, y_val = streamed_array(streamed.val_stream(4))
    np.testing.assert_array_equal(y_val, memory.y_val)
    np.testing.assert_allclose(x_val, memory.x_val, rtol=0, atol=1e-6)
    x_train, _ = streamed_array(streaming.file_batches(streamed.files_train, streamed.labels_train, 64, 24, 3,
                                                       decode=streamed.decode))
    np.testing.assert_allclose(x_train, memory.x_train, rtol=0, atol=1e-6)
    gray = _jpeg_folder(tmp_path / "gray", shapes, gray_every=1)  # every file gray: a gray folder
    memory, streamed = load_both(gray)
    assert streamed.decoder == plan and streamed.channels == 1
    np.testing.assert_allclose(streamed_array(streamed.val_stream(4))[0], memory.x_val, rtol=0, atol=1e-6)


def test_whole_factors_is_fit_pixels_test():
    assert streaming.whole_factors(24, 24, 24) and streaming.whole_factors(48, 24, 24)
    assert streaming.whole_factors(72, 96, 24)
    assert not streaming.whole_factors(24, 48, 24)  # the height does not shrink: OpenCV's own path
    assert not streaming.whole_factors(50, 48, 24) and not streaming.whole_factors(48, 50, 24)
    assert not streaming.whole_factors(12, 12, 24)


def test_the_headers_give_opencvs_sizes(mixed):
    for folder in sorted(os.listdir(mixed)):
        for name in sorted(os.listdir(os.path.join(mixed, folder))):
            path = os.path.join(mixed, folder, name)
            header = streaming.read_header(path)
            if header.kind in ("jpeg", "png"):
                assert (header.height, header.width) == cv2.imread(path, cv2.IMREAD_UNCHANGED).shape[:2], path


def test_the_header_probe_agrees_with_opencv(mixed, gray):
    for root in (mixed, gray):
        for folder in sorted(os.listdir(root)):
            for name in sorted(os.listdir(os.path.join(root, folder))):
                path = os.path.join(root, folder, name)
                decoded = cv2.imread(path, cv2.IMREAD_UNCHANGED)
                assert streaming.probe(path) == (1 if decoded.ndim == 2 else 3), path


def test_corrupt_files_are_skipped_and_counted(tmp_path, mixed):
    root = tmp_path / "corrupt"
    for folder in os.listdir(mixed):
        os.makedirs(root / folder)
        for name in os.listdir(os.path.join(mixed, folder)):
            (root / folder / name).write_bytes((open(os.path.join(mixed, folder, name), "rb").read()))
    jpeg = next(p for p in sorted(root.glob("*/*.jpg")))
    jpeg.write_bytes(jpeg.read_bytes()[:200])  # valid magic bytes, truncated: only decoding can tell
    (root / "class0" / "empty.png").write_bytes(b"")
    (root / "class1" / "text.jpg").write_bytes(b"this is not an image")
    streamed = data.load(str(root), {"stream": "yes", "image_size": 24}, seed=3, val_fraction=0.25)
    assert len(streamed.skipped) == 2  # the listing's cheap checks caught two, without decoding
    assert any("empty.png" in line and "empty file" in line for line in streamed.skipped)
    assert any("text.jpg" in line for line in streamed.skipped)
    total = len(streamed.files_train) + len(streamed.files_val)
    assert total == 3 * len(SHAPES)  # the truncated JPEG passed the listing
    decoded = sum(len(y) for _, y in streamed.val_stream(8))
    decoded += sum(len(y) for _, y in streaming.file_batches(
        streamed.files_train, streamed.labels_train, 8, 24, 3, streamed.failures_train))
    assert decoded == total - 1
    assert streamed.decode_failures() == [str(jpeg)]
    assert streamed.decode_failures() == []  # each reported once


def test_a_corrupt_file_during_training_is_reported_and_listed(tmp_path, gray):
    from workbench.training import TrainConfig, events, job

    root = tmp_path / "g"
    for folder in os.listdir(gray):
        os.makedirs(root / folder)
        for name in os.listdir(os.path.join(gray, folder)):
            (root / folder / name).write_bytes(open(os.path.join(gray, folder, name), "rb").read())
    bad = root / "g0" / "1.jpg"
    bad.write_bytes(bad.read_bytes()[:150])
    notes = []
    config = TrainConfig("lenet", str(root), epochs=2, batch_size=4, out=str(tmp_path / "run"),
                         data_options={"stream": "yes", "image_size": 16})
    result = job.run_training(config, emit=lambda e: notes.append(e.text) if isinstance(e, events.Status) else None)
    assert result.history["epoch"] == [1, 2]
    assert [n for n in notes if "did not decode" in n] == [f"1 image(s) did not decode and were skipped "
                                                           f"(the first: {bad})"]
    listed = (tmp_path / "run" / "data_problems.txt").read_text()
    assert f"did not decode: {bad}" in listed


def test_stream_auto_chooses_by_the_arrays_size(mixed, monkeypatch):
    assert streaming.choose("auto", 1000, 64, 3, limit=10**9)[0] is False
    streams, why = streaming.choose("auto", 101_000, 224, 3, limit=10**9)
    assert streams and why == "stream=auto: 60.8 GB as arrays > 1.0 GB"  # Food-101 at 224 px
    small = data.load(mixed, {"image_size": 24}, seed=0)
    assert not isinstance(small, StreamingImages) and small.loading.startswith("in memory (stream=auto)")
    monkeypatch.setattr(streaming, "AUTO_LIMIT_BYTES", 1000)  # every folder is "big" now
    big = data.load(mixed, {"image_size": 24}, seed=0)
    assert isinstance(big, StreamingImages)
    facts = big.describe()
    assert facts["loading"] == f"streamed from {3 * len(SHAPES)} files, decoded in parallel"
    assert facts["as arrays"] == "about 165.9 kB (not held)"  # 24 images x 24 x 24 x 3 x 4 bytes
    assert facts["why"] == "stream=auto: 165.9 kB as arrays > 1.0 kB"
    assert facts["per_class"] == {"class0": 8, "class1": 8, "class2": 8}
    with pytest.raises(WorkbenchError, match="stream='maybe' must be one of auto, yes, no"):
        data.load(mixed, {"stream": "maybe"})


def test_listing_reports_progress(mixed):
    calls = []
    listing = streaming.list_images(mixed, lambda done, total: calls.append((done, total)))
    assert calls == [(24, 24)] and len(listing.files) == 24  # each 1,000 files and at the end


@pytest.mark.parametrize("cache", ["memory", "folder"])
def test_cached_streams_give_the_uncached_batches(tmp_path, mixed, cache):
    where = "memory" if cache == "memory" else str(tmp_path / "cache")
    plain = data.load(mixed, {"stream": "yes", "image_size": 24}, seed=3)
    cached = data.load(mixed, {"stream": "yes", "image_size": 24, "cache": where}, seed=3)
    for (x, y), (x_ref, y_ref) in zip(cached.train_stream(5, 1, 0, 2, 4), plain.train_stream(5, 1, 0, 2, 4)):
        np.testing.assert_array_equal(y.numpy(), y_ref.numpy())
        np.testing.assert_allclose(x.numpy(), x_ref.numpy(), rtol=0, atol=1e-6)
    x_val, _ = streamed_array(cached.val_stream(4))
    np.testing.assert_allclose(x_val, streamed_array(plain.val_stream(4))[0], rtol=0, atol=1e-6)
    if cache == "folder":
        files = sorted(os.listdir(where))
        assert len(files) == 4 and all(f.startswith("workbench-cache-") for f in files)  # train, val + masks
        again = data.load(mixed, {"stream": "yes", "image_size": 24, "cache": where}, seed=3)
        images, ok = again.decoded("train")
        assert isinstance(images, np.memmap) and ok.all()  # read back, not decoded again


def test_the_data_tab_preview_decodes_samples(mixed, monkeypatch):
    streamed = data.load(mixed, {"stream": "yes", "image_size": 24}, seed=3)
    (view,) = streamed.preview()
    assert view.value.images.shape == (16, 24, 24, 3)
    assert set(view.value.captions) == {"class0", "class1", "class2"}


# The peak is VmHWM, the high-water mark of this process's own memory map: getrusage's
# ru_maxrss survives exec on Linux, so a child of a big test process (a pytest-xdist worker
# late in the suite) would report its parent's peak instead of its own.
_RSS_SCRIPT = textwrap.dedent("""
    import json, sys
    from workbench.training import TrainConfig, job
    root, stream = sys.argv[1], sys.argv[2]
    config = TrainConfig("lenet", root, epochs=1, batch_size=32, out=sys.argv[3],
                         data_options={"stream": stream, "image_size": 96})
    result = job.run_training(config)
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"rss_mb": peak_kb / 1024,
                      "samples": len(result.dataset.y_train) + len(result.dataset.y_val)}))
""")


def _write_folder(root, count, seed):
    rng = np.random.default_rng(seed)
    for label in range(2):
        os.makedirs(os.path.join(root, f"c{label}"), exist_ok=True)
    for i in range(count):
        image = cv2.resize(_noise(rng, 24, 24), (96, 96), interpolation=cv2.INTER_NEAREST)
        cv2.imwrite(os.path.join(root, f"c{i % 2}", f"{i:05d}.jpg"), image)


def _peak_rss(root, stream, out):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, root, stream, out], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_memory_does_not_grow_with_the_number_of_images(tmp_path):
    """1,200 images of 96 x 96 x 3 are 133 MB as float32 arrays, 300 are 33 MB: streamed, the
    peak RSS of a whole training run grows by less than half that difference (measured: +22 MB);
    in memory it grows by the arrays and their copies (measured: +410 MB)."""
    small, large = str(tmp_path / "n"), str(tmp_path / "4n")
    _write_folder(small, 300, 0)
    _write_folder(large, 1200, 1)
    streamed_small = _peak_rss(small, "yes", str(tmp_path / "r1"))
    streamed_large = _peak_rss(large, "yes", str(tmp_path / "r2"))
    in_memory_large = _peak_rss(large, "no", str(tmp_path / "r3"))
    assert streamed_large["samples"] == 1200 and streamed_small["samples"] == 300
    growth = streamed_large["rss_mb"] - streamed_small["rss_mb"]
    arrays_mb = 1200 * 96 * 96 * 3 * 4 / 2**20
    assert growth < 0.5 * (arrays_mb - 300 * 96 * 96 * 3 * 4 / 2**20), (streamed_small, streamed_large)
    # the control: the same run with arrays does hold them (so the measure can see them)
    assert in_memory_large["rss_mb"] - streamed_large["rss_mb"] > 0.6 * arrays_mb, (in_memory_large,
                                                                                      streamed_large)



def test_keep_samples_shrinks_the_file_lists_as_exclude_shrinks_arrays(mixed):
    memory, streamed = load_both(mixed)
    drop = {memory.ids_train[0], memory.ids_val[1]}
    keep_train, keep_val = ~np.isin(streamed.ids_train, list(drop)), ~np.isin(streamed.ids_val, list(drop))
    streamed.keep_samples(keep_train, keep_val)
    assert not drop & set(streamed.ids_train) and not drop & set(streamed.ids_val)
    x_val, y_val = streamed_array(streamed.val_stream(4))
    np.testing.assert_allclose(x_val, memory.x_val[keep_val], rtol=0, atol=1e-6)
    np.testing.assert_array_equal(y_val, memory.y_val[keep_val])


def test_exclude_marks_shrink_a_streamed_folder(tmp_path):
    """``exclude=`` works on a streamed folder: the marked files leave its file lists."""
    from workbench.evaluation.marks import write_marks

    rng = np.random.default_rng(0)
    for label in ("a", "b"):
        (tmp_path / "imgs" / label).mkdir(parents=True)
        for i in range(6):
            cv2.imwrite(str(tmp_path / "imgs" / label / f"{i}.png"), rng.integers(0, 255, (8, 8), np.uint8))
    whole = data.load(str(tmp_path / "imgs"), {"stream": "yes", "image_size": 8}, val_fraction=0.34)
    marked = [whole.ids_train[0], whole.ids_val[0]]
    write_marks(str(tmp_path / "marks.csv"), [{"path": m, "given_label": "a", "predicted_label": "b",
                                                "confidence": 0.9, "mark": "drop"} for m in marked])
    kept = data.load(str(tmp_path / "imgs"), {"stream": "yes", "image_size": 8,
                                              "exclude": str(tmp_path / "marks.csv")}, val_fraction=0.34)
    assert len(kept.files_train) == len(whole.files_train) - 1 and len(kept.files_val) == len(whole.files_val) - 1
    assert not set(marked) & (set(kept.ids_train.tolist()) | set(kept.ids_val.tolist()))
    assert any("excluded 2 sample(s)" in line for line in kept.skipped)


def _pngs(folder, count: int, lost=(), seed: int = 0):
    """``count`` 12 x 12 PNGs labelled by their index; those in ``lost`` keep a PNG's
    magic bytes and nothing decodable after them."""
    paths, rng = [], np.random.default_rng(seed)
    for i in range(count):
        paths.append(str(folder / f"{i}.png"))
        cv2.imwrite(paths[-1], (rng.random((12, 12, 3)) * 255).astype(np.uint8))
    for i in lost:
        with open(paths[i], "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    return paths, np.arange(count)


def _ten_pngs(folder, seed: int, classes: int, lost=()):
    """``_pngs`` for ten files, labelled ``i % classes``."""
    paths, index = _pngs(folder, 10, lost, seed)
    return paths, index % classes


def test_a_file_lost_at_the_very_end_of_an_epochs_order_is_noted(tmp_path):
    """The last file of the epoch's order does not decode. With 4 steps of 3 it is the
    epoch's last batch, alone: only the closing batch's gap can name it, and the top-up
    owes one batch. With the epoch cut to 3 steps it lies past the epoch's batches: it is
    not decoded at all (nor named), nor is any batch past the steps."""
    seed, epoch = 4, 0
    last = int(epoch_permutation(seed, epoch, 10)[-1])
    paths, labels = _ten_pngs(tmp_path, 0, 2, lost=[last])
    for steps, named in ((4, [paths[last]]), (3, [])):
        failures = streaming.DecodeFailures(paths)
        batches = list(streaming.file_epoch_stream(paths, labels, 3, seed, epoch, epoch + 1, steps, 12, 3,
                                                   failures=failures))
        assert [len(y) for _, y in batches] == [3] * steps  # 9 files decode: three full batches (+ top-up)
        assert failures.paths == named


def test_an_epoch_that_lost_files_is_topped_up_from_its_start_as_the_cache_does(tmp_path):
    """Two of ten files do not decode: with batches of 3, each epoch's first pass gives
    3 + 3 + 2 and the top-up owes one batch, the first three good files of the epoch's
    order again; the cached stream, which masks the lost files out, gives the same."""
    paths, labels = _ten_pngs(tmp_path, 1, 3, lost=(2, 7))
    seed, failures = 5, streaming.DecodeFailures(paths)
    streamed = list(streaming.file_epoch_stream(paths, labels, 3, seed, 1, 3, 4, 12, 3, failures=failures))
    images, ok = streaming.decode_into_cache(paths, labels, 12, 3, "memory")
    cached = list(streaming.cached_epoch_stream(images, ok, labels, 3, seed, 1, 3, 4))
    assert [len(y) for _, y in streamed] == [3, 3, 2, 3] * 2
    for epoch in (1, 2):
        good = [i for i in epoch_permutation(seed, epoch, 10) if i not in (2, 7)]
        got = np.concatenate([y for _, y in streamed[4 * (epoch - 1):4 * epoch]])
        np.testing.assert_array_equal(got, labels[good + good[:3]])
    for (x, y), (x_ref, y_ref) in zip(streamed, cached, strict=True):
        np.testing.assert_array_equal(y.numpy(), y_ref.numpy())
        np.testing.assert_allclose(x.numpy(), x_ref.numpy(), rtol=0, atol=1e-6)
    assert sorted(failures.paths) == [paths[2], paths[7]]


def test_the_top_up_owes_what_the_first_two_parts_fell_short_and_no_more():
    """10 files, batches of 3, 4 steps; the fused part gave 1 whole batch, then stopped.
    The file-by-file part has the 7 files left: 2 lost leave 5, 2 batches (the last short),
    so 3 given and 1 owed; one lost leaves 6, still 2 batches; none lost, 7 make 3 batches
    and nothing is owed; a fused part that never stopped owes nothing. Owing more would
    give the same batches (the epoch keeps its first 4), only decoded for nothing."""
    parts = streaming.EpochParts(streaming.DecodeFailures([f"{i}.png" for i in range(10)]))
    for lost, owed in ((np.array([2, 7]), 1), (np.array([4]), 1), (np.array([], np.int64), 0)):
        parts.start(0)
        parts.stop(0, 1)
        assert parts.stopped(0) == 1
        if lost.size:
            parts.note(lost, 0)
        assert parts.owed(0, 10, 3, 4) == owed
    parts.start(0)
    parts.note(np.array([5]), 0)  # noted by the top-up of an epoch whose fused part did not stop
    assert parts.stopped(0) == -1 and parts.owed(0, 10, 3, 4) == 0
    assert parts.failures.paths == ["2.png", "7.png", "4.png", "5.png"]  # as they were noted


#: (files, batch size, steps, positions in epoch 1's order that do not decode): the fused
#: part stops at its first batch, in the middle, at the short last batch (only the closing
#: batch tells), at a batch lost whole, at two batches in a row, at the last of ``steps``
#: batches and not at all (the loss lies past the steps); and a folder with nothing lost.
PART_CASES = [(10, 3, 4, [0]), (10, 3, 4, [4]), (10, 3, 4, [9]), (12, 3, 4, [3, 4, 5]),
              (14, 3, 5, [3, 7, 8, 13]), (11, 2, 3, [5]), (11, 2, 3, [6]), (9, 4, 3, [])]


@pytest.mark.parametrize("case", PART_CASES, ids=lambda case: f"{case[0]}-{case[1]}-{case[2]}-{case[3]}")
def test_the_fused_and_file_by_file_parts_give_the_cached_streams_batches(tmp_path, case):
    """The cached stream knows every lost file before it starts and masks them out: the
    streamed one, which finds them batch by batch (a fused batch dropped whole, then file
    by file), must give its batches, images and all, over two epochs, and note exactly the
    lost files it reached: at least those among epoch 1's first ``steps`` batches' files."""
    count, batch, steps, positions = case
    seed, order = 6, epoch_permutation(6, 1, count)
    lost = sorted(int(i) for i in order[positions])
    paths, labels = _pngs(tmp_path, count, lost)
    failures = streaming.DecodeFailures(paths)
    streamed = list(streaming.file_epoch_stream(paths, labels, batch, seed, 1, 3, steps, 12, 3, failures=failures))
    images, ok = streaming.decode_into_cache(paths, labels, 12, 3, "memory")
    cached = list(streaming.cached_epoch_stream(images, ok, labels, batch, seed, 1, 3, steps))
    assert [y.numpy().tolist() for _, y in streamed] == [y.numpy().tolist() for _, y in cached]
    for (x, _), (x_ref, _) in zip(streamed, cached, strict=True):
        np.testing.assert_allclose(x.numpy(), x_ref.numpy(), rtol=0, atol=1e-6)
    reached = {paths[int(order[p])] for p in positions if p < steps * batch}
    assert reached <= set(failures.paths) <= {paths[i] for i in lost}


@pytest.mark.parametrize("count, batch, lost", [(12, 4, []), (12, 4, [11]), (10, 4, [9]), (10, 4, [0, 5]),
                                                (10, 3, [3, 4, 5])])
def test_validation_batches_are_the_cached_ones_whatever_is_lost(tmp_path, count, batch, lost):
    """The files in their own order (validation, evaluation), each pass (each epoch's
    validation) the cached batches, which leave the lost files out before batching; every
    lost file noted, at the start, in the middle or at the very end; no empty batch when the
    files fill the last batch exactly."""
    paths, labels = _pngs(tmp_path, count, lost)
    failures = streaming.DecodeFailures(paths)
    stream = streaming.file_batches(paths, labels, batch, 12, 3, failures)
    streamed = list(stream)
    images, ok = streaming.decode_into_cache(paths, labels, 12, 3, "memory")
    cached = list(streaming.cached_batches(images, ok, labels, batch))
    assert [y.numpy().tolist() for _, y in streamed] == [y.numpy().tolist() for _, y in cached]
    for (x, _), (x_ref, _) in zip(streamed, cached, strict=True):
        np.testing.assert_allclose(x.numpy(), x_ref.numpy(), rtol=0, atol=1e-6)
    assert failures.paths == [paths[i] for i in lost]
    again = list(stream)  # validated again the next epoch
    assert [y.numpy().tolist() for _, y in again] == [y.numpy().tolist() for _, y in cached]
