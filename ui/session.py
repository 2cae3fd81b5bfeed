"""What the panels share: the data, the chosen model entry, the trained model.

Panels never call each other; they change the session and listen to its signals.
The session holds state only: no threads, no TensorFlow calls.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject, Signal


class Session(QObject):
    dataset_changed = Signal(object)  # workbench.data.base.Dataset
    entry_changed = Signal(object)  # workbench.catalog.Entry
    hparams_changed = Signal(dict)
    model_changed = Signal(object)  # a keras.Model (or None)
    tf_ready = Signal(str)  # the default device, once TensorFlow has loaded
    message = Signal(str)  # a line for the status bar
    error = Signal(str)  # a WorkbenchError's sentence for a dialog
    image_requested = Signal(str)  # an image file to explain (menu or drop)
    #: A sample to explain: ``{"index": i}`` (a validation sample of ``dataset``) or
    #: ``{"image": array, "caption": text}`` (a sample of data the session has not loaded).
    explain_requested = Signal(object)
    panel_requested = Signal(str)  # a panel's class name: the window shows that tab

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.tf_loaded = False
        self.device = ""
        self.devices: list[dict] = []
        self.dataset = None
        self.data_source = ""  # a registry name or a path, as TrainConfig.data expects
        self.data_options: dict = {}
        self.val_split = 0.2
        self.entry = None
        self.hparams: dict = {}  # raw values from the form; parsed when a run starts
        self.model = None
        self.model_path = ""
        self.model_source = ""  # "trained" or "file"
        self.class_names: tuple[str, ...] = ()
        self.run_dir = ""
        #: Where new runs are written ("" = the core's default); the window sets the runs
        #: folder of the Preferences (``ui.settings``) when this variable is not set.
        self.runs_root = os.environ.get("KERAS_WORKBENCH_RUNS", "")
        self.last_error = ""
        #: Start the next run's process while the window is idle (the application sets
        #: this; tests leave it off so that each window does not start a TensorFlow process).
        self.prewarm_runs = False

    # -- setters that panels call ------------------------------------------------
    def set_tf_ready(self, device: str, devices: list[dict]) -> None:
        self.tf_loaded, self.device, self.devices = True, device, devices
        self.tf_ready.emit(device)

    def set_dataset(self, dataset, source: str, options: dict, val_split: float) -> None:
        self.dataset, self.data_source = dataset, source
        self.data_options, self.val_split = dict(options), val_split
        self.dataset_changed.emit(dataset)

    def set_entry(self, entry) -> None:
        if entry is not self.entry:
            self.entry = entry
            self.hparams = {}
            self.entry_changed.emit(entry)

    def set_hparams(self, values: dict) -> None:
        self.hparams = dict(values)
        self.hparams_changed.emit(self.hparams)

    def set_model(self, model, path: str = "", class_names=(), source: str = "trained",
                  run_dir: str = "") -> None:
        self.model, self.model_path, self.model_source = model, path, source
        self.class_names = tuple(class_names)
        self.run_dir = run_dir
        self.model_changed.emit(model)

    def validation_images(self):
        """``(x_val, y_val)`` when the loaded data are labelled images, else ``None``
        (tables, or images annotated with boxes rather than one label each)."""
        data = self.dataset
        if data is None or data.info.kind != "image" or not hasattr(data, "x_val") or not len(data.x_val):
            return None
        return data.x_val, data.y_val

    def report(self, text: str) -> None:
        self.message.emit(text)

    def fail(self, text: str) -> None:
        self.last_error = text
        self.error.emit(text)

    def new_run_dir(self, model_name: str) -> str:
        """A fresh run directory under ``runs_root`` ("" lets the core choose its default)."""
        if not self.runs_root:
            return ""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = os.path.join(self.runs_root, f"{stamp}-{model_name}")
        suffix = 1
        while os.path.exists(path):
            suffix += 1
            path = os.path.join(self.runs_root, f"{stamp}-{model_name}-{suffix}")
        return path
