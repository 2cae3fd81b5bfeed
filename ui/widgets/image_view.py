"""Showing numpy images: one scaled image, or a grid of labelled samples.

Tiny inputs (8x8 digits, 28x28 MNIST) are enlarged with nearest-neighbour sampling so
that their pixels stay visible squares instead of a blur.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

#: Images whose longer side is at most this many pixels are scaled without smoothing.
NEAREST_UP_TO = 64


def to_qimage(rgb: np.ndarray) -> QImage:
    """``(H, W, 3)`` uint8 RGB -> a QImage that owns a copy of the pixels."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=2)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def fit_rect(image_size: QSize, area: QRect) -> QRectF:
    """The largest rectangle with the image's aspect ratio, centred in ``area``."""
    if image_size.isEmpty() or area.isEmpty():
        return QRectF(area)
    scale = min(area.width() / image_size.width(), area.height() / image_size.height())
    width, height = image_size.width() * scale, image_size.height() * scale
    return QRectF(area.x() + (area.width() - width) / 2, area.y() + (area.height() - height) / 2,
                  width, height)


def draw_image(painter: QPainter, image: QImage, area: QRect) -> None:
    smooth = max(image.width(), image.height()) > NEAREST_UP_TO
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
    painter.drawImage(fit_rect(image.size(), area), image)


class ImageView(QWidget):
    """One image scaled to fit, with a caption under it and a placeholder when empty."""

    def __init__(self, placeholder: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.placeholder = self.tr("No image") if placeholder is None else placeholder
        self.caption = ""
        self.pixels: np.ndarray | None = None
        self._image: QImage | None = None
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, rgb: np.ndarray | None, caption: str = "") -> None:
        self.pixels = None if rgb is None else np.asarray(rgb)
        self._image = None if rgb is None else to_qimage(rgb)
        self.caption = caption
        self.update()

    def paintEvent(self, event):  # noqa: N802 - Qt's name
        painter = QPainter(self)
        area = self.rect().adjusted(4, 4, -4, -4)
        text_height = painter.fontMetrics().height() + 4 if self.caption else 0
        if self._image is None:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.placeholder)
            return
        draw_image(painter, self._image, area.adjusted(0, 0, 0, -text_height))
        if self.caption:
            painter.setPen(self.palette().text().color())
            painter.drawText(QRect(area.x(), area.bottom() - text_height, area.width(), text_height),
                             Qt.AlignmentFlag.AlignCenter, self.caption)


class SampleGrid(QWidget):
    """A grid of small labelled images (the data panel's samples)."""

    def __init__(self, cell: int = 76, parent: QWidget | None = None):
        super().__init__(parent)
        self.cell = cell
        self.images: list[QImage] = []
        self.labels: list[str] = []
        self.placeholder = self.tr("No samples")
        self.setMinimumSize(4 * cell, 2 * cell)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_samples(self, images: list[np.ndarray], labels: list[str]) -> None:
        self.images = [to_qimage(image) for image in images]
        self.labels = list(labels)
        self.update()

    def columns(self) -> int:
        return max(1, self.width() // self.cell)

    def paintEvent(self, event):  # noqa: N802
        painter = QPainter(self)
        if not self.images:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        text_height = painter.fontMetrics().height()
        columns = self.columns()
        for index, (image, label) in enumerate(zip(self.images, self.labels)):
            row, column = divmod(index, columns)
            cell = QRect(column * self.cell, row * self.cell, self.cell, self.cell)
            if cell.top() > self.height():
                break
            draw_image(painter, image, cell.adjusted(4, 2, -4, -text_height - 2))
            painter.setPen(self.palette().text().color())
            text_rect = QRect(cell.x(), cell.bottom() - text_height - 1, cell.width(), text_height)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter,
                             painter.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight,
                                                              cell.width() - 4))
