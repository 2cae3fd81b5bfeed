"""The Detect tab's Statistics page: what the loaded annotated set holds.

``workbench.detection.statistics`` counts classes, images and boxes (the notes' VOC / COCO
table beside this set's numbers), boxes per class, objects per image and box sizes;
the counting runs through ``Panel.background`` the first time the page is shown for a
set (a COCO-sized set takes a moment), and the page keeps the last result.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from ui.panels.base import hint_label


class StatisticsView(QWidget):
    """Four bar charts and a summary of ``panel.annotated`` (read when the page shows)."""

    def __init__(self, panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.panel = panel
        self.stats: dict | None = None
        self._shown_for = None  # the set the page shows (or is counting)
        self.summary = hint_label(self.tr("Load an annotated set (shapes, VOC, COCO) to see its statistics."))
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.charts: dict = {}
        self._grid = QGridLayout()
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addLayout(self._grid, 1)
        self._watch = QTimer(self)  # a set loaded while the page shows: counted anew
        self._watch.setInterval(500)
        self._watch.timeout.connect(self.refresh)

    def _chart(self, key: str, title: str, row: int, col: int):
        if key not in self.charts:
            from ui.widgets.bar_chart import BarChart  # pyqtgraph on first use

            self.charts[key] = BarChart(title)
            self._grid.addWidget(self.charts[key], row, col)
        return self.charts[key]

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._watch.start()
        self.refresh()

    def hideEvent(self, event):  # noqa: N802 - Qt's name
        super().hideEvent(event)
        self._watch.stop()

    def refresh(self) -> None:
        """Count the panel's annotated set unless this page already shows it."""
        data = getattr(self.panel, "annotated", None)
        if data is None or data is self._shown_for:
            return
        from workbench.detection.statistics import detection_statistics

        self._shown_for = data
        self.summary.setText(self.tr("Counting the boxes of {0} image(s)…").format(len(data)))
        self.panel.background(lambda: detection_statistics(data),
                              lambda stats: self._counted(data, stats), key="detect-statistics")

    def _counted(self, data, stats: dict) -> None:
        if data is not self._shown_for:  # another set was loaded meanwhile
            return
        self.show_statistics(stats, getattr(self.panel, "annotated_label", "") or stats["name"])

    def show_statistics(self, stats: dict, label: str = "") -> None:
        from workbench.detection.statistics import NOTES_TABLE

        self.stats = stats
        rows = "".join(f"<tr><td>{name}</td><td align=right>{c}</td><td align=right>{i:,}</td>"
                       f"<td align=right>{b:.1f}</td></tr>"
                       for name, (c, i, b) in NOTES_TABLE.items())
        rows += (f"<tr><td><b>{label or stats['name']}</b></td><td align=right><b>{stats['classes']}"
                 f"</b></td><td align=right><b>{stats['images']:,}</b></td><td align=right><b>"
                 f"{stats['boxes_per_image']:.2f}</b></td></tr>")
        area = stats["area"]
        self.summary.setText(
            self.tr("<b>{0:,} boxes</b> in {1:,} images · at most {2} per image · <b>{3}</b> image(s) "
                    "without boxes · COCO size groups: small {4}, medium {5}, large {6}").format(
                stats["boxes"], stats["images"], stats["max_boxes_per_image"], stats["images_without_boxes"],
                area["small"], area["medium"], area["large"])
            + "<table cellspacing=6><tr><th align=left>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>".format(
                self.tr("set"), self.tr("classes"), self.tr("images"), self.tr("boxes/image"))
            + f"{rows}</table>")
        self._chart("classes", self.tr("Boxes per class"), 0, 0).set_counts(stats["boxes_per_class"])
        self._chart("objects", self.tr("Images by objects per image"), 0, 1).set_counts(
            {str(k): v for k, v in stats["objects_per_image"].items()})
        edges = area["side_edges"]
        self._chart("area", self.tr("Box side sqrt(area), pixels"), 1, 0).set_counts(
            {f"{edges[i]:.0f}-{edges[i + 1]:.0f}": c for i, c in enumerate(area["side_counts"])})
        self._chart("aspect", self.tr("Aspect ratio width / height"), 1, 1).set_counts(stats["aspect"])

