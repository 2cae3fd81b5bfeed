"""An audio classifier's run ends with what the network heard: one clip's mel spectrogram
and MFCCs, the same numbers as ``workbench.audio.features`` gives for that clip."""

import numpy as np

from workbench.audio import features as F
from workbench.audio.clips import frame_settings
from workbench.data import registry
from workbench.views.standard import final_views


class _Constant:
    """Any model: only the dataset decides the audio views."""

    def predict(self, x, verbose=0):
        return np.full((len(x), 6), 1 / 6, np.float32)

    def __call__(self, x, training=False):
        return self.predict(x)


def test_audio_runs_end_with_mel_and_mfcc_views_of_a_real_clip():
    dataset = registry.load("audio_tones", {"samples": 24})
    views = {view.name: view for view in final_views(_Constant(), dataset, step=3)}
    assert {"mel_spectrogram", "mfcc"} <= set(views)
    name, wave = next(iter(dataset.waveforms.items()))
    n_fft, hop = frame_settings(dataset.sample_rate)
    mfcc = F.mfcc(np.asarray(wave, np.float32).ravel(), dataset.sample_rate, n_fft=n_fft, hop_length=hop,
                  n_mels=40, n_mfcc=13)
    grid = views["mfcc"].value.values
    assert grid.shape[0] == mfcc.shape[0] == 13
    # the view pools frames into columns: each column is a mean of the clip's own MFCC frames
    assert np.isclose(grid.mean(), mfcc.mean(), rtol=0.05, atol=0.5)
    assert views["mfcc"].step == 3 and name in views["mfcc"].title


def test_image_runs_get_no_audio_views():
    dataset = registry.load("digits")
    assert not [v for v in final_views(_Constant(), dataset) if v.name in ("mel_spectrogram", "mfcc")]
