"""A clickable board (tic-tac-toe or Connect Four) with the agent's search drawn on it.

Tic-tac-toe: each empty cell shows the root's visit count ``n`` and the network's prior
``p``, shaded by its share of the visits; the most visited move is outlined. Connect Four:
a bar per column under the board, as tall as the column's share of the visits, with the
count and the prior. A click emits ``clicked(action)``: the cell index, or the column.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

X_COLOUR, O_COLOUR = QColor(210, 50, 45), QColor(235, 185, 20)
BOARD_BLUE, GRID = QColor(35, 85, 170), QColor(40, 40, 40)
VISITS = QColor(60, 140, 230)
BEST = QColor(30, 160, 70)


class BoardView(QWidget):
    clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rules = None
        self.cells: tuple = ()
        self.analysis: dict | None = None  # BoardAgent.analyse's dict for ``cells``
        self.last_move: int | None = None
        self.setMinimumSize(320, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    def set_position(self, rules, cells: tuple, analysis: dict | None = None, last_move: int | None = None) -> None:
        self.rules, self.cells, self.analysis, self.last_move = rules, tuple(cells), analysis, last_move
        self.update()

    # -- geometry ------------------------------------------------------------------------------
    def _layout(self) -> tuple[QRectF, float, QRectF | None]:
        """The board's rectangle, the cell size, and (Connect Four) the bar area under it."""
        rows, cols = self.rules.rows, self.rules.cols
        bars = 90.0 if self.rules.gravity else 0.0
        margin = 10.0
        cell = min((self.width() - 2 * margin) / cols, (self.height() - 2 * margin - bars) / rows)
        width, height = cell * cols, cell * rows
        left = (self.width() - width) / 2
        top = (self.height() - height - bars) / 2
        board = QRectF(left, top, width, height)
        return board, cell, (QRectF(left, top + height + 6, width, bars - 6) if bars else None)

    def action_at(self, x: float, y: float) -> int | None:
        """The action a click at (x, y) asks for: a cell index, or a column anywhere above the bars."""
        if self.rules is None:
            return None
        board, cell, bars = self._layout()
        col = int((x - board.left()) // cell)
        if not 0 <= col < self.rules.cols:
            return None
        if self.rules.gravity:
            return col if board.top() <= y <= (bars.bottom() if bars else board.bottom()) else None
        row = int((y - board.top()) // cell)
        return row * self.rules.cols + col if 0 <= row < self.rules.rows else None

    def cell_centre(self, index: int) -> QPointF:
        board, cell, _ = self._layout()
        row, col = divmod(index, self.rules.cols)
        return QPointF(board.left() + (col + 0.5) * cell, board.top() + (row + 0.5) * cell)

    def mouseReleaseEvent(self, event) -> None:
        action = self.action_at(event.position().x(), event.position().y())
        if action is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(action)

    # -- drawing ---------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().window())
        if self.rules is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Choose a board-game run"))
        elif self.rules.gravity:
            self._paint_connect4(painter)
        else:
            self._paint_tictactoe(painter)
        painter.end()

    def _stats(self) -> tuple[dict, dict, int | None, int]:
        a = self.analysis or {}
        visits = {int(k): v for k, v in a.get("visits", {}).items()}
        policy = {int(k): v for k, v in a.get("policy", {}).items()}
        return visits, policy, a.get("move"), max(1, sum(visits.values()))

    def _paint_tictactoe(self, painter: QPainter) -> None:
        board, cell, _ = self._layout()
        visits, policy, best, total = self._stats()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, cell / 11))
        for index, stone in enumerate(self.cells):
            row, col = divmod(index, 3)
            square = QRectF(board.left() + col * cell, board.top() + row * cell, cell, cell)
            painter.fillRect(square, QColor(250, 250, 248))
            if stone == 0 and index in visits:
                shade = QColor(VISITS)
                shade.setAlphaF(0.12 + 0.6 * visits[index] / total)
                painter.fillRect(square.adjusted(2, 2, -2, -2), shade)
                painter.setFont(small)
                painter.setPen(QColor(20, 20, 20))
                painter.drawText(square, Qt.AlignmentFlag.AlignCenter,
                                 f"n = {visits[index]}\np = {policy.get(index, 0.0):.2f}")
            if index == best and stone == 0:
                painter.setPen(QPen(BEST, 4))
                painter.drawRect(square.adjusted(3, 3, -3, -3))
            self._paint_stone(painter, square, stone, index == self.last_move)
        painter.setPen(QPen(GRID, 3))
        for k in range(4):
            painter.drawLine(QPointF(board.left() + k * cell, board.top()), QPointF(board.left() + k * cell, board.bottom()))
            painter.drawLine(QPointF(board.left(), board.top() + k * cell), QPointF(board.right(), board.top() + k * cell))

    def _paint_stone(self, painter: QPainter, square: QRectF, stone: int, last: bool) -> None:
        arm = square.width() * 0.3
        c = square.center()
        width = max(3.0, square.width() / 14) + (2 if last else 0)
        if stone == 1:
            painter.setPen(QPen(X_COLOUR, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(c.x() - arm, c.y() - arm), QPointF(c.x() + arm, c.y() + arm))
            painter.drawLine(QPointF(c.x() - arm, c.y() + arm), QPointF(c.x() + arm, c.y() - arm))
        elif stone == -1:
            painter.setPen(QPen(O_COLOUR.darker(115), width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(c, arm, arm)

    def _paint_connect4(self, painter: QPainter) -> None:
        board, cell, bars = self._layout()
        visits, policy, best, _ = self._stats()
        painter.fillRect(board, BOARD_BLUE)
        painter.setPen(Qt.PenStyle.NoPen)
        for index, stone in enumerate(self.cells):
            colour = {1: X_COLOUR, -1: O_COLOUR}.get(stone, QColor(240, 240, 240))
            painter.setBrush(colour)
            radius = cell * 0.4
            painter.drawEllipse(self.cell_centre(index), radius, radius)
            if index == self.last_move:
                painter.setPen(QPen(QColor(255, 255, 255), 3))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(self.cell_centre(index), radius * 0.5, radius * 0.5)
                painter.setPen(Qt.PenStyle.NoPen)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, cell / 9))
        painter.setFont(small)
        text_height = 30.0
        most = max(visits.values(), default=1) or 1  # the most visited column's bar fills the area
        for col in range(self.rules.cols):
            x = board.left() + col * cell
            if col in visits:
                height = (bars.height() - text_height) * visits[col] / most
                bar = QRectF(x + cell * 0.15, bars.bottom() - text_height - height, cell * 0.7, height)
                painter.fillRect(bar, BEST if col == best else VISITS)
            painter.setPen(QColor(20, 20, 20))
            label = f"n={visits[col]}\np={policy.get(col, 0):.2f}" if col in visits else self.tr("full")
            painter.drawText(QRectF(x, bars.bottom() - text_height, cell, text_height),
                             Qt.AlignmentFlag.AlignCenter, label)
            painter.setPen(Qt.PenStyle.NoPen)
