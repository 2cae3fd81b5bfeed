"""Detection, segmentation and Grad-CAM on a video, frame by frame.

OpenCV reads the video (``cv2.VideoCapture``) on a reader thread that runs a few frames
ahead of the network through a bounded queue, so decoding overlaps inference; the
caller's worker consumes the frames, runs the network on batches of them, draws, and
writes the annotated video with ``cv2.VideoWriter`` (mp4v) to a temporary file beside
the target that is renamed into place only when it is complete.

With ``every = N`` the network sees frames 0, N, 2N, ...; the frames between carry the
latest result drawn over them, so the output keeps the input's length and frame rate
(what a live detector that cannot keep up shows). ``FrameAnnotator`` is the per-frame
work shared by ``process_video`` (CLI, "Save annotated video") and the Detect tab's
player, which reads single frames through ``VideoReader``.
"""

from __future__ import annotations

import glob
import os
import queue
import re
import threading
import time
from dataclasses import asdict, dataclass

import numpy as np

from workbench.errors import WorkbenchError

MODES = ("detect", "segment", "gradcam")
#: MPEG-4 Part 2: the codec every OpenCV wheel can write without extra libraries.
FOURCC = "mp4v"
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".avi")
#: Frames the reader thread may decode ahead of the network (bounded: a 4K frame is 25 MB).
READ_AHEAD = 8
#: Frames held before they are drawn and written, whatever ``every`` and the batch are.
MAX_BUFFERED = 32
#: A rate the container does not state (some AVI and camera streams) is taken as this.
DEFAULT_FPS = 25.0


@dataclass(frozen=True)
class VideoInfo:
    path: str
    frames: int
    fps: float
    width: int
    height: int

    def as_dict(self) -> dict:
        return asdict(self)


def _capture(source):
    """An opened ``cv2.VideoCapture`` of a file path or a camera index."""
    # FFmpeg prints its own complaint ("moov atom not found") to stderr before OpenCV
    # answers; the user gets our sentence instead. Read when the backend first opens.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    import cv2

    if isinstance(source, (int, np.integer)):
        capture = cv2.VideoCapture(int(source))
        if not capture.isOpened():
            raise WorkbenchError(f"camera {source} does not open (in use by another program, "
                                 "or unplugged)")
        return capture
    path = str(source)
    if not os.path.isfile(path):
        raise WorkbenchError(f"video file not found: {path}")
    if os.path.getsize(path) == 0:
        raise WorkbenchError(f"{path} is empty (0 bytes), not a video")
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        capture.release()
        raise WorkbenchError(f"{path} cannot be read as a video: OpenCV's reader does not "
                             "recognise it (a damaged file, or not a video)")
    return capture


