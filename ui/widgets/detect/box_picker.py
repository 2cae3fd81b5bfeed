"""Which drawn box a click on the Detect tab's picture falls in.

``ImageView`` draws the picture scaled to fit above its caption; ``image_fraction``
undoes that layout, so a click becomes a point in [0, 1]^2 of the image, and
``box_at`` finds the box there in any pixel frame (the smallest one when boxes nest,
so an object inside a larger box can still be picked).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QSize, Signal

from ui.widgets.image_view import ImageView, fit_rect


def picture_rect(view: ImageView):
    """Where ``view`` draws its picture (``QRectF``), or None when it shows none."""
    if view.pixels is None:
        return None
    area = view.rect().adjusted(4, 4, -4, -4)
    text_height = view.fontMetrics().height() + 4 if view.caption else 0
    height, width = view.pixels.shape[:2]
    return fit_rect(QSize(width, height), QRect(area).adjusted(0, 0, 0, -text_height))


def image_fraction(view: ImageView, point: QPointF):
    """A widget point -> ``(fx, fy)`` in [0, 1] of the picture, or None outside it."""
    rect = picture_rect(view)
    if rect is None or rect.width() <= 0 or rect.height() <= 0:
        return None
    fx = (point.x() - rect.x()) / rect.width()
    fy = (point.y() - rect.y()) / rect.height()
    if not (0.0 <= fx <= 1.0 and 0.0 <= fy <= 1.0):
        return None
    return fx, fy


def box_at(boxes, x: float, y: float) -> int | None:
    """Index of the smallest box ``(K, 4)`` xyxy holding ``(x, y)``, or None."""
    boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
    inside = (boxes[:, 0] <= x) & (x <= boxes[:, 2]) & (boxes[:, 1] <= y) & (y <= boxes[:, 3])
    if not inside.any():
        return None
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return int(np.flatnonzero(inside)[np.argmin(areas[inside])])


class BoxPicker(QObject):
    """Watches an ``ImageView`` for left clicks; ``picked(fx, fy)`` gives the image fraction."""

    picked = Signal(float, float)

    def __init__(self, view: ImageView):
        super().__init__(view)
        self.view = view
        view.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if watched is self.view and event.type() == QEvent.Type.MouseButtonRelease:
            where = image_fraction(self.view, event.position())
            if where is not None:
                self.picked.emit(*where)
        return False
