"""An ``ImageGrid`` view: images in a grid, a caption under each (samples, reconstructions,
interpolations, frames), scaled to fit the tile."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.widgets.image_view import draw_image, to_qimage

#: Longer side, in pixels, of the copy kept for drawing: a 512x512 generated image shown
#: in a 120-pixel cell is shrunk once when it arrives, not on every repaint.
DISPLAY_SIDE = 192


def display_copy(image: np.ndarray) -> np.ndarray:
    """``image`` (H, W[, 3]) uint8, shrunk with area averaging when it is larger than needed."""
    height, width = image.shape[:2]
    scale = DISPLAY_SIDE / max(height, width)
    if scale >= 1.0:
        return image
    import cv2

    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(np.ascontiguousarray(image), size, interpolation=cv2.INTER_AREA)


class ImageGridView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.value = None
        self.images: list[QImage] = []
        self.captions: list[str] = []
        self.setMinimumSize(200, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_value(self, value) -> None:
        self.value = value
        self.images = [to_qimage(display_copy(image)) for image in value.images]
        self.captions = list(value.captions) or [""] * len(self.images)
        self.update()

    def cell_rects(self) -> list[QRect]:
        """Where each image's cell lies in the widget (row by row, the value's column count)."""
        if self.value is None or not self.images:
            return []
        rows, cols = self.value.grid_shape
        width = self.width() / cols
        # cells as tall as the images' shape asks (plus the caption), not stretched to the
        # tile: wide frames would otherwise float in tall empty cells
        first = self.images[0]
        caption = self.fontMetrics().height() + 4 if any(self.captions) else 0
        wanted = width * first.height() / max(first.width(), 1) + caption
        height = min(self.height() / rows, wanted)
        top = max(0.0, (self.height() - height * rows) / 2)
        return [QRect(int(c * width), int(top + r * height), int(width), int(height))
                for r, c in (divmod(i, cols) for i in range(len(self.images)))]

    def paintEvent(self, event):  # noqa: N802 - Qt's name
        painter = QPainter(self)
        if not self.images:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No images"))
            return
        metrics = painter.fontMetrics()
        text_height = metrics.height() if any(self.captions) else 0
        painter.setPen(self.palette().text().color())
        for image, caption, cell in zip(self.images, self.captions, self.cell_rects()):
            draw_image(painter, image, cell.adjusted(2, 2, -2, -text_height - 2))
            if caption:
                text_rect = QRect(cell.x(), cell.bottom() - text_height - 1, cell.width(), text_height)
                painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter,
                                 metrics.elidedText(caption, Qt.TextElideMode.ElideRight, cell.width() - 4))
