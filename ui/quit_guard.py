"""Confirm before quitting while something runs: a training run, a comparison run, an
explanation batch or an export.

Closing the window then asks what to do instead of dropping the work:

- **Stop and keep** asks every activity to stop at its next safe point (a run: after the
  current batch, so its last complete epoch stays a resume point), waits for them to end
  with the event loop running (the window stays responsive), then closes the window;
- **Keep training** cancels the close;
- **Quit now** is offered only when quitting at once loses nothing that cannot be
  recovered: a training run's child process is ended, losing at most the epoch in progress
  (every complete epoch is a resume point). An export or an explanation batch in progress
  is waited for instead, so a half-finished job never looks finished.

Panels may declare their own work with a ``busy_activities()`` method returning
``Activity`` objects; panels without it are recognised by what they have (a ``bridge``
that is running, a comparison's ``running()``, an export task in flight).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QMessageBox

STOP, KEEP, QUIT_NOW = "stop", "keep", "quit"
#: How often the guard looks whether the stopped work has ended (milliseconds).
POLL_MS = 100


@dataclass
class Activity:
    """One piece of work the window would interrupt."""

    title: str  # "Train: a training run"
    stop: Callable[[], None] | None  # ask it to stop at its next safe point (None: it cannot stop)
    done: Callable[[], bool]  # True once it has ended
    #: Ending the application at once loses at most the epoch in progress (a run with resume
    #: points); ``kill`` does it. None: quitting at once would lose work, so it is not offered.
    kill: Callable[[], None] | None = None


def _task_in_flight(key: str) -> bool:
    """A background task with ``key`` (ui.bridge) that has not returned yet."""
    from ui import bridge

    task = bridge._latest.get(key)
    return task is not None and not task.done and not task.dropped


def activities(window) -> list[Activity]:
    """What the window's panels are doing now that closing would interrupt."""
    found: list[Activity] = []
    for name, panel in window.panels.items():
        declared = getattr(panel, "busy_activities", None)
        if callable(declared):
            found.extend(declared())
            continue
        title = QCoreApplication.translate("Panel", panel.title)
        run_bridge = getattr(panel, "bridge", None)
        if run_bridge is not None and run_bridge.running:
            what = (QCoreApplication.translate("QuitGuard", "{0}: a training run") if name == "TrainPanel" else
                    QCoreApplication.translate("QuitGuard", "{0}: a comparison run (several trainings)"))
            found.append(Activity(what.format(title), run_bridge.stop,
                                  lambda b=run_bridge: not b.running,
                                  kill=lambda b=run_bridge: b.wait(timeout=1.0)))
        running = getattr(panel, "running", None)
        if callable(running) and running():
            found.append(Activity(QCoreApplication.translate("QuitGuard", "{0}: explanations being computed")
                                  .format(title), getattr(panel, "cancel", None),
                                  lambda p=panel: not p.running()))
        if getattr(panel, "_folder_running", False):
            found.append(Activity(QCoreApplication.translate("QuitGuard", "{0}: explaining a folder of images")
                                  .format(title), getattr(panel, "cancel_folder", None),
                                  lambda p=panel: not p._folder_running))
        if name == "ExportPanel" and _task_in_flight("export"):
            found.append(Activity(QCoreApplication.translate(
                "QuitGuard", "{0}: an export (it is written and verified first)").format(title), None,
                lambda: not _task_in_flight("export")))
    return found


def question(busy: list[Activity], waiting: bool = False) -> tuple[str, str]:
    """The dialog's text and its informative text."""
    items = "".join(f"<li>{activity.title}</li>" for activity in busy)
    text = (QCoreApplication.translate("QuitGuard", "Still stopping:{0}") if waiting
            else QCoreApplication.translate("QuitGuard", "Keras Workbench is still working:{0}")).format(
        f"<ul>{items}</ul>")
    killable = all(activity.kill is not None for activity in busy)
    parts = [] if waiting else [
        QCoreApplication.translate(
            "QuitGuard", "<b>Stop and keep</b> stops each run after its current batch and closes the window once "
            "they have ended: every complete epoch stays a resume point (Train → Resume run…).") if killable else
        QCoreApplication.translate(
            "QuitGuard", "<b>Stop and keep</b> stops each run after its current batch and closes the window once "
            "they have ended: every complete epoch stays a resume point (Train → Resume run…). An export is "
            "finished, an explanation batch cancelled at its next image, first.")]
    if killable:
        parts.append(QCoreApplication.translate(
            "QuitGuard", "<b>Quit now</b> ends the training at once: it loses at most the epoch in "
            "progress; the last complete epoch stays a resume point."))
    else:
        parts.append(QCoreApplication.translate(
            "QuitGuard", "Quitting at once is not offered: it would lose work that is not saved yet."))
    return text, "<br><br>".join(parts)


def ask_dialog(parent, busy: list[Activity], waiting: bool = False) -> str:
    """The question as a message box: STOP, KEEP or QUIT_NOW."""
    text, info = question(busy, waiting)
    box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("QuitGuard", "Quit Keras Workbench?"),
                      text, parent=parent)
    box.setInformativeText(info)
    stop = None if waiting else box.addButton(QCoreApplication.translate("QuitGuard", "Stop and keep"),
                                              QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(QCoreApplication.translate("QuitGuard", "Keep waiting") if waiting
                         else QCoreApplication.translate("QuitGuard", "Keep training"),
                         QMessageBox.ButtonRole.RejectRole)
    quit_now = (box.addButton(QCoreApplication.translate("QuitGuard", "Quit now"), QMessageBox.ButtonRole.DestructiveRole)
                if all(activity.kill is not None for activity in busy) else None)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()  # a nested event loop: the run's curves keep moving while the question waits
    clicked = box.clickedButton()
    if stop is not None and clicked is stop:
        return STOP
    if quit_now is not None and clicked is quit_now:
        return QUIT_NOW
    return KEEP


class QuitGuard(QObject):
    """Decides whether the window may close now (``allow_close``), and closes it itself once
    the work it was asked to stop has ended."""

    def __init__(self, window, ask: Callable | None = None):
        super().__init__(window)
        self.window = window
        #: ``ask(busy, waiting) -> STOP | KEEP | QUIT_NOW`` (tests replace it).
        self.ask = ask or (lambda busy, waiting=False: ask_dialog(window, busy, waiting))
        self.stopping: list[Activity] = []
        self.closing = False  # the work has ended: the next close goes through
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._check)

    def allow_close(self) -> bool:
        if self.closing:
            return True
        if self.stopping:  # asked to stop already: the user may give up waiting
            busy = [activity for activity in self.stopping if not activity.done()]
            if busy and self.ask(busy, True) == QUIT_NOW:
                return self._quit_now(busy)
            return not busy
        busy = activities(self.window)
        if not busy:
            return True
        choice = self.ask(busy, False)
        if choice == KEEP:
            return False
        if choice == QUIT_NOW and all(activity.kill is not None for activity in busy):
            return self._quit_now(busy)
        for activity in busy:
            if activity.stop is not None:
                activity.stop()
        self.stopping = busy
        self.window.statusBar().showMessage(self.tr(
            "Stopping after the current batch; the window closes when the work has ended "
            "(the last complete epoch stays a resume point)…"))
        self._timer.start()
        return False

    def _quit_now(self, busy: list[Activity]) -> bool:
        for activity in busy:
            activity.kill()
        self.closing = True
        return True

    def _check(self) -> None:
        if all(activity.done() for activity in self.stopping):
            self._timer.stop()
            self.closing = True
            self.window.close()
