"""Start-up: the window first, TensorFlow in the background.

``main()`` shows the window with the embedded default (digits + LeNet) before
TensorFlow is imported; the import runs on a worker thread and the status bar goes
from "Loading TensorFlow…" to "Ready — device CPU:0". Panels that need TensorFlow
enable themselves on ``Session.tf_ready``.

``--lang ja|en`` starts the window in that language for one session (else the Preferences'
language, ``ui.i18n``); the translators are installed before the window is built.

``KERAS_WORKBENCH_STARTUP_PROBE=1`` prints ``startup-probe shown_at=<unix time>`` when
the window is first exposed, then quits (``benchmarks/startup_time.py`` reads it).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

if __name__ == "__main__":
    # the bundle's executable started as a training process (or multiprocessing's resource
    # tracker) runs its job here and exits, before the Qt stack below is imported for nothing
    multiprocessing.freeze_support()

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ui import gc_guard, i18n, native_preload, platform_check, theme
from ui.bridge import run_in_background
from ui.main_window import MainWindow
from ui.settings import Settings

PROBE_ENV = "KERAS_WORKBENCH_STARTUP_PROBE"
#: The folder that holds ``resources/``: the source tree, or a PyInstaller bundle's own folder
#: (where this file, the bundle's entry script, is not inside ``ui/``).
ROOT = getattr(sys, "_MEIPASS", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ICON = os.path.join(ROOT, "resources", "icons", "keras-workbench.svg")


def load_tensorflow() -> tuple[str, list[dict]]:
    """Worker thread: import TensorFlow and Keras, list the devices."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # a GUI: no C++ log lines in the terminal
    native_preload.preload_tensorflow()  # the longest native steps without the GIL: no GUI stall
    import keras  # noqa: F401
    import tensorflow  # noqa: F401

    from workbench.training import devices

    found = devices.list_devices()
    ids = [d["id"] for d in found]
    return ("GPU:0" if "GPU:0" in ids else "CPU:0"), found


def start_tensorflow(session) -> None:
    """Import TensorFlow on a worker thread; ``session.tf_ready`` fires when it is usable."""
    session.report(QCoreApplication.translate("app", "Loading TensorFlow…"))
    run_in_background(load_tensorflow, lambda result: session.set_tf_ready(*result),
                      lambda message: session.fail(QCoreApplication.translate(
                          "app", "TensorFlow could not be loaded: {0}").format(message)),
                      key="tensorflow", owner=session)


def create_window() -> MainWindow:
    """The window with its defaults selected and TensorFlow loading (tests use this too)."""
    window = MainWindow()
    window.select_defaults()
    start_tensorflow(window.session)
    return window


class FirstExpose(QObject):
    """Calls ``callback`` once, when the window is first exposed (painted on screen)."""

    def __init__(self, callback):
        super().__init__()
        self.callback = callback
        self.fired = False

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Expose, QEvent.Type.Paint):
            self.fire()
        return False

    def fire(self) -> None:
        if not self.fired:
            self.fired = True
            self.callback()

    def watch(self, window: MainWindow) -> None:
        window.installEventFilter(self)
        window.windowHandle().installEventFilter(self)
        QTimer.singleShot(1500, self.fire)  # platforms that send no expose event


def report_startup_and_quit(app: QApplication) -> None:
    print(f"startup-probe shown_at={time.time():.6f} "
          f"tensorflow_imported={'tensorflow' in sys.modules}", flush=True)
    QTimer.singleShot(0, app.quit)


def open_when_ready(window: MainWindow, paths: list[str]) -> None:
    """Files named on the command line (or by the desktop launcher's %F), once TensorFlow is there."""
    if not paths:
        return

    def open_all(_device: str) -> None:
        window.session.tf_ready.disconnect(open_all)
        for path in paths:
            window.open_path(path)

    window.session.tf_ready.connect(open_all)


def session_language(argv: list[str], settings: Settings) -> tuple[str, list[str]]:
    """This session's language: ``--lang ja|en`` when given (the setting stays as it is), else
    the Preferences' (``ui.settings``); and ``argv`` without the flag."""
    language, rest = i18n.parse_language_flag(argv)
    return language or settings.language(), rest


def main(argv: list[str] | None = None) -> int:
    argv = list(argv if argv is not None else sys.argv)
    if "--version" in argv[1:]:  # no Qt application: works without a display
        import workbench

        print(f"keras-workbench {workbench.__version__}")
        return 0
    if "--self-check" in argv[1:]:  # headless: TensorFlow, one training step, the window offscreen
        from ui import self_check

        return self_check.main()
    try:  # a wrong --lang: one sentence, before Qt starts
        i18n.parse_language_flag(argv)
    except ValueError as error:
        print(f"keras-workbench: error: {error}", file=sys.stderr)
        return 2
    missing = None if QApplication.instance() else platform_check.problem()
    if missing:  # Qt would abort with a message that names no package
        print(missing, file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(argv[:1] or ["keras-workbench"])
    gc_guard.install()  # Python's cycle collector on this thread only: Qt objects die where they live
    app.setApplicationName("Keras Workbench")
    app.setOrganizationName("keras-workbench")
    app.setDesktopFileName("keras-workbench")  # Wayland's app id: the installed .desktop file's icon
    if os.path.isfile(ICON):
        app.setWindowIcon(QIcon(ICON))
    # the user's preferences, window layout and recent files (a start-up probe touches none of them)
    settings = Settings.ephemeral() if os.environ.get(PROBE_ENV) == "1" else Settings()
    # before any widget exists: texts are translated when they are set
    language, argv = session_language(argv, settings)
    i18n.install_translator(app, language)
    theme.apply(app, settings.theme())  # "light" too: the hint grey comes from the style sheet
    window = MainWindow(settings=settings)
    window.session.prewarm_runs = os.environ.get(PROBE_ENV) != "1"
    if os.environ.get(PROBE_ENV) == "1":
        first_expose = FirstExpose(lambda: report_startup_and_quit(app))
    else:
        def after_first_paint() -> None:
            # the defaults (pyqtgraph, data loading) and TensorFlow come once the window is up
            QTimer.singleShot(0, window.select_defaults)
            QTimer.singleShot(0, lambda: start_tensorflow(window.session))

        first_expose = FirstExpose(after_first_paint)
    window.show()
    if app.property("workbench-language-problem"):
        window.statusBar().showMessage(app.property("workbench-language-problem"), 30000)
    first_expose.watch(window)
    open_when_ready(window, [path for path in argv[1:] if os.path.exists(path)])
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
