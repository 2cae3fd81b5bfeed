"""The Detect tab's video page: play, pause and seek through a video with the current
detector, segmenter (or a classifier's Grad-CAM) applied to each frame.

Every frame is read, run through the network and drawn on the model lane (one worker
thread); only the picture, already reduced (or enlarged by a whole factor) to the size
it is shown at, reaches the GUI thread. Playback asks for the next frame when the
previous one is shown, paced to the video's rate, so a slow network plays slower
instead of queueing work. "Save annotated video…" runs ``workbench.detection.video.
process_video`` on the same lane with a progress bar and Cancel.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QSlider, QSpinBox, QVBoxLayout, QWidget)

from ui.bridge import run_in_background
from ui.widgets.image_view import ImageView
from workbench.errors import WorkbenchError

#: The detect panel's model kinds -> ``FrameAnnotator`` modes (a classifier: Grad-CAM).
MODES = {"detection": "detect", "segmentation": "segment"}
#: Small videos are enlarged by a whole factor up to about this side, so labels are legible.
ENLARGE_TO = 512
#: The open dialog's video patterns (the description is translated where the filter is built).
VIDEO_PATTERNS = "*.mp4 *.m4v *.mov *.avi *.mkv *.webm"


@dataclass
class Rendered:
    """One frame as the GUI shows it."""

    index: int
    rgb: np.ndarray
    ms: float  # network + drawing
    summary: dict | None


def shown_size(height: int, width: int, area: tuple[int, int]) -> tuple[int, int]:
    """The size a frame is drawn at: reduced to fit ``area`` ``(H, W)``, or enlarged by a
    whole factor (crisp pixels) while it fits and stays under ``ENLARGE_TO``."""
    scale = min(area[0] / height, area[1] / width)
    if scale < 1.0:
        return max(1, int(height * scale)), max(1, int(width * scale))
    factor = max(1, min(int(scale), ENLARGE_TO // max(height, width)))
    return height * factor, width * factor


def render(reader, annotator, index: int, area: tuple[int, int]) -> Rendered:
    """Worker: read frame ``index``, run the network, draw at the shown size."""
    frame = reader.read(index)
    size = shown_size(*frame.shape[:2], area)
    if annotator is None:
        from workbench.detection.video import resize_frame

        return Rendered(index, resize_frame(frame, size), 0.0, None)
    start = time.perf_counter()
    result = annotator.infer([frame])[0]
    rgb = annotator.draw(frame, result, size)
    return Rendered(index, rgb, (time.perf_counter() - start) * 1000.0, annotator.summary(result))


class VideoView(QWidget):
    """Open a video, play / pause / seek, see each frame annotated, save them all.

    ``panel`` is the Detect panel: its session's model, its kind, its class names, its
    score / NMS / opacity sliders and its model lane are what the frames are run with.
    """

    def __init__(self, panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.panel = panel
        self.reader = None
        self.info = None
        self.index = 0
        self.playing = False
        self._pending = False
        self._annotator_key = None
        self._annotator = None
        self._fps_ms: float | None = None  # moving average of network + drawing time
        self._last_shown = 0.0
        self._cancel = threading.Event()
        self._progress = [0, 0]
        self._saving = False
        self._model_error = False
        self._build()
        panel.session.model_changed.connect(self._model_changed)
        for name in ("score", "iou", "opacity"):
            slider = getattr(panel, name, None)
            if slider is not None:
                slider.valueChanged.connect(lambda _v: self.refresh())
        self._update()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        open_button = QPushButton(self.tr("Open video…"))
        open_button.setToolTip(self.tr("A video file (.mp4, .avi, .mov, …) read with OpenCV"))
        open_button.clicked.connect(self.open_dialog)
        camera = QPushButton(self.tr("Camera"))
        camera.setToolTip(self.tr("Use the first camera that opens"))
        camera.clicked.connect(self.open_camera)
        self.file_label = QLabel(self.tr("No video"))
        self.file_label.setWordWrap(True)
        self.view = ImageView(self.tr("Open a video file: each frame is run through the model as it plays."))
        self.play_button = QPushButton(self.tr("▶ Play"))
        self.play_button.setToolTip(self.tr("Play from the frame shown / pause"))
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip(self.tr("Seek: the frame under the handle is run through the model"))
        self.slider.valueChanged.connect(self.seek)
        self.counter = QLabel(self.tr("frame {0} / {1}").format(0, 0))
        self.fps_label = QLabel("")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.every = QSpinBox()
        self.every.setRange(1, 1000)
        self.every.setPrefix(self.tr("network on 1 frame in "))
        self.every.setToolTip(self.tr("Saving: frames between those run show the latest result "
                                      "(faster on long videos)"))
        self.save_button = QPushButton(self.tr("Save annotated video…"))
        self.save_button.clicked.connect(self.save_dialog)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self._cancel.set)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self._poll = QTimer(self)
        self._poll.setInterval(200)
        self._poll.timeout.connect(self._show_progress)

        top = QHBoxLayout()
        top.addWidget(open_button)
        top.addWidget(camera)
        top.addWidget(self.file_label, 1)
        transport = QHBoxLayout()
        transport.addWidget(self.play_button)
        transport.addWidget(self.slider, 1)
        transport.addWidget(self.counter)
        save = QHBoxLayout()
        save.addWidget(self.every)
        save.addWidget(self.save_button)
        save.addWidget(self.progress, 1)
        save.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.view, 1)
        column.addLayout(transport)
        column.addWidget(self.fps_label)
        column.addWidget(self.status)
        column.addLayout(save)

    def _update(self) -> None:
        has_video = self.info is not None
        live = has_video and self.info.frames == 0
        self.play_button.setEnabled(has_video and not self._saving)
        self.play_button.setText(self.tr("❚❚ Pause") if self.playing else self.tr("▶ Play"))
        self.slider.setEnabled(has_video and not live and not self._saving)
        self.save_button.setEnabled(has_video and not live and not self._saving)
        self.every.setEnabled(not self._saving)
        self.cancel_button.setVisible(self._saving)
        self.progress.setEnabled(self._saving)
        if not self._saving:
            self.progress.setFormat("")

    # -- opening -----------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open video"), "",
            self.tr("Videos ({0})").format(VIDEO_PATTERNS) + ";;" + self.tr("All files ({0})").format("*"))
        if path:
            self.open_video(path)

    def open_video(self, path: str) -> None:
        """Probe and open ``path`` on a worker; the first frame is shown when it is read."""
        from workbench.detection.video import VideoReader

        self._say(self.tr("Opening {0}…").format(os.path.basename(path)))
        self._run(lambda: VideoReader(path), self._opened, key="video-open")

    def open_camera(self) -> None:
        from workbench.detection.video import CameraReader, require_camera

        self._run(lambda: CameraReader(require_camera()), self._opened, key="video-open")

    def _opened(self, reader) -> None:
        self.close_video()
        self.reader, self.info, self.index = reader, reader.info, 0
        self._fps_ms = None
        live = self.info.frames == 0
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, self.info.frames - 1))
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        name = os.path.basename(self.info.path) if not live else self.info.path
        info = self.info
        self.file_label.setText(
            self.tr("<b>{0}</b> · {1}×{2} · {3:.1f} FPS").format(name, info.width, info.height, info.fps) if live
            else self.tr("<b>{0}</b> · {1}×{2} · {3:.1f} FPS · {4} frames").format(
                name, info.width, info.height, info.fps, info.frames))
        self._say("")
        self._update()
        self.request(0)
        if live:
            self.toggle_play()

    def close_video(self) -> None:
        self.playing = False
        reader, self.reader, self.info = self.reader, None, None
        if reader is not None:  # closed on the lane, after any frame it is still reading
            self._run(reader.close, None, key=None)

    # -- frames ------------------------------------------------------------------------------
    def annotator(self):
        """The ``FrameAnnotator`` for the panel's model and sliders (None: plain frames);
        rebuilt only when one of them changed. Raises the sentence of a model it cannot use."""
        from workbench.detection.video import FrameAnnotator

        panel = self.panel
        model = panel.session.model
        if model is None:
            return None
        mode = MODES.get(getattr(panel, "kind", None) or "", "gradcam")
        score, iou = panel.thresholds() if hasattr(panel, "thresholds") else (0.3, 0.5)
        alpha = panel.opacity.value() / 100.0 if hasattr(panel, "opacity") else 0.5
        names = tuple(panel.class_names()) if hasattr(panel, "class_names") else ()
        key = (id(model), mode, score, iou, alpha, names)
        if key != self._annotator_key:
            self._annotator_key = key
            self._annotator = FrameAnnotator(model, mode, names, score_threshold=score,
                                             iou_threshold=iou, alpha=alpha)
        return self._annotator

    def request(self, index: int) -> None:
        """Show frame ``index`` (read, run and drawn on the model lane)."""
        if self.reader is None:
            return
        try:
            annotator = self.annotator()
            if self._model_error:
                self._say("")
            self._model_error = False
        except WorkbenchError as error:
            annotator, self._model_error = None, True
            self._say(self.tr("Frames shown without the model: {0}").format(error), error=True)
        reader, area = self.reader, (max(1, self.view.height() - 24), max(1, self.view.width()))
        self._pending = True
        self._run(lambda: render(reader, annotator, index, area), self._shown, key="video-frame")

    def _model_changed(self, _model) -> None:
        self._fps_ms = None
        QTimer.singleShot(0, self.refresh)  # after the panel has classified the new model

    def refresh(self) -> None:
        """The model or a slider changed: redraw the frame on screen (when paused)."""
        if self.reader is not None and not self.playing and not self._pending:
            self.request(self.index)

    def _shown(self, frame: Rendered) -> None:
        self._pending = False
        if self.info is None:
            return
        self.index = frame.index
        live = self.info.frames == 0
        if frame.summary is not None:
            self._fps_ms = frame.ms if self._fps_ms is None else 0.8 * self._fps_ms + 0.2 * frame.ms
        caption = _caption(frame.summary)
        self.view.set_image(frame.rgb, caption)
        self.slider.blockSignals(True)
        self.slider.setValue(frame.index)
        self.slider.blockSignals(False)
        total = self.tr("live") if live else f"{self.info.frames}"
        seconds = frame.index / self.info.fps
        self.counter.setText(self.tr("frame {0} / {1} · {2:5.1f} s").format(frame.index + 1, total, seconds))
        if self._fps_ms:
            self.fps_label.setText(self.tr("Processing: <b>{0:.1f} FPS</b> ({1:.1f} ms a frame: network + "
                                           "drawing) · the video runs at {2:.1f} FPS").format(
                1000.0 / self._fps_ms, self._fps_ms, self.info.fps))
        else:
            self.fps_label.setText(self.tr("No model: plain frames (train or open a detector, a segmenter "
                                           "or an image classifier for Grad-CAM)"))
        if self.playing:
            if not live and frame.index + 1 >= self.info.frames:
                self.playing = False
                self._update()
                return
            wait = 1000.0 / self.info.fps - (time.perf_counter() - self._last_shown) * 1000.0
            self._last_shown = time.perf_counter()
            QTimer.singleShot(max(0, int(wait)), self._next)

    def _next(self) -> None:
        if self.playing and self.reader is not None and not self._pending:
            self.request(self.index + 1)

    def toggle_play(self) -> None:
        if self.reader is None:
            return
        self.playing = not self.playing
        if self.playing:
            if self.info.frames and self.index + 1 >= self.info.frames:
                self.index = -1  # at the end: play from the start
            self._last_shown = time.perf_counter()
            if not self._pending:
                self.request(self.index + 1)
        self._update()

    def seek(self, index: int) -> None:
        if self.reader is not None:
            self.index = index
            self.request(index)

    # -- saving ------------------------------------------------------------------------------
    def save_dialog(self) -> None:
        if self.reader is None:
            return
        stem = os.path.splitext(os.path.basename(self.info.path))[0]
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save annotated video"), f"{stem}_annotated.mp4",
                                              self.tr("MPEG-4 video ({0})").format("*.mp4"))
        if path:
            self.save(path if path.lower().endswith(".mp4") else path + ".mp4")

    def save(self, path: str) -> None:
        """Annotate every frame into ``path`` (the file dialog asked before replacing)."""
        from workbench.detection.video import process_video
        from workbench.runs.outputs import check_output_path

        try:
            target = check_output_path(path, force=True, example="annotated.mp4")
            annotator = self.annotator()
        except WorkbenchError as error:
            self._say(str(error), error=True)
            return
        if annotator is None:
            self._say(self.tr("Choose a model first: saving writes the model's boxes, class maps or "
                              "Grad-CAM over every frame."), error=True)
            return
        self.playing = False
        self._saving = True
        self._cancel.clear()
        progress, cancel, source, every = self._progress, self._cancel, self.info.path, self.every.value()
        progress[:] = [0, self.info.frames]

        def work():
            return process_video(annotator, source, target, every=every,
                                 progress=lambda done, total: progress.__setitem__(slice(None), [done, total]),
                                 should_stop=cancel.is_set)

        self._poll.start()
        self._update()
        self._run(work, self._saved, key="video-save")

    def _show_progress(self) -> None:
        done, total = self._progress
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("{0} / {1} frames").format(done, total))

    def _saved(self, summary: dict) -> None:
        self._save_ended()
        if summary["cancelled"]:
            self._say(self.tr("Saving cancelled; nothing was written."))
            return
        rate = summary["processing_fps"] or 0.0
        self._say(self.tr("Saved {0} frames ({1} through the network, {2:.1f} FPS) to {3}").format(
            summary["frames"], summary["processed"], rate, summary["out"]))
        self.panel.session.report(self.tr("Saved the annotated video {0}").format(summary["out"]))

    def _save_ended(self) -> None:
        self._saving = False
        self._poll.stop()
        self._update()

    # -- plumbing ----------------------------------------------------------------------------
    def _run(self, fn, on_done, key):
        def failed(message: str) -> None:
            if key == "video-frame":
                self._pending = False
                self.playing = False
            elif key == "video-save":
                self._save_ended()
            self._say(message, error=True)
            self._update()

        return run_in_background(fn, on_done, failed, key=key, lane=getattr(self.panel, "TF_LANE", "tf"),
                                 owner=self)

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b03000" if error else "#202020"
        self.status.setText(f"<span style='color:{colour}'>{text}</span>" if text else "")

    def shutdown(self) -> None:
        """The window closes: stop a save, and release the file now (the reader's lock
        waits at most for the one frame being decoded)."""
        self._cancel.set()
        self.playing = False
        reader, self.reader, self.info = self.reader, None, None
        if reader is not None:
            reader.close()


def _caption(summary: dict | None) -> str:
    if summary is None:
        return ""
    if "objects" in summary:
        classes = ", ".join(f"{count} {name}" for name, count in summary["classes"].items())
        return QCoreApplication.translate("VideoView", "{0} detection(s)").format(summary["objects"]) \
            + (f": {classes}" if classes else "")
    if "pixel_share" in summary:
        return " · ".join(f"{name} {share:.0%}" for name, share in summary["pixel_share"].items())
    return QCoreApplication.translate("VideoView", "Grad-CAM of {0} (p={1:.2f})").format(
        summary["class"], summary["probability"])

