"""The panel base class: what a panel declares and what it is given."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ui import theme
from ui.bridge import run_in_background


class Panel(QWidget):
    """A tab of the main window. Subclasses set ``title`` and ``order`` (Orange-style)
    and talk to the rest of the application only through ``session``."""

    title = ""
    order = 0
    #: A one-line description for the tab's tooltip.
    help = ""

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName(type(self).__name__)
        session.tf_ready.connect(lambda _device: self.on_tf_ready())

    def on_tf_ready(self) -> None:
        """Called once TensorFlow has loaded; panels that need it enable themselves here."""

    #: The worker lane of everything that calls a Keras model (see ``ui.bridge._Lane``).
    TF_LANE = "tf"

    def background(self, fn, on_done=None, key: str | None = None, busy: str = "",
                   quiet: bool = False, lane: str | None = None):
        """Run ``fn`` on a worker thread; its failure is shown to the user as a sentence
        (in a dialog, or only through ``on_background_failed`` when ``quiet``)."""
        if busy:
            self.session.report(busy)

        def failed(message: str) -> None:
            if not quiet:
                self.session.fail(message)
            self.on_background_failed(key, message)

        return run_in_background(fn, on_done, failed, key=key, lane=lane, owner=self)

    def shutdown(self) -> None:
        """Called when the window closes: stop whatever this panel runs."""

    def on_background_failed(self, key: str | None, message: str) -> None:
        """Hook to re-enable buttons after a failed background task."""


def hint_label(text: str) -> QLabel:
    """A grey, wrapped explanation line (empty states, what to do next)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    return theme.mark_hint(label, italic=True)
