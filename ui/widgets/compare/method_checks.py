"""The Compare tab's method checkboxes, with CAM switched off (and why) where it cannot apply."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QWidget

#: Checked when a model is first shown: fast methods of each family (SHAP takes seconds).
DEFAULT_METHODS = ("cam", "gradcam", "gradcam++", "scorecam", "saliency", "integrated_gradients")


class MethodChecks(QGroupBox):
    """One checkbox per method of ``workbench.xai.METHODS``, two columns; ``changed`` on a toggle."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        from workbench import xai

        super().__init__(parent)
        self.setTitle(self.tr("Methods"))
        self.cam_ok = True
        self.checks: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        for index, (name, info) in enumerate(xai.METHODS.items()):
            check = QCheckBox(info.title)
            check.setToolTip(info.help)
            check.setChecked(name in DEFAULT_METHODS)
            check.toggled.connect(lambda _c: self.changed.emit())
            self.checks[name] = check
            grid.addWidget(check, index // 2, index % 2)
        self.cam_note = QLabel("")
        self.cam_note.setWordWrap(True)
        self.cam_note.setStyleSheet("color: #8a5a00;")
        self.cam_note.setVisible(False)
        grid.addWidget(self.cam_note, (len(xai.METHODS) + 1) // 2, 0, 1, 2)

    def set_cam(self, ok: bool, why: str) -> None:
        """CAM needs a global-average-pooling + dense head: say so on the box when it has none."""
        self.cam_ok = ok
        cam = self.checks["cam"]
        cam.setText(self.tr("CAM") if ok else self.tr("CAM (not for this model)"))
        cam.setToolTip(cam.toolTip().split("\n")[0] + ("" if ok else f"\n{why}"))
        self.cam_note.setText("" if ok else self.tr("CAM is off: {0}").format(why))
        self.cam_note.setVisible(not ok)

    def checked(self) -> list[str]:
        """The checked methods this model allows, in the catalog's order."""
        return [name for name, check in self.checks.items()
                if check.isChecked() and (name != "cam" or self.cam_ok)]

    def set_usable(self, usable: bool) -> None:
        for check in self.checks.values():
            check.setEnabled(usable)
        if usable and not self.cam_ok:
            self.checks["cam"].setEnabled(False)
