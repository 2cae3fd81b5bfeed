"""The Train tab: run settings, Start / Pause / Stop / Resume, progress, live curves and
the run's views (one tile per view name, ``ui/widgets/views/gallery.py``).

The run itself is ``workbench.training.job.run_training`` on a worker thread (through
``RunBridge``); Stop and Pause are flags it checks between batches, so the buttons
answer within one batch and the window never waits for TensorFlow.
"""

from __future__ import annotations

import functools
import os
import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from ui.actions import adopt_trained
from ui.bridge import RunBridge
from ui.panels.base import Panel
from ui.widgets.steer_box import SteerBox
from ui.widgets.views.gallery import ViewGallery
from workbench.errors import WorkbenchError
from workbench.training.eta import EtaEstimator


def hint_grey() -> str:
    """The grey of secondary text in the current theme (rich text is not restyled by it)."""
    from ui import theme

    return theme.HINT_GREYS[theme.current]


def format_seconds(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def stored_views(run_dir: str) -> list:
    """The views saved in ``run_dir`` (damaged ones left out: the Runs tab says why)."""
    from workbench.views.store import list_views, load_view

    views = []
    for info in list_views(run_dir):
        if info.kind != "damaged":
            try:
                views.append(load_view(run_dir, info.name))
            except WorkbenchError:
                continue  # damaged between the listing and the reading
    return views


class TrainPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Train")
    order = 30
    help = QT_TRANSLATE_NOOP("Panel", "Train the chosen model on the loaded data and watch the curves")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.bridge = RunBridge(self)
        self.run_dir = ""
        self.last_finished = None
        self._steps = 1
        self._initial_epoch = 0
        self._epochs = 1
        self._eta = EtaEstimator()  # a moving estimate, without the start-up's tracing
        self._build()
        self._connect_bridge()
        self._set_running(False)
        session.entry_changed.connect(self._entry_changed)

    def _entry_changed(self, entry) -> None:
        from workbench.training.job import loss_and_metrics

        if entry is not None and not self.bridge.running:
            self.epochs.setValue(entry.default_epochs)  # an RL "epoch" is not a pass over images
        if not self.bridge.running:  # a run's own curves stay until it ends
            # an entry with its own loop reports its own keys: their plots appear as they come
            known = [] if entry.trainer else ["loss", *loss_and_metrics(entry.task).get("metrics", [])]
            self.curves.reset(known)

    # -- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 100000)
        self.epochs.setValue(5)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 65536)
        self.batch_size.setValue(32)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("Random seed for weights, shuffling and the validation split"))
        self.device = QComboBox()
        self.device.addItem(self.tr("loading TensorFlow…"), "")
        self.device.setEnabled(False)
        self.strategy = QComboBox()
        # the item data is tf.distribute's name (the run's config); "one" is the only plain word
        for name, shown, tip in (
                ("one", self.tr("one"), self.tr("one device (the choice above)")),
                ("mirrored", "mirrored", self.tr("one replica per GPU, or per logical CPU device without GPUs")),
                ("multi-worker", "multi-worker", self.tr("worker processes on this machine, gradients all-reduced")),
                ("parameter-server", "parameter-server",
                 self.tr("asynchronous steps on workers, variables on a parameter server"))):
            self.strategy.addItem(shown, name)
            self.strategy.setItemData(self.strategy.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.strategy.setToolTip(self.tr("tf.distribute strategy; the global batch stays the batch size above"))
        self.workers = QSpinBox()
        self.workers.setRange(1, 16)
        self.workers.setValue(2)
        self.workers.setPrefix(self.tr("workers "))
        self.workers.setToolTip(self.tr("Replicas (mirrored) or worker processes (multi-worker, parameter-server)"))
        self.tensorboard = QCheckBox(self.tr("TensorBoard logs"))
        self.tensorboard.setChecked(True)
        self.tensorboard.setToolTip(self.tr("Write the run's curves as TensorBoard event files into RUN/tensorboard "
                                            "(open them with: tensorboard --logdir RUNS_FOLDER)"))
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setToolTip(self.tr("Train the model chosen in the Model tab on the data of the Data tab"))
        self.start_button.clicked.connect(self.start)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop after the current batch; the model and the last complete "
                                            "epoch's resume point are kept"))
        self.stop_button.clicked.connect(self.stop)
        self.resume_button = QPushButton(self.tr("Resume run…"))
        self.resume_button.setToolTip(self.tr("Continue a stopped or interrupted run from its run directory"))
        self.resume_button.clicked.connect(self.resume_dialog)

        settings = QFormLayout()
        settings.addRow(self.tr("Epochs"), self.epochs)
        settings.addRow(self.tr("Batch size"), self.batch_size)
        settings.addRow(self.tr("Seed"), self.seed)
        settings.addRow(self.tr("Device"), self.device)
        strategy_row = QHBoxLayout()
        strategy_row.addWidget(self.strategy, 1)
        strategy_row.addWidget(self.workers)
        settings.addRow(self.tr("Strategy"), strategy_row)
        settings.addRow("", self.tensorboard)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button, self.resume_button):
            buttons.addWidget(button)
        self.what = QLabel(self.tr("Choose data and a model, then press Start."))
        self.what.setWordWrap(True)
        column = QVBoxLayout()
        column.addLayout(settings)
        column.addLayout(buttons)
        column.addWidget(self.what)
        self.steer = SteerBox()  # learning rate, frozen blocks, early stopping while a run trains
        self.steer.requested.connect(self.steer_run)
        column.addWidget(self.steer)
        column.addStretch(1)
        box = QGroupBox(self.tr("Run"))
        box.setLayout(column)
        box.setMaximumWidth(380)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress_text = QLabel("")
        self._curves = None  # built on first use: pyqtgraph's import stays out of start-up
        right = QVBoxLayout()
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.progress_text)
        right.addLayout(progress_row)
        curves_host = QWidget()
        self._curves_slot = QVBoxLayout(curves_host)
        self._curves_slot.setContentsMargins(0, 0, 0, 0)
        self.gallery = ViewGallery(self.tr("What the model shows while it trains (attention maps, samples, "
                                           "embeddings, …) appears here, one tile per view."))
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(curves_host)
        self.split.addWidget(self.gallery)
        self.split.setSizes([640, 60])  # the gallery's hint needs a line until views arrive
        self._views_room = False
        right.addWidget(self.split, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(right, 1)

    @property
    def curves(self):
        """The live ``CurvePlot`` (created the first time it is needed)."""
        if self._curves is None:
            from ui.widgets.curve_plot import CurvePlot

            self._curves = CurvePlot()
            self._curves_slot.addWidget(self._curves)
        return self._curves

    def _connect_bridge(self) -> None:
        bridge = self.bridge
        bridge.started.connect(self._started)
        bridge.batches.connect(self._batches)
        bridge.epoch_end.connect(self._epoch_end)
        bridge.view.connect(self.show_view)
        bridge.status.connect(lambda text: self.session.report(self.tr("Training: {0}").format(text)))
        bridge.finished.connect(self._finished)
        bridge.result.connect(self._result)
        bridge.failed.connect(self._failed)
        bridge.running_changed.connect(self._set_running)
        bridge.steerable.connect(self.steer.offer)
        bridge.steered.connect(self._steered)
        # the next run's first views find spare renderers again
        bridge.running_changed.connect(lambda running: None if running else self._prewarm_views())

    def _set_running(self, running: bool) -> None:
        ready = self.session.tf_loaded
        self.start_button.setEnabled(ready and not running)
        self.resume_button.setEnabled(ready and not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.pause_button.setText(self.tr("Pause"))
        self.steer.set_running(running)
        for widget in (self.epochs, self.batch_size, self.seed, self.strategy, self.workers, self.tensorboard):
            widget.setEnabled(not running)
        self.device.setEnabled(ready and not running)

    def on_tf_ready(self) -> None:
        self.device.clear()
        for device in self.session.devices:
            label = device["id"] if device["name"] in ("CPU", "GPU") else f"{device['id']} — {device['name']}"
            self.device.addItem(label, device["id"])
        index = self.device.findData(self.session.device)
        self.device.setCurrentIndex(max(index, 0))
        self._set_running(self.bridge.running)
        self._prewarm_views()
        if self.session.prewarm_runs:
            self.bridge.prewarm()  # the first run's process imports TensorFlow while the window is idle

    def _prewarm_views(self) -> None:
        """Spare view renderers made while the window is idle: a run's first views then
        cost an update, not a new pyqtgraph scene, while training competes for the CPU."""
        from ui.widgets.views import prewarm

        prewarm(self, copies=2)

    # -- starting ---------------------------------------------------------------------------
    def make_config(self):
        """The ``TrainConfig`` for the current choices; raises ``WorkbenchError`` with what is missing."""
        from workbench.training import TrainConfig

        session = self.session
        if not session.tf_loaded:
            raise WorkbenchError(self.tr("TensorFlow is still loading; Start works as soon as the status bar "
                                         "says Ready."))
        if session.dataset is None:
            raise WorkbenchError(self.tr("No data loaded: choose a data set in the Data tab first."))
        if session.entry is None:
            raise WorkbenchError(self.tr("No model chosen: pick one in the Model tab first."))
        entry = session.entry
        fits, why = entry.accepts(session.dataset.info)
        if not fits:
            raise WorkbenchError(f"{why}.")
        hparams = entry.resolve(session.hparams)  # raises the bad field's own sentence
        config = TrainConfig(model=entry.name, data=session.data_source, data_options=session.data_options,
                             val_split=session.val_split, epochs=self.epochs.value(),
                             batch_size=self.batch_size.value(), seed=self.seed.value(),
                             hparams=hparams, device=self.device.currentData() or "",
                             strategy=self.strategy.currentData() or "one", workers=self.workers.value(),
                             tensorboard=self.tensorboard.isChecked(), out=session.new_run_dir(entry.name))
        from workbench.training import strategies

        strategies.check_entry(entry, config.strategy)  # its own loop may not support it: say so now
        return config.validate()

    def start(self) -> None:
        from workbench.training import job

        try:
            config = self.make_config()
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        # the data panel splits with seed 0; another seed means the run splits the data itself
        dataset = self.session.dataset if config.seed == 0 else None
        self.curves.clear()
        self.what.setText(self.tr("Starting {0} on {1}…").format(self.session.entry.title,
                                                                 self.session.dataset.info.name))
        if hasattr(dataset, "train_stream"):
            dataset = None  # a tf.data stream cannot travel to the run's process: it lists the folder again
        self.launch(functools.partial(job.run_training, config, dataset=dataset))

    def resume_dialog(self) -> None:
        from workbench.runs.history import default_runs_root

        root = self.session.runs_root or default_runs_root()
        path = QFileDialog.getExistingDirectory(self, self.tr("Resume a run: choose its run directory"), root)
        if path:
            self.resume(path)

    def resume(self, run_dir: str) -> None:
        """Continue ``run_dir`` from its last complete epoch (earlier epochs are plotted first)."""
        from workbench.runs.rundir import RunDir
        from workbench.training import job

        if not self.session.tf_loaded:
            self.session.fail(self.tr("TensorFlow is still loading; try again when the status bar says Ready."))
            return
        try:
            RunDir(run_dir).read_config()
            history = RunDir(run_dir).read_history()
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        self.curves.clear()
        self.curves.load_history(history)
        self.what.setText(self.tr("Resuming {0}…").format(run_dir))
        self.launch(functools.partial(job.resume_training, run_dir), resumed=run_dir)

    def launch(self, job, resumed: str = "") -> None:
        """Run ``job(emit, control)`` with an empty gallery; a ``resumed`` run directory's stored
        views are shown first (read on a worker), then replaced by the live ones."""
        self.gallery.clear()
        self.progress.setValue(self.progress.minimum())  # nothing of the last run's progress stays
        self.progress_text.setText(self.tr("starting…"))
        if resumed:
            self.background(lambda: stored_views(resumed), self._stored_views, key=f"views-{id(self)}",
                            quiet=True)
        self.bridge.start(job)

    def _stored_views(self, views: list) -> None:
        for view in views:
            if not self.gallery.has(view.name):  # a live view of the resumed run is newer
                self.show_view(view)

    def show_view(self, view) -> None:
        self.gallery.queue_view(view)
        if not self._views_room:  # the first view: give the gallery half of the height once
            self._views_room = True
            total = sum(self.split.sizes())
            self.split.setSizes([total * 9 // 20, total * 11 // 20])

    def toggle_pause(self) -> None:
        control = self.bridge.control
        if control is None:
            return
        if control.paused:
            self.bridge.resume()
            self.pause_button.setText(self.tr("Pause"))
        else:
            self.bridge.pause()
            self.pause_button.setText(self.tr("Continue"))
            self.session.report(self.tr("Training: pausing after this batch…"))

    def steer_run(self, change: dict) -> None:
        """Send a change to the run; it comes back as ``Steered`` once applied."""
        from workbench.training.schedule import describe

        try:
            self.bridge.steer(change)
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        self.session.report(self.tr("Training: {0} before the next batch…").format(describe(change)))

    def _steered(self, event) -> None:
        from workbench.training.schedule import describe

        steps = event.steps or self._steps
        self.curves.add_mark(event.epoch + event.batch / max(steps, 1), describe(event.change))
        self.steer.applied(event)
        if not event.replayed:
            self.session.report(self.tr("Training: {0} from epoch {1}, batch {2}").format(
                describe(event.change), event.epoch + 1, event.batch + 1))

    def stop(self) -> None:
        self.bridge.stop()
        self.session.report(self.tr("Training: stopping after this batch…"))

    def shutdown(self) -> None:
        self.bridge.wait(timeout=10.0)

    # -- events from the run -------------------------------------------------------------------
    def _started(self, event) -> None:
        self.run_dir = event.run_dir
        self._steps, self._epochs = max(event.steps_per_epoch, 1), event.epochs
        self._initial_epoch = event.initial_epoch
        self._eta.reset()
        self.progress_text.setText(self.tr("epoch {0}/{1} · starting…").format(self._initial_epoch + 1, self._epochs))
        self.progress.setRange(0, self._epochs * self._steps)
        self.progress.setValue(self._initial_epoch * self._steps)
        config = event.config
        self.what.setText(self.tr("<b>{0}</b> on <b>{1}</b> on {2} · {3:,} parameters<br>"
                                  "<span style='color:{4}'>run directory: {5}</span>").format(
            config['model'], os.path.basename(str(config['data'])), event.device, event.params,
            hint_grey(), event.run_dir))

    def _batches(self, batches: list) -> None:
        self.curves.add_batches(batches)
        last = batches[-1]
        done = last.epoch * self._steps + last.step
        self.progress.setValue(done)
        self._eta.update(done, time.monotonic())
        left = self._eta.remaining(self._epochs * self._steps)
        eta = format_seconds(left) if left is not None else "…"
        loss = last.logs.get("loss")
        if loss is not None:
            text = self.tr("epoch {0}/{1} · batch {2}/{3} · loss {4:.4f} · ETA {5}")
        else:
            text = self.tr("epoch {0}/{1} · batch {2}/{3} · ETA {5}")
        self.progress_text.setText(text.format(last.epoch + 1, self._epochs, last.step, last.steps, loss, eta))

    def _epoch_end(self, event) -> None:
        self.curves.add_epoch(event.epoch, event.logs)
        shown = " · ".join(f"{k} {v:.4f}" for k, v in event.logs.items())
        self.session.report(self.tr("Epoch {0}/{1}: {2}").format(event.epoch + 1, self._epochs, shown))

    def _finished(self, event) -> None:
        self.last_finished = event
        last = {k: v[-1] for k, v in event.history.items() if k != "epoch" and v}
        metrics = ", ".join(f"{k} {v:.4f}" for k, v in last.items() if k.startswith("val_")) or \
            ", ".join(f"{k} {v:.4f}" for k, v in last.items())
        if event.stopped:
            text = (self.tr("Stopped after {0} epoch(s); model saved; the last complete epoch is kept "
                            "as a resume point (Resume run…).") if event.epochs_done else
                    self.tr("Stopped after {0} epoch(s); model saved; no epoch was complete, so Resume "
                            "would start over.")).format(event.epochs_done)
            ended = self.tr("stopped after epoch {0}/{1}").format(event.epochs_done, self._epochs)
        elif event.early_stopped:
            text = self.tr("Early stopping after {0} epochs: {1}.").format(event.epochs_done, metrics)
            ended = self.tr("early stopping after epoch {0}/{1}").format(event.epochs_done, self._epochs)
        else:
            text = self.tr("Finished {0} epochs: {1}.").format(event.epochs_done, metrics)
            ended = self.tr("finished {0}/{1} epochs").format(event.epochs_done, self._epochs)
            self.progress.setValue(self.progress.maximum())
        self.progress_text.setText(ended)  # no ETA once the run has ended
        self.session.report(text)
        saved = event.model_path or self.tr("no Keras model (a tabular agent: its table is in the run directory)")
        self.what.setText(self.tr("{0}<br><span style='color:{1}'>model: {2}</span>").format(text, hint_grey(), saved))

    def _result(self, result) -> None:
        adopt_trained(self.session, result, owner=self)
        if self.session.prewarm_runs:
            self.bridge.prewarm()  # the next run's process, while the window is idle

    def _failed(self, message: str) -> None:
        self.progress_text.setText(self.tr("failed"))
        self.what.setText(self.tr("<span style='color:#b03000'>Run failed: {0}</span>").format(message))
        self.session.fail(message)
