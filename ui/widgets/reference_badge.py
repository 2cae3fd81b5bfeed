"""The Model tab's badge: the chosen entry's outside reference and its check on this machine.

The reference (a keras.applications or paper parameter count, tf-keras-vis's Grad-CAM,
pycocotools' COCOeval, the CartPole threshold) comes from ``workbench.references``; the
check builds models or runs the other library, so it runs in the background (the TF
lane), and its result is cached: the second time, the badge is filled from the cache.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.bridge import run_in_background

#: The lane shared with every other Keras call of the GUI (see ``ui.bridge._Lane``).
TF_LANE = "tf"
GREEN, RED, GREY = "#1a7f37", "#b42318", "#606060"


def number(value) -> str:
    from workbench.references.checks import format_number

    return format_number(value, missing="–")


def result_html(result: dict) -> str:
    """✓ / ✗ / – with expected vs measured, the library's version and when it was checked."""
    ok = result["ok"]
    sign, colour = {True: ("✓", GREEN), False: ("✗", RED), None: ("–", GREY)}[ok]
    ref = result["reference"]
    version = f"{ref['library']} {ref['version']}" if ref.get("version") else (ref.get("library") or ref["source"])
    when = result.get("checked_at", "").replace("T", " ")[:16]
    if result.get("cached"):
        how = QCoreApplication.translate("ReferenceBadge", "cached")
    else:
        how = QCoreApplication.translate("ReferenceBadge", "{0} s").format(f"{result.get('seconds', 0):.1f}")
    figures = "" if ok is None else QCoreApplication.translate(
        "ReferenceBadge", "expected <b>{0}</b>, measured <b>{1}</b> · ").format(
            number(result["expected"]), number(result["measured"]))
    checked = QCoreApplication.translate("ReferenceBadge", "{0} · {1} UTC ({2})").format(version, when, how)
    return (f"<span style='color:{colour}; font-size:15pt; font-weight:bold'>{sign}</span> "
            f"{figures}{checked}<br>"
            f"<span style='color:{GREY}'>{result['detail']}</span>")


class ReferenceBadge(QGroupBox):
    """Shows one entry's reference; "Check" runs it in the background."""

    #: The result dict of the latest finished check or cache read (tests wait on it).
    result_shown = Signal(object)

    def __init__(self, runs_roots=None, parent=None):
        """``runs_roots``: a callable giving the runs folders a threshold check reads besides
        the default one (the session's runs folder)."""
        super().__init__(parent)
        self.setTitle(self.tr("Outside reference"))
        self.runs_roots = runs_roots or (lambda: [])
        self.name: str | None = None
        self.result: dict | None = None
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.button = QPushButton(self.tr("Check"))
        self.button.setToolTip(self.tr("Compare this entry with its reference on this machine (in the background)"))
        self.button.clicked.connect(self.check)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 4)
        column.addWidget(self.what)
        column.addLayout(row)
        self.hide()

    def show_entry(self, entry) -> None:
        """Describe ``entry``'s reference (hidden when it has none) and fill in a cached result."""
        from workbench import references

        reference = references.reference_for(entry.name)
        self.name, self.result = entry.name, None
        if reference is None:
            self.hide()
            return
        expected = "" if reference.expected is None else " · " + self.tr("expected <b>{0}</b>").format(
            number(reference.expected))
        setting = "" if not reference.setting else "<br><span style='color:{}'>{}</span>".format(
            GREY, self.tr("built with {0}").format(reference.setting))
        self.what.setText(f"<b>{reference.kind}</b> · {reference.what}{expected}{setting}")
        self._unchecked(self.tr("Looking for a cached result…"))
        self.show()
        name = entry.name
        run_in_background(lambda: references.cached_result(name), lambda found: self._cached(name, found),
                          lambda message: self._unchecked(self.tr("Cache not readable: {0}").format(message)),
                          key="reference_badge", owner=self)

    def check(self) -> None:
        from workbench import references

        if self.name is None:
            return
        name, roots = self.name, list(self.runs_roots())
        self.button.setEnabled(False)
        self.status.setText("<span style='color:{}'>{}</span>".format(
            GREY, self.tr("Checking {0} against its reference (in the background)…").format(name)))
        run_in_background(lambda: references.run_check(name, use_cache=False, runs_roots=roots),
                          lambda result: self._show(name, result), lambda message: self._failed(name, message),
                          key="reference_badge", lane=TF_LANE, owner=self)

    # -- results (GUI thread) -----------------------------------------------------------------
    def _cached(self, name: str, found: dict | None) -> None:
        if found is None:
            self._unchecked(self.tr("Not checked on this machine yet: press Check (it may take a few seconds)."))
        else:
            self._show(name, found)

    def _unchecked(self, text: str) -> None:
        self.status.setText(f"<span style='color:{GREY}'>{text}</span>")
        self.button.setText(self.tr("Check"))
        self.button.setEnabled(True)

    def _show(self, name: str, result: dict) -> None:
        if name != self.name:
            return
        self.result = result
        self.status.setText(result_html(result))
        self.button.setText(self.tr("Check again"))
        self.button.setEnabled(True)
        self.result_shown.emit(result)

    def _failed(self, name: str, message: str) -> None:
        if name == self.name:
            self.status.setText("<span style='color:{}'>{}</span>".format(
                RED, self.tr("✗ could not check: {0}").format(message)))
            self.button.setEnabled(True)
