"""Audio models of catalog section D: WaveNet (dilated causal convolutions) and a BiLSTM
trained with CTC."""
