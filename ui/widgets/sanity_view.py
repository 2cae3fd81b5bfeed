"""The sanity check of explanation methods (Adebayo et al. 2018), as a window of the Compare tab.

Shows what ``workbench.xai.sanity`` found: one curve per method of its map's similarity
to the trained model's map as the layers are re-initialised from the output down (x
labels = the randomised layers, the pass bound drawn as a dashed line), a grid of the
maps per layer (and of the copy trained on shuffled labels), and a line naming the
methods that fail. The work runs through the owning panel's ``background`` on the
TensorFlow lane; progress comes back through a queued signal and Cancel sets a flag the
check reads between two maps, so the GUI thread never waits on it.
"""

from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.widgets.image_view import ImageView

#: Curve colours, one per method (Okabe-Ito, readable by colour-blind users).
COLORS = ((0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233), (213, 94, 0),
          (240, 228, 66), (0, 0, 0), (120, 120, 120), (150, 60, 20), (60, 60, 160))
#: The similarity measures' titles (translated where shown: ``metric_title``).
METRIC_TITLES = {"spearman_abs": QT_TRANSLATE_NOOP("SanityView", "Spearman rank correlation (absolute maps)"),
                 "spearman": QT_TRANSLATE_NOOP("SanityView", "Spearman rank correlation (signed maps)"),
                 "ssim_abs": QT_TRANSLATE_NOOP("SanityView", "SSIM (absolute maps)"),
                 "ssim": QT_TRANSLATE_NOOP("SanityView", "SSIM (signed maps)")}
KEY = "compare-sanity"
TILE = 84


def metric_title(metric: str) -> str:
    return QCoreApplication.translate("SanityView", METRIC_TITLES[metric])


