"""What a live window needs beyond a view's numbers, computed where the run runs.

A scatter's projection, a graph's layout and a sound's spectrogram cost milliseconds to
seconds of Python and numpy under the interpreter lock. Computed in the window's
process, even on a worker thread, they make its event loop late; so the run's process
prepares them (``prepare``) before a view travels to the window (``DisplaySender``), and
the window only draws. It computes them itself only for values that arrive without them
(views reopened from a run directory, another projection chosen in a tile).

The prepared parts never reach the run directory: ``to_record`` leaves them out, and
the PNG renderer computes the same seeded layout and projection (from the same caches
when it runs in the same process, ``projection.project`` and ``graph_layout``).
"""

from __future__ import annotations

import dataclasses
import queue
import threading

import numpy as np

from workbench.views import types

#: Samples at most given to a spectrogram (10 s at 48 kHz).
MAX_SPECTROGRAM_SAMPLES = 480_000


def spectrogram(samples: np.ndarray, rate: int):
    """``(freqs, times, dB)``: Welch segments of up to 256 samples, half overlapping (the
    window's and the PNG's settings alike); ``None`` for clips too short to have one."""
    from scipy.signal import spectrogram as welch_spectrogram

    samples = np.asarray(samples, np.float64)[:MAX_SPECTROGRAM_SAMPLES]
    if len(samples) < 16:
        return None
    segment = int(min(256, 2 ** np.floor(np.log2(len(samples) / 4))))
    freqs, times, power = welch_spectrogram(samples, fs=rate, nperseg=segment, noverlap=segment // 2)
    return freqs, times, 10 * np.log10(power + 1e-10)


def prepare(view: types.View) -> types.View:
    """``view`` with its value's drawing work done: a scatter's projection (its own
    method), a graph's layout, a sound's spectrogram. Other kinds pass unchanged; so does
    the original ``view`` object, which a recorder may still be writing."""
    value = view.value
    if isinstance(value, types.Scatter) and value.features.shape[1] > 2 and not value.projected:
        from workbench.views.projection import project

        value = dataclasses.replace(value, projected={value.projection: project(value.features, value.projection)})
    elif isinstance(value, types.Graph) and value.positions is None:
        from workbench.views.graph_layout import graph_layout

        value = dataclasses.replace(value, positions=graph_layout(value.edges, value.num_nodes))
    elif isinstance(value, types.Audio) and value.spectrum is None:
        value = dataclasses.replace(value, spectrum=spectrogram(value.samples, value.sample_rate) or ())
    else:
        return view
    prepared = dataclasses.replace(view, value=value)
    if hasattr(view, "png"):  # where the recorder draws it, for printers
        prepared.png = view.png
    return prepared


class DisplaySender:
    """An event sink for a run in its own process: every event goes on to ``put`` in
    order, views first prepared by ``prepare`` on this sender's thread, so the run's
    thread never waits for a layout and the window never computes one.

    ``close()`` sends what is queued and returns when the last event has been handed on.
    """

    def __init__(self, put):
        self.put = put
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._send, name="view-display", daemon=True)
        self._thread.start()

    def __call__(self, event) -> None:
        self._queue.put(event)

    def _send(self) -> None:
        while True:
            event = self._queue.get()
            if event is _CLOSE:
                return
            if isinstance(event, types.View):
                try:
                    event = prepare(event)
                except Exception:  # noqa: BLE001 - unprepared, the window computes it (and says what failed)
                    pass
            self.put(event)

    def close(self) -> None:
        self._queue.put(_CLOSE)
        self._thread.join()


_CLOSE = object()
