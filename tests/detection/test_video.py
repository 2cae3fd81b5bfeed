"""Detection, segmentation and Grad-CAM on a video (``workbench.detection.video``), the
``detect/segment --video`` commands, and the Detect tab's video view.

The clip is written here with OpenCV (12 frames, 64×64, a square moving right); the
models are tiny catalog builds with seeded random weights (no training), so their
answers change from frame to frame and a frame paired with the wrong result shows.
"""

import json
import os

import cv2
import numpy as np
import pytest

from workbench.cli import main
from workbench.detection import inference, video
from workbench.errors import WorkbenchError

FRAMES, SIDE, FPS = 12, 64, 10.0


def square_frame(k: int) -> np.ndarray:
    """RGB frame ``k``: a yellow square moving 4 pixels a frame and a still red disc."""
    frame = np.full((SIDE, SIDE, 3), 30, np.uint8)
    cv2.circle(frame, (48, 48), 9, (220, 40, 40), -1)
    frame[10:30, 2 + 3 * k:22 + 3 * k] = (240, 220, 30)
    return frame


def write_clip(path, frames) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (SIDE, SIDE))
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def decode(path) -> list[np.ndarray]:
    """Every frame of ``path`` as RGB, read in the test's own thread."""
    capture, frames = cv2.VideoCapture(str(path)), []
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    capture.release()
    return frames


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("clip") / "square.mp4"
    write_clip(path, [square_frame(k) for k in range(FRAMES)])
    return path


def tiny(name: str, settings: dict, folder, seed: int, scale: float = 0.1):
    """A catalog entry built small for the shapes classes, weights jittered by ``seed``
    (an untrained head answers the same everywhere), saved as ``NAME.keras``."""
    from workbench import catalog
    from workbench.data.shapes import make_shapes
    from workbench.quiet import import_tensorflow

    import_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    entry = catalog.get(name)
    model = entry.build(entry.resolve(settings), make_shapes(2, image_size=SIDE, seed=1).info)
    rng = np.random.default_rng(seed)
    for weight in model.trainable_weights:  # not batch-norm statistics: a variance stays positive
        weight.assign(weight.numpy() + rng.normal(0, scale, weight.shape).astype(np.float32))
    path = folder / f"{name}.keras"
    model.save(path)
    return model, path


@pytest.fixture(scope="module")
def detector(tmp_path_factory):
    # The paper's head and grid (no longer the defaults): these jittered weights answer with
    # boxes that differ from frame to frame, which the tests below compare
    return tiny("yolo_v1", {"width": "4", "hidden": "16", "head": "fc", "grid": "7", "levels": "4"},
                tmp_path_factory.mktemp("det"), seed=3)


@pytest.fixture(scope="module")
def segmenter(tmp_path_factory):
    return tiny("unet", {"filters": "2", "depth": "2"}, tmp_path_factory.mktemp("seg"), seed=4)


def threshold_for(model, frame, keep: int = 3) -> float:
    """A score threshold that leaves about ``keep`` boxes on ``frame``: half-way between two
    candidates' scores, so a batch's rounding cannot move a box across it."""
    resized, _ = inference.prepare_image(frame, inference.input_size(model))
    scores = np.sort(model.predict_candidates(resized[None])[0]["scores"])[::-1]
    return float(scores[keep - 1] + scores[keep]) / 2


def mean_error(a, b) -> float:
    """Mean absolute difference of two pictures seen slightly blurred: mp4v's loss is fine
    ringing around edges (about 10 grey levels on 64×64 lines and text, 3 once blurred),
    while a box drawn or missing still differs by far more."""
    def blur(picture):
        return cv2.GaussianBlur(picture.astype(np.float32), (0, 0), 1.5)

    return float(np.abs(blur(a) - blur(b)).mean())


def test_probe_reports_frames_rate_and_size(clip):
    info = video.probe(str(clip))
    assert (info.frames, info.fps, info.width, info.height) == (FRAMES, FPS, SIDE, SIDE)
    reader = video.VideoReader(str(clip))
    try:  # a jump back and forth gives the frames a straight read gives
        straight = decode(clip)
        for k in (5, 6, 2, 11, 0):
            assert np.array_equal(reader.read(k), straight[k]), k
        with pytest.raises(WorkbenchError, match="outside the video"):
            reader.read(FRAMES)
    finally:
        reader.close()