class SanityView(QWidget):
    """A top-level window: run controls, the similarity curves, the maps, the verdict."""

    #: (done, total) from the worker thread, delivered on the GUI thread.
    progressed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Sanity check of the explanations"))
        self.resize(1180, 820)
        self.result = None
        self.picture: np.ndarray | None = None
        self.running = False
        self._stop = threading.Event()
        self._request: tuple | None = None
        self._build()
        self.progressed.connect(self._progress)
        self.set_metric_choices()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        self.shuffled = QCheckBox(self.tr("Also train a copy on shuffled labels"))
        self.shuffled.setToolTip(self.tr("Data randomisation: a copy trained from a fresh start on the loaded "
                                         "training images with their labels shuffled; its maps should not look "
                                         "like the trained model's either"))
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 50)
        self.epochs.setValue(3)
        self.epochs.setSuffix(self.tr(" epochs"))
        self.again_button = QPushButton(self.tr("Run again"))
        self.again_button.clicked.connect(self.rerun)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop after the map being computed"))
        self.cancel_button.clicked.connect(self.cancel)
        self.bar = QProgressBar()
        self.bar.setFormat(self.tr("%v / %m steps"))
        controls = QHBoxLayout()
        for widget in (self.shuffled, self.epochs, self.again_button, self.cancel_button):
            controls.addWidget(widget)
        controls.addWidget(self.bar, 1)

        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.metric_box = QComboBox()
        self.metric_box.currentIndexChanged.connect(lambda _i: self._draw_curves())
        metric_row = QHBoxLayout()
        metric_row.addWidget(QLabel(self.tr("Similarity to the trained model's map:")))
        metric_row.addWidget(self.metric_box, 1)

        self.plot = theme.themed(pg.PlotWidget())
        item = self.plot.getPlotItem()
        item.setLabel("left", self.tr("similarity"))
        item.setLabel("bottom", self.tr("layers randomised so far (from the output down)"))
        item.setYRange(-1.05, 1.05)
        item.getAxis("left").setTicks([[(v, f"{v:g}") for v in (-1, -0.5, 0, 0.5, 1)], []])
        item.showGrid(x=False, y=True, alpha=0.25)
        self.legend = item.addLegend(offset=(-10, -10))
        self.bound_line = pg.InfiniteLine(angle=0, movable=False,
                                          pen=pg.mkPen((200, 30, 30), width=1.5, style=Qt.PenStyle.DashLine))
        self.bound_line.setVisible(False)
        item.addItem(self.bound_line)
        self.curves: dict[str, pg.PlotDataItem] = {}

        self.maps = QWidget()
        self.maps_grid = QGridLayout(self.maps)
        self.maps_grid.setSpacing(4)
        scroll = QScrollArea()
        scroll.setWidget(self.maps)
        scroll.setWidgetResizable(True)

        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(metric_row)
        column.addWidget(self.plot, 1)
        scroll.setMinimumWidth(260)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(top)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(controls)
        layout.addWidget(self.verdict)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    def set_metric_choices(self) -> None:
        from workbench.xai.sanity import METRICS, PASS_METRIC

        self.metric_box.blockSignals(True)
        self.metric_box.clear()
        for metric in (PASS_METRIC, *[m for m in METRICS if m != PASS_METRIC]):
            self.metric_box.addItem(metric_title(metric), metric)
        self.metric_box.blockSignals(False)

    # -- running -----------------------------------------------------------------------------
    def run(self, background, model, image: np.ndarray, picture: np.ndarray, methods: list[str],
            class_index: int | None = None, layer: str | None = None, data=None, caption: str = "") -> None:
        """Start the check of ``methods`` on ``image`` through ``background`` (a panel's
        ``background``); ``data`` = ``(x_train, y_train)`` allows data randomisation."""
        if self.running:
            return
        self._request = (background, model, image, picture, list(methods), class_index, layer, data, caption)
        self.shuffled.setEnabled(data is not None)
        if data is None:
            self.shuffled.setChecked(False)
        self.shuffled.setToolTip(self.shuffled.toolTip().split("\n")[0] + (
            "" if data is not None else "\n" + self.tr("Needs the model's own labelled training images loaded")))
        self.rerun()
        self.show()
        self.raise_()

    def rerun(self) -> None:
        if self.running or self._request is None:
            return
        background, model, image, picture, methods, class_index, layer, data, caption = self._request
        from workbench.xai import METHODS

        shuffled = self.shuffled.isChecked() and data is not None
        epochs = self.epochs.value()
        self.heading.setText("<b>{}</b> — {}".format(caption or self.tr("input"),
                                                        ", ".join(METHODS[m].title for m in methods)))
        self.picture = picture
        self.running = True
        self._stop.clear()
        self.verdict.setText(self.tr("Randomising the layers from the output down…"))
        self.bar.setRange(0, 0)
        self.bar.setFormat(self.tr("%v / %m steps"))
        self._update_buttons()
        stop, report = self._stop.is_set, self.progressed.emit

        def work():
            from workbench.xai import sanity

            result = sanity.cascading_randomization(model, image, methods, class_index=class_index,
                                                    layer=layer or None, progress=report, should_stop=stop)
            if shuffled and not result.cancelled:
                x, y = data
                result.data_randomization = sanity.data_randomization(
                    model, image, methods, x, y, epochs=epochs, class_index=result.class_index,
                    layer=layer or None, progress=report, should_stop=stop)
                result.cancelled = result.data_randomization["cancelled"]
            return result

        background(work, self.show_result, key=KEY, quiet=True, lane="tf")

    def cancel(self) -> None:
        if self.running:
            self._stop.set()
            self.verdict.setText(self.tr("Cancelling after the map being computed…"))
            self._update_buttons()

    def stop(self) -> None:
        """The window (or the application) closes: let a running check end early."""
        self._stop.set()

    def failed(self, message: str) -> None:
        self.running = False
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat(self.tr("failed"))
        self.verdict.setText(f"<span style='color:#b03000'>{message}</span>")
        self._update_buttons()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _update_buttons(self) -> None:
        self.again_button.setEnabled(not self.running and self._request is not None)
        self.cancel_button.setEnabled(self.running and not self._stop.is_set())
        self.shuffled.setEnabled(not self.running and self._request is not None and self._request[7] is not None)
        self.epochs.setEnabled(not self.running)

    def closeEvent(self, event):
        self.stop()
        super().closeEvent(event)

    # -- showing -----------------------------------------------------------------------------
    def show_result(self, result, picture: np.ndarray | None = None) -> None:
        """Draw ``result`` (a ``workbench.xai.sanity.SanityResult``)."""
        self.running = False
        self.result = result
        if picture is not None:
            self.picture = picture
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.bar.setFormat(self.tr("cancelled") if result.cancelled else self.tr("done"))
        self.verdict.setText(self.verdict_text(result))
        self._draw_curves()
        self._draw_maps()
        self._update_buttons()

    @staticmethod
    def verdict_text(result) -> str:
        from workbench.xai import METHODS

        def titles(names):
            return ", ".join(METHODS[m].title for m in names)

        if result.cancelled:
            head = QCoreApplication.translate("SanityView", "<b>Cancelled</b> before every layer was randomised: no verdict.")
        elif result.failing:
            head = QCoreApplication.translate("SanityView", "<b style='color:#b03000'>Fail: {0}</b> — the maps still resemble "
                                              "the trained model's with every layer random, so they show the "
                                              "input more than the model.").format(titles(result.failing))
        else:
            head = QCoreApplication.translate("SanityView", "<b style='color:#207020'>Every method passes</b>: the maps fall "
                                              "apart as the model is randomised.")
        # the measure's title as a menu shows it ("Spearman" is a name: no lower case)
        rule = QCoreApplication.translate("SanityView", "A method passes when its {0} falls below {1} once every layer "
                                          "is random.").format(metric_title(result.metric), result.bound)
        lines = [head, rule]
        passing = [m for m in result.methods if result.passes.get(m)]
        if passing and result.failing:
            lines.append(QCoreApplication.translate("SanityView", "Pass: {0}.").format(titles(passing)))
        if result.top_insensitive:
            lines.append(QCoreApplication.translate("SanityView", "Hardly changed by randomising the output layer: {0}.").format(
                titles(result.top_insensitive)))
        if result.errors:
            lines.append(QCoreApplication.translate("SanityView", "Not computed: {0}").format(
                "; ".join(f"{METHODS[m].title} ({why})" for m, why in result.errors.items())))
        data = result.data_randomization
        if data and data.get("methods"):
            rows = [f"{METHODS[m].title} {row[result.metric]:+.2f}" for m, row in data["methods"].items()
                    if "error" not in row]
            lines.append(QCoreApplication.translate("SanityView", "Shuffled labels ({0} epochs, training accuracy {1}): {2}").format(
                data["epochs"], f"{data['accuracy_shuffled'] or 0:.2f}", ", ".join(rows)))
        return "<br>".join(lines)

    def _draw_curves(self) -> None:
        from workbench.xai import METHODS

        item = self.plot.getPlotItem()
        for curve in self.curves.values():
            item.removeItem(curve)
        self.curves = {}
        self.legend.clear()
        result, metric = self.result, self.metric_box.currentData()
        if result is None or metric is None:
            return
        steps = result.steps
        # a conv + batch-norm step is named by its conv ("block2_conv+"): long ticks would hide each other
        item.getAxis("bottom").setTicks([[(i, name.split("+")[0] + ("+" if "+" in name else ""))
                                          for i, name in enumerate(steps)]])
        for index, method in enumerate(m for m in result.methods if m in result.similarity):
            values = result.similarity[method][metric]
            color = COLORS[index % len(COLORS)]
            title = METHODS[method].title
            if result.passes.get(method) is False:
                title = self.tr("{0} (fails)").format(title)
            self.curves[method] = item.plot(list(range(len(values))), values, name=title,
                                            pen=pg.mkPen(color, width=2.5), symbol="o", symbolSize=7,
                                            symbolBrush=color, symbolPen=None)
        self.bound_line.setValue(result.bound)
        self.bound_line.setVisible(metric == result.metric)
        item.setXRange(-0.2, len(steps) - 0.8)

    def _draw_maps(self) -> None:
        from workbench.xai import METHODS
        from workbench.xai.overlay import as_rgb_uint8, overlay

        while self.maps_grid.count():
            widget = self.maps_grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        result = self.result
        data_maps = (result.data_randomization or {}).get("maps", {})
        titles = result.steps + ([self.tr("shuffled labels")] if data_maps else [])
        for col, title in enumerate(titles):
            label = QLabel(title.replace("+", "+\n"))  # block names: one layer a line
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setMaximumWidth(TILE + 30)
            self.maps_grid.addWidget(label, 0, col + 1)
        picture = as_rgb_uint8(self.picture) if self.picture is not None else None
        shown = [m for m in result.methods if m in result.maps]
        for row, method in enumerate(shown, start=1):
            name = QLabel(self.tr("{0}\n(fails)").format(METHODS[method].title)
                          if result.passes.get(method) is False else METHODS[method].title)
            self.maps_grid.addWidget(name, row, 0)
            maps = list(result.maps[method]) + ([data_maps[method]] if method in data_maps else [])
            for col, heatmap in enumerate(maps, start=1):
                tile = ImageView("")
                tile.setFixedSize(TILE, TILE)
                base = picture if picture is not None else np.zeros(heatmap.shape + (3,), np.uint8)
                tile.set_image(overlay(base, heatmap, 0.5 if picture is not None else 1.0, "jet"))
                self.maps_grid.addWidget(tile, row, col)
        self.maps_grid.setRowStretch(len(shown) + 1, 1)
        self.maps_grid.setColumnStretch(len(titles) + 1, 1)
        self.maps_grid.activate()
        total = sum(self.splitter.sizes()) or self.width() - 20  # not laid out yet: the window's width
        wanted = min(self.maps.sizeHint().width() + 28, int(total * 0.6))  # the maps whole when they fit
        self.splitter.setSizes([total - wanted, wanted])