def _rgb(bgr: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(bgr, cv2.COLOR_GRAY2RGB if bgr.ndim == 2 else cv2.COLOR_BGR2RGB)


def probe(path: str) -> VideoInfo:
    """Frame count, rate and size of a video file; a sentence when it cannot be read."""
    import cv2

    capture = _capture(path)
    try:
        frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        ok, first = capture.read()
        if not ok or first is None:
            raise WorkbenchError(f"{path} holds no frames (an empty video)")
        if frames <= 0:  # a stream without an index: count by decoding
            frames = 1
            while capture.grab():
                frames += 1
    finally:
        capture.release()
    if not np.isfinite(fps) or fps <= 0:
        fps = DEFAULT_FPS
    return VideoInfo(os.path.abspath(path), frames, fps, int(first.shape[1]), int(first.shape[0]))


def read_frames(source, read_ahead: int = READ_AHEAD, limit: int | None = None):
    """Yield ``(index, RGB uint8 frame)`` of a video file or camera, decoded on a thread.

    The reader runs at most ``read_ahead`` frames ahead of the consumer; closing the
    generator (or an exception in the consumer) stops and joins the reader. ``limit``
    ends a camera's endless stream after that many frames.
    """
    capture = _capture(source)  # a bad file fails here, in the caller's thread
    frames: queue.Queue = queue.Queue(maxsize=max(1, read_ahead))
    halt, end = threading.Event(), object()

    def put(item) -> None:
        while not halt.is_set():
            try:
                frames.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def reader() -> None:
        try:
            index = 0
            while not halt.is_set() and (limit is None or index < limit):
                ok, bgr = capture.read()
                if not ok or bgr is None:
                    break
                put((index, _rgb(bgr)))
                index += 1
        except Exception as error:  # noqa: BLE001 - re-raised in the consumer's thread
            put(error)
        finally:
            capture.release()
            put(end)

    thread = threading.Thread(target=reader, name="video-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = frames.get()
            if item is end:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        halt.set()
        thread.join(timeout=5.0)


class _Device:
    """An OpenCV capture read under a lock, released once by ``close()``."""

    _capture = None
    _lock: threading.Lock

    def close(self) -> None:
        with self._lock:
            if self._capture is not None:
                self._capture.release()
                self._capture = None


class VideoReader(_Device):
    """Random access to a video's frames for a player: sequential reads stay cheap,
    a jump seeks. Use it from one thread at a time (the GUI's model lane)."""

    def __init__(self, path: str):
        self.info = probe(path)
        self._capture = _capture(path)
        self._next = 0
        self._lock = threading.Lock()

    def read(self, index: int) -> np.ndarray:
        import cv2

        index = int(index)
        if not 0 <= index < self.info.frames:
            raise WorkbenchError(f"frame {index} is outside the video (0..{self.info.frames - 1})")
        with self._lock:
            if self._capture is None:
                raise WorkbenchError(f"{self.info.path} is closed")
            if index != self._next:
                self._capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            ok, bgr = self._capture.read()
            self._next = index + 1 if ok else -1
        if not ok or bgr is None:
            raise WorkbenchError(f"frame {index} of {self.info.path} cannot be decoded")
        return _rgb(bgr)


class CameraReader(_Device):
    """A camera as the player reads it: the next frame whatever index is asked (no seeking);
    ``info.frames`` is 0 (a live stream)."""

    def __init__(self, index: int):
        import cv2

        self._capture = _capture(int(index))
        fps = float(self._capture.get(cv2.CAP_PROP_FPS))
        width, height = (int(self._capture.get(p)) for p in (cv2.CAP_PROP_FRAME_WIDTH,
                                                             cv2.CAP_PROP_FRAME_HEIGHT))
        self.info = VideoInfo(f"camera {index}", 0, fps if np.isfinite(fps) and fps > 0 else DEFAULT_FPS,
                              width, height)
        self._lock = threading.Lock()

    def read(self, index: int = 0) -> np.ndarray:
        with self._lock:
            ok, bgr = self._capture.read() if self._capture is not None else (False, None)
        if not ok or bgr is None:
            raise WorkbenchError(f"{self.info.path} delivers no more frames")
        return _rgb(bgr)



def resize_frame(frame: np.ndarray, size) -> np.ndarray:
    """``frame`` at ``size`` ``(H, W)``: enlarged with crisp pixels, reduced by area."""
    import cv2

    height, width = (int(v) for v in size)
    if frame.shape[:2] == (height, width):
        return frame
    enlarge = height >= frame.shape[0]
    return cv2.resize(frame, (width, height), interpolation=cv2.INTER_NEAREST if enlarge else cv2.INTER_AREA)


def cameras(max_index: int = 8) -> list[int]:
    """Indices of the camera devices that open and deliver a frame.

    On Linux the candidates are the ``/dev/videoN`` nodes (so nothing is probed on a
    machine without one); elsewhere indices ``0 .. max_index - 1`` are tried.
    """
    import cv2

    if os.path.isdir("/dev"):
        nodes = glob.glob("/dev/video*")
        candidates = sorted(int(m.group(1)) for n in nodes if (m := re.fullmatch(r"/dev/video(\d+)", n)))
    else:
        candidates = list(range(max_index))
    found = []
    for index in candidates:
        capture = cv2.VideoCapture(index)
        try:
            if capture.isOpened() and capture.read()[0]:
                found.append(index)
        finally:
            capture.release()
    return found


def require_camera(index: int | None = None) -> int:
    """The camera to use (the first that opens, or ``index``); a sentence when none does."""
    found = cameras()
    if not found:
        raise WorkbenchError("no camera found: no video device opens on this machine "
                             "(open a video file instead)")
    if index is None:
        return found[0]
    if index not in found:
        raise WorkbenchError(f"camera {index} does not open; the cameras here are "
                             f"{', '.join(map(str, found))}")
    return index


class FrameAnnotator:
    """What happens to one frame: the network (on a batch of frames) and the drawing.

    ``mode`` is ``"detect"`` (boxes after the score threshold and per-class NMS, as
    ``inference.detect``), ``"segment"`` (a class map, as ``inference.segment``) or
    ``"gradcam"`` (a classifier's Grad-CAM of its predicted class over the frame).
    """

    def __init__(self, model, mode: str, class_names=(), score_threshold: float = 0.3,
                 iou_threshold: float = 0.5, alpha: float = 0.5, layer: str | None = None,
                 value_range: float = 1.0):
        if mode not in MODES:
            raise WorkbenchError(f"video mode {mode!r} is not one of {', '.join(MODES)}")
        if not 0.0 <= alpha <= 1.0:
            raise WorkbenchError(f"alpha {alpha} must be between 0 and 1")
        if mode == "detect" and (not callable(getattr(model, "predict_candidates", None))
                                 or getattr(model, "task", "detection") != "detection"):
            raise WorkbenchError(f"{getattr(model, 'name', 'this model')} is not a detector")
        self.model, self.mode, self.class_names = model, mode, tuple(class_names)
        self.score_threshold, self.iou_threshold = float(score_threshold), float(iou_threshold)
        self.alpha, self.layer, self.value_range = float(alpha), layer, float(value_range)
        if mode == "gradcam":
            from workbench.inference import image_input_shape
            from workbench.xai.common import check_layer

            self.input_shape = image_input_shape(model)
            self.layer = check_layer(model, layer)
        else:
            from workbench.detection.inference import input_size

            self.size = input_size(model)

    def infer(self, frames: list[np.ndarray]) -> list:
        """One result per RGB uint8 frame, in the frame's own pixels."""
        if not frames:
            return []
        if self.mode == "gradcam":
            return [self._explain(frame) for frame in frames]
        from workbench.detection import inference

        prepared = [inference.prepare_image(frame, self.size) for frame in frames]
        batch = np.stack([image for image, _ in prepared])
        if self.mode == "segment":
            import cv2

            maps = inference.segment_batch(self.model, batch, batch_size=len(batch))
            return [class_map if class_map.shape == (h, w) else
                    cv2.resize(class_map, (w, h), interpolation=cv2.INTER_NEAREST)
                    for class_map, (_, (h, w)) in zip(maps, prepared)]
        candidates = self.model.predict_candidates(batch)
        return [inference.rescale(inference.select(c, self.score_threshold, self.iou_threshold),
                                  self.size, original)
                for c, (_, original) in zip(candidates, prepared)]

    def _explain(self, frame: np.ndarray) -> dict:
        from workbench.data.images import fit_image
        from workbench.xai import explain

        picture = fit_image(frame.astype(np.float32) / 255.0, tuple(self.input_shape))
        result = explain(self.model, picture * np.float32(self.value_range), "gradcam", layer=self.layer)
        return {"heatmap": result.heatmap, "class_index": result.class_index,
                "probability": float(result.probabilities[result.class_index])}

    def name(self, label: int) -> str:
        return self.class_names[label] if 0 <= label < len(self.class_names) else str(int(label))

    def draw(self, frame: np.ndarray, result, size: tuple[int, int] | None = None) -> np.ndarray:
        """``frame`` (RGB uint8) with ``result`` drawn over it; ``None`` draws nothing.

        ``size`` ``(H, W)``: resize the frame (and the result with it) first, so that a
        player draws boxes and labels at the size it shows them, legible at any scale.
        """
        import cv2

        from workbench.detection import inference

        if size is not None and tuple(size) != frame.shape[:2]:
            original, (height, width) = frame.shape[:2], (int(v) for v in size)
            frame = resize_frame(frame, (height, width))
            if result is not None and self.mode == "detect":
                result = inference.rescale(result, original, (height, width))
            elif result is not None and self.mode == "segment":
                result = cv2.resize(result, (width, height), interpolation=cv2.INTER_NEAREST)
        if result is None:
            return frame
        if self.mode == "detect":
            return inference.draw_detections(frame, result, self.class_names)
        if self.mode == "segment":
            return inference.draw_segmentation(frame, result, self.class_names, self.alpha)
        from workbench.xai.overlay import overlay

        canvas = overlay(frame, result["heatmap"], self.alpha)
        text = f"{self.name(result['class_index'])} {result['probability']:.2f}"
        scale = max(0.3, max(canvas.shape[:2]) / 800)
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        cv2.rectangle(canvas, (0, 0), (tw + 2, th + base), (255, 255, 255), -1)
        cv2.putText(canvas, text, (1, th), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 1, cv2.LINE_AA)
        return canvas

    def summary(self, result) -> dict:
        """What a processed frame showed, for ``--json`` and the player's status line."""
        if self.mode == "detect":
            labels = [self.name(int(v)) for v in result["labels"]]
            return {"objects": len(labels), "classes": {n: labels.count(n) for n in sorted(set(labels))},
                    "best_score": float(np.max(result["scores"])) if len(labels) else None}
        if self.mode == "segment":
            values, counts = np.unique(result, return_counts=True)
            return {"pixel_share": {("background" if v == 0 else self.name(int(v) - 1)):
                                    round(float(c) / result.size, 4) for v, c in zip(values, counts)}}
        return {"class": self.name(result["class_index"]), "probability": round(result["probability"], 4)}


def processed(index: int, every: int) -> bool:
    """Whether frame ``index`` goes through the network with ``every``."""
    return index % every == 0


def process_video(annotator: FrameAnnotator, source, out_path: str, every: int = 1,
                  batch_size: int = 4, progress=None, should_stop=None, limit: int | None = None) -> dict:
    """Annotate every frame of ``source`` (a video path, or a camera index with ``limit``)
    and write the result to ``out_path`` (mp4v), atomically.

    ``progress(done, total)`` is called after each written group of frames and
    ``should_stop()`` checked before each frame: a stopped run writes nothing. Returns
    ``dict(frames, fps_in, width, height, every, processed, processing_fps,
    inference_fps, overall_fps, per_frame, cancelled, out)``: ``processing_fps`` is
    frames written per second of network + drawing + encoding, ``inference_fps`` frames
    through the network per second of network, ``overall_fps`` frames per wall-clock
    second (decoding included); ``per_frame`` has one summary per processed frame.
    """
    import cv2

    from workbench.runs.atomic import atomic_path

    if every < 1:
        raise WorkbenchError(f"every {every} must be 1 or more (1 = every frame)")
    if batch_size < 1:
        raise WorkbenchError(f"batch size {batch_size} must be 1 or more")
    if not str(out_path).lower().endswith(VIDEO_SUFFIXES):
        raise WorkbenchError(f"{out_path} must end in {', '.join(VIDEO_SUFFIXES)} (an mp4v video)")
    if isinstance(source, (int, np.integer)):
        if limit is None:
            raise WorkbenchError("a camera needs a frame limit to record")
        probe_capture = _capture(source)
        fps = float(probe_capture.get(cv2.CAP_PROP_FPS)) or DEFAULT_FPS
        probe_capture.release()
        total = int(limit)
    else:
        info = probe(source)
        fps, total = info.fps, info.frames if limit is None else min(info.frames, int(limit))
    started = time.perf_counter()

    class Stopped(Exception):
        pass

    try:
        with atomic_path(out_path) as tmp:
            writer = _AnnotatedWriter(annotator, tmp, out_path, fps, every, batch_size)
            frames = read_frames(source, limit=limit)
            try:
                for index, frame in frames:
                    if should_stop is not None and should_stop():
                        raise Stopped
                    if writer.add(index, frame) and progress is not None:
                        progress(writer.summary["frames"], total)
                if writer.flush() and progress is not None:
                    progress(writer.summary["frames"], total)
            finally:
                frames.close()
                writer.release()
            if writer.summary["frames"] == 0:
                raise WorkbenchError(f"{source} holds no frames (an empty video)")
    except Stopped:
        return {**writer.summary, "cancelled": True}
    return writer.finish(time.perf_counter() - started, os.path.abspath(out_path))


class _AnnotatedWriter:
    """Frames in, annotated frames out to ``cv2.VideoWriter``: held until a batch of them
    is due for the network, then run, drawn and encoded in order."""

    def __init__(self, annotator: FrameAnnotator, tmp: str, out_path: str, fps: float, every: int,
                 batch_size: int):
        self.annotator, self.tmp, self.out_path = annotator, tmp, out_path
        self.fps, self.every, self.batch_size = fps, every, batch_size
        self.buffer: list[tuple[int, np.ndarray]] = []
        self.latest = None  # the newest processed frame's result, drawn over the frames after it
        self.writer = None
        self.network_s = self.work_s = 0.0
        self.summary = {"frames": 0, "fps_in": fps, "width": 0, "height": 0, "every": every,
                        "processed": 0, "processing_fps": None, "inference_fps": None,
                        "overall_fps": None, "per_frame": [], "cancelled": False, "out": None}

    def add(self, index: int, frame: np.ndarray) -> bool:
        """Hold ``frame``; True when that completed a batch (which is then written)."""
        self.buffer.append((index, frame))
        due = sum(processed(i, self.every) for i, _ in self.buffer)
        return (due >= self.batch_size or len(self.buffer) >= MAX_BUFFERED) and self.flush()

    def flush(self) -> bool:
        """Run, draw and encode the held frames; False when none were held."""
        import cv2

        if not self.buffer:
            return False
        chosen = [frame for index, frame in self.buffer if processed(index, self.every)]
        began = time.perf_counter()
        # a short batch is padded with its last frame: one input shape, so the network's
        # traced graph is reused instead of traced again for the new size
        short = 0 < len(chosen) < self.batch_size and self.annotator.mode != "gradcam"
        padding = [chosen[-1]] * (self.batch_size - len(chosen)) if short else []
        results = iter(self.annotator.infer(chosen + padding)[:len(chosen)])
        self.network_s += time.perf_counter() - began
        for index, frame in self.buffer:
            if processed(index, self.every):
                self.latest = next(results)
                self.summary["per_frame"].append({"frame": index, **self.annotator.summary(self.latest)})
            drawn = self.annotator.draw(frame, self.latest)
            if self.writer is None:
                self.writer = _writer(self.tmp, self.out_path, self.fps, drawn.shape[1], drawn.shape[0])
                self.summary["width"], self.summary["height"] = int(drawn.shape[1]), int(drawn.shape[0])
            self.writer.write(cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
        self.work_s += time.perf_counter() - began
        self.summary["processed"] += len(chosen)
        self.summary["frames"] += len(self.buffer)
        self.buffer.clear()
        return True

    def release(self) -> None:
        if self.writer is not None:
            self.writer.release()

    def finish(self, elapsed: float, out: str) -> dict:
        summary, frames = self.summary, self.summary["frames"]
        # a clock too coarse to see the work gives no rate (JSON has no infinity)
        summary["processing_fps"] = round(frames / self.work_s, 3) if self.work_s > 0 else None
        summary["inference_fps"] = round(summary["processed"] / self.network_s, 3) if self.network_s > 0 else None
        summary["overall_fps"] = round(frames / elapsed, 3) if elapsed > 0 else None
        summary["network_s"], summary["elapsed_s"] = round(self.network_s, 4), round(elapsed, 4)
        summary["out"] = out
        return summary


def _writer(tmp: str, out_path: str, fps: float, width: int, height: int):
    import cv2

    writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*FOURCC), float(fps), (int(width), int(height)))
    if not writer.isOpened():
        raise WorkbenchError(f"cannot write the video {out_path}: OpenCV's {FOURCC} writer refused it "
                             "(try a .mp4 name in a writable folder)")
    return writer