def test_each_output_frame_is_that_frames_detections(detector, clip, tmp_path):
    model, _ = detector
    names = model.class_names
    inputs = decode(clip)
    threshold = threshold_for(model, inputs[0])
    out = tmp_path / "annotated.mp4"
    annotator = video.FrameAnnotator(model, "detect", names, score_threshold=threshold)
    seen = []
    summary = video.process_video(annotator, str(clip), str(out), batch_size=5,
                                  progress=lambda done, total: seen.append((done, total)))
    assert seen == [(5, FRAMES), (10, FRAMES), (12, FRAMES)]  # batches of 5, then the rest
    assert (summary["frames"], summary["processed"], summary["fps_in"]) == (FRAMES, FRAMES, FPS)
    assert summary["processing_fps"] > 0 and summary["out"] == str(out)
    written = decode(out)
    assert len(written) == FRAMES and written[0].shape == (SIDE, SIDE, 3)
    found = [inference.detect(model, frame, threshold)[0] for frame in inputs]
    counts = [len(selected["scores"]) for selected in found]
    assert [entry["frame"] for entry in summary["per_frame"]] == list(range(FRAMES))
    assert [entry["objects"] for entry in summary["per_frame"]] == counts
    assert sum(counts) > FRAMES and len(set(counts)) > 1  # boxes drawn, and not the same everywhere
    for k, frame in enumerate(inputs):
        own = mean_error(written[k], inference.draw_detections(frame, found[k], names))
        assert own < 6.0, k  # mp4v's loss
        # the same frame with no boxes, or with another frame's boxes, is further off
        assert own < mean_error(written[k], frame) - 5.0, k
        other = next(j for j in range(FRAMES) if counts[j] != counts[k])
        assert own < mean_error(written[k], inference.draw_detections(frame, found[other], names)) - 4.0, k


def test_every_nth_frame_goes_through_the_network(detector, clip, tmp_path):
    model, _ = detector
    inputs = decode(clip)
    annotator = video.FrameAnnotator(model, "detect", model.class_names, score_threshold=0.0)
    given = []
    original = annotator.infer
    annotator.infer = lambda frames: given.extend(frames) or original(frames)
    summary = video.process_video(annotator, str(clip), str(tmp_path / "every.mp4"), every=5,
                                  batch_size=2)
    assert [entry["frame"] for entry in summary["per_frame"]] == [0, 5, 10]
    assert (summary["frames"], summary["processed"]) == (FRAMES, 3)
    # batches of two: (0, 5), then 10 padded with itself to keep the network's input shape
    assert len(given) == 4 and all(np.array_equal(g, inputs[k]) for g, k in zip(given, (0, 5, 10, 10)))
    assert len(decode(tmp_path / "every.mp4")) == FRAMES  # the frames between are kept


