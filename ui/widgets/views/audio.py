"""An ``Audio`` view: the waveform over time and the spectrogram (dB) under it.

The spectrogram comes computed from the run's process (``workbench.views.display``); a
view without it (reopened from a run directory) has it computed on a worker thread.

No Play button: QtMultimedia needs a sound server library (libpulse) that a headless
machine lacks, and a view must work everywhere; the spectrogram shows what one would hear.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.widgets.views.common import in_background, plot_widget
from ui.widgets.views.heatgrid import colormap
from workbench.views.display import spectrogram


class AudioView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.value = None
        self.spectrum = None  # (freqs, times, dB) drawn
        self.caption = QLabel("")
        self.caption.setStyleSheet("color: #404040;")
        self.wave_plot = plot_widget()
        wave = self.wave_plot.getPlotItem()
        wave.setLabel("left", self.tr("amplitude"))
        wave.hideAxis("bottom")  # shares the spectrogram's time axis below it
        self.wave = wave.plot([], [], pen=pg.mkPen((31, 119, 180), width=1))
        self.wave.setDownsampling(auto=True, method="peak")  # a minute of audio is 3 M samples
        self.wave.setClipToView(True)
        self.spec_plot = plot_widget()
        spec = self.spec_plot.getPlotItem()
        spec.showGrid(x=False, y=False)
        spec.setLabel("left", self.tr("frequency (Hz)"))
        spec.setLabel("bottom", self.tr("time (s)"))
        spec.setXLink(wave)
        self.image = pg.ImageItem()
        self.image.setColorMap(colormap("magma"))
        spec.addItem(self.image)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.wave_plot, 2)
        layout.addWidget(self.spec_plot, 3)

    def set_value(self, value) -> None:
        self.value = value
        samples, rate = value.samples, value.sample_rate
        seconds = len(samples) / rate
        length = self.tr("{0} s at {1} Hz").format(f"{seconds:.2f}", f"{rate:,}")
        self.caption.setText(f"{value.caption} · {length}" if value.caption else length)
        self.caption.setVisible(True)
        self.wave.setData(np.arange(len(samples)) / rate, samples)
        if value.spectrum is not None:  # computed where the run runs
            self._show_spectrum(value.spectrum or None, len(samples), rate)
            return

        def done(spectrum) -> None:
            if self.value is value:
                self._show_spectrum(spectrum, len(samples), rate)

        in_background(self, lambda: spectrogram(samples, rate), done, key=f"spectrogram-{id(self)}")

    def show_problem(self, message: str) -> None:
        self.caption.setText(message)

    def _show_spectrum(self, spectrum, count: int, rate: int) -> None:
        self.spectrum = spectrum
        if spectrum is None:
            self.image.clear()
            return
        freqs, times, db = spectrum
        self.image.setImage(db.T, autoLevels=False, levels=(float(db.min()), float(db.max())))
        # each column covers one hop, each row one frequency bin
        hop = times[1] - times[0] if len(times) > 1 else count / rate
        step = freqs[1] - freqs[0] if len(freqs) > 1 else rate / 2
        self.image.setRect(float(times[0] - hop / 2), float(-step / 2), float(hop * len(times)),
                           float(step * len(freqs)))