def test_segmenter_paints_each_frames_class_map(segmenter, clip, tmp_path, capsys):
    model, path = segmenter
    names = model.class_names
    inputs = decode(clip)
    annotator = video.FrameAnnotator(model, "segment", names, alpha=0.6)
    summary = video.process_video(annotator, str(clip), str(tmp_path / "seg.mp4"), batch_size=4)
    written = decode(tmp_path / "seg.mp4")
    assert len(written) == FRAMES
    for k in (0, 7, 11):
        class_map = inference.segment(model, inputs[k])
        expected = inference.draw_segmentation(inputs[k], class_map, names, 0.6)
        assert mean_error(written[k], expected) < 6.0
        assert mean_error(written[k], inputs[k]) > mean_error(written[k], expected) + 3.0
        shares = summary["per_frame"][k]["pixel_share"]
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
        background = float(np.mean(class_map == 0))
        assert shares.get("background", 0.0) == pytest.approx(background, abs=1e-3)
    # the command gives the same summary
    assert main(["segment", str(path), "--video", str(clip), "--out", str(tmp_path / "cli.mp4"),
                 "--alpha", "0.6", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["per_frame"] == summary["per_frame"] and len(decode(tmp_path / "cli.mp4")) == FRAMES
    assert main(["segment", str(path), "--video", str(clip), "--out", str(tmp_path / "m.mp4"),
                 "--mask", str(tmp_path / "m.png")]) == 1
    assert "--mask goes with --image" in capsys.readouterr().err


def test_a_stopped_run_writes_nothing(detector, clip, tmp_path):
    model, _ = detector
    annotator = video.FrameAnnotator(model, "detect", model.class_names)
    calls = []
    summary = video.process_video(annotator, str(clip), str(tmp_path / "stopped.mp4"), batch_size=2,
                                  should_stop=lambda: calls.append(1) or len(calls) > 5)
    assert summary["cancelled"] and summary["out"] is None and summary["frames"] == 4
    assert os.listdir(tmp_path) == []  # neither the video nor a temporary


def test_no_camera_is_a_sentence(monkeypatch):
    monkeypatch.setattr(video.glob, "glob", lambda pattern: [])
    assert video.cameras() == []
    with pytest.raises(WorkbenchError, match="^no camera found"):
        video.require_camera()


def test_detect_video_command(detector, clip, tmp_path, capsys):
    _, path = detector
    out = tmp_path / "out.mp4"
    argv = ["detect", str(path), "--video", str(clip), "--out", str(out), "--every", "4",
            "--score-threshold", "0.5", "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["frames"], report["fps_in"], report["processed"]) == (FRAMES, FPS, 3)
    assert [entry["frame"] for entry in report["per_frame"]] == [0, 4, 8]
    assert report["processing_fps"] > 0 and len(decode(out)) == FRAMES
    assert main(argv) == 1  # --out exists
    assert capsys.readouterr().err.strip().endswith(f"{out} exists; add --force to replace it")
    assert main(argv + ["--force"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("content, why", [
    (b"this is not a video\n", "cannot be read as a video"),
    (b"", "is empty (0 bytes)"),
    (None, "cannot be read as a video"),  # an mp4 container that OpenCV wrote no frame into
])
def test_bad_videos_get_one_sentence(detector, tmp_path, capsys, content, why):
    _, path = detector
    bad = tmp_path / "bad.mp4"
    if content is None:
        write_clip(bad, [])
    else:
        bad.write_bytes(content)
    assert main(["detect", str(path), "--video", str(bad), "--out", str(tmp_path / "o.mp4")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and why in err[0] and str(bad) in err[0]
    assert not (tmp_path / "o.mp4").exists()


def test_image_or_video_exactly_one(detector, clip, tmp_path, capsys):
    _, path = detector
    for extra in ([], ["--image", str(clip), "--video", str(clip)]):
        with pytest.raises(SystemExit) as exit_info:
            main(["detect", str(path), "--out", str(tmp_path / "o.mp4"), *extra])
        assert exit_info.value.code == 2
    assert "one of the arguments --image --video is required" in capsys.readouterr().err


def test_video_view_opens_seeks_plays_and_saves(qtbot, detector, clip, tmp_path):
    """The Detect tab's Video page: each shown frame is that frame's detections drawn at the
    shown size (never the GUI thread's work), playing stops at the end, saving writes all."""
    from ui.panels.detect_panel import DetectPanel
    from ui.session import Session
    from ui.widgets.detect.video_view import shown_size

    # a full-HD frame reaches the GUI thread reduced to the view; a tiny one enlarged ×8
    assert shown_size(1080, 1920, (500, 800)) == (450, 800)
    assert shown_size(64, 64, (600, 700)) == (512, 512) and shown_size(64, 64, (200, 700)) == (192, 192)
    model, _ = detector
    session = Session()
    panel = DetectPanel(session)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.score.setValue(21)
    session.set_model(model, class_names=model.class_names)
    view = panel.video_view
    panel.views.setCurrentWidget(view)
    view.open_video(str(clip))
    qtbot.waitUntil(lambda: view.view.pixels is not None and not view._pending, timeout=60_000)
    assert view.counter.text().startswith("frame 1 / 12") and "FPS" in view.fps_label.text()
    view.slider.setValue(7)
    qtbot.waitUntil(lambda: view.index == 7 and not view._pending, timeout=60_000)
    shown = view.view.pixels
    assert shown.shape[0] > SIDE and shown.shape[0] % SIDE == 0  # enlarged by a whole factor
    frame = decode(clip)[7]
    annotator = video.FrameAnnotator(model, "detect", model.class_names, score_threshold=0.21)
    found, _ = inference.detect(model, frame, 0.21)
    assert len(found["scores"]) and view.view.caption.startswith(f"{len(found['scores'])} detection(s)")
    assert np.array_equal(shown, annotator.draw(frame, found, shown.shape[:2]))
    view.toggle_play()
    qtbot.waitUntil(lambda: not view.playing, timeout=60_000)
    assert view.index == FRAMES - 1 and view.counter.text().startswith("frame 12 / 12")
    view.save(str(tmp_path / "saved.mp4"))
    qtbot.waitUntil(lambda: not view._saving, timeout=60_000)
    assert "Saved 12 frames" in view.status.text() and len(decode(tmp_path / "saved.mp4")) == FRAMES
    panel.shutdown()


def test_explain_video_draws_each_frames_gradcam(clip, tmp_path, capsys):
    import keras

    from workbench import catalog
    from workbench.data.base import DataInfo
    from workbench.data.images import fit_image
    from workbench.xai import explain, overlay

    keras.utils.set_random_seed(5)
    entry = catalog.get("lenet")
    model = entry.build(entry.resolve({}), DataInfo("clip", "image", "classification", (32, 32, 3),
                                                     ("a", "b", "c")))
    model.save(tmp_path / "lenet.keras")
    out = tmp_path / "gradcam.mp4"
    assert main(["explain", str(tmp_path / "lenet.keras"), "--video", str(clip), "--out", str(out),
                 "--alpha", "0.6", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["frames"], report["processed"]) == (FRAMES, FRAMES)
    written, inputs = decode(out), decode(clip)
    for k in (0, 6, 11):
        result = explain(model, fit_image(inputs[k].astype(np.float32) / 255.0, (32, 32, 3)), "gradcam")
        assert report["per_frame"][k]["class"] == str(result.class_index)  # a bare .keras: no names
        heat = overlay(inputs[k], result.heatmap, 0.6)
        heat[:12] = written[k][:12]  # the class label's strip
        assert mean_error(written[k], heat) < 6.0 < mean_error(written[k], inputs[k])
    assert main(["explain", str(tmp_path / "lenet.keras"), "--video", str(clip), "--out",
                 str(tmp_path / "x.mp4"), "--method", "saliency"]) == 1
    assert "--method gradcam" in capsys.readouterr().err
