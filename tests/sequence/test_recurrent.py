"""The recurrent family: peephole LSTM gate equations, the shared gradient-norm view, and
what a bidirectional layer sees that a one-way one cannot."""

import keras
import numpy as np
import pytest

from workbench.catalog.registry import get
from workbench.data.base import DataInfo
from workbench.models.sequence import gradient_flow, recurrent
from workbench.models.sequence.peephole_lstm import PeepholeLSTMCell
from workbench.training import TrainConfig
from workbench.training.job import run_training
from workbench.views.store import load_view


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_peephole_cell_step_matches_the_gate_equations_by_hand():
    rng = np.random.default_rng(0)
    features, units, batch = 3, 4, 2
    cell = PeepholeLSTMCell(units)
    cell.build((None, features))
    weights = [rng.normal(size=w.shape).astype(np.float32) * 0.7 for w in cell.weights]
    cell.set_weights(weights)
    kernel, recurrent_kernel, bias, p_i, p_f, p_o = weights
    x = rng.normal(size=(batch, features)).astype(np.float32)
    h0 = rng.normal(size=(batch, units)).astype(np.float32)
    c0 = rng.normal(size=(batch, units)).astype(np.float32)

    h, (h_state, c) = cell(x, [h0, c0])

    z = x @ kernel + h0 @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=1)
    i = _sigmoid(z_i + p_i * c0)  # the input and forget gates peek at the old cell state
    f = _sigmoid(z_f + p_f * c0)
    c_expected = f * c0 + i * np.tanh(z_c)  # the constant error carousel: additive
    o = _sigmoid(z_o + p_o * c_expected)  # the output gate peeks at the new one
    np.testing.assert_allclose(np.asarray(c), c_expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(h), o * np.tanh(c_expected), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(h), np.asarray(h_state))


def test_peephole_cell_without_peepholes_is_keras_lstm():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    ours = keras.layers.RNN(PeepholeLSTMCell(4), return_sequences=True)
    theirs = keras.layers.LSTM(4, return_sequences=True)
    ours(x), theirs(x)
    kernel, recurrent_kernel, bias = theirs.get_weights()
    ours.set_weights([kernel, recurrent_kernel, bias + 0.3, *np.zeros((3, 4), np.float32)])
    theirs.set_weights([kernel, recurrent_kernel, bias + 0.3])
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), atol=1e-5)
    # and with peepholes switched on the output differs: they are wired in
    ours.set_weights([kernel, recurrent_kernel, bias + 0.3, *np.full((3, 4), 0.5, np.float32)])
    assert np.abs(np.asarray(ours(x)) - np.asarray(theirs(x))).max() > 1e-3


def test_hidden_state_gradient_norms_match_bptt_by_hand_for_simple_rnn():
    """||dL/dh_t|| for a SimpleRNN + softmax on the last state, against numpy BPTT:
    dL/dh_T = (p - onehot) W_out^T / B and dL/dh_t = (dL/dh_(t+1) * (1 - h_(t+1)^2)) U^T."""
    rng = np.random.default_rng(2)
    steps, symbols, units, batch = 6, 3, 5, 4
    info = DataInfo("long_gap", "sequence", "classification", (steps, symbols), ("A", "B", "C"), ("A", "B", "C"))
    model = recurrent.build_simple_rnn({"units": units}, info)
    x = np.eye(symbols, dtype=np.float32)[rng.integers(0, symbols, (batch, steps))]
    y = rng.integers(0, symbols, batch)

    norms = gradient_flow.hidden_state_gradient_norms(model, x, y)[""]

    w, u, b = (v.astype(np.float64) for v in model.get_layer("rnn").get_weights())
    w_out, b_out = (v.astype(np.float64) for v in model.get_layer("predictions").get_weights())
    h = [np.zeros((batch, units))]
    for t in range(steps):
        h.append(np.tanh(x[:, t] @ w + h[-1] @ u + b))
    logits = h[-1] @ w_out + b_out
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    d_h = (p - np.eye(symbols)[y]) @ w_out.T / batch
    expected = [np.linalg.norm(d_h)]
    for t in range(steps - 1, 0, -1):
        d_h = (d_h * (1 - h[t + 1] ** 2)) @ u.T
        expected.append(np.linalg.norm(d_h))
    np.testing.assert_allclose(norms, expected[::-1], rtol=1e-4)
    assert norms[0] < norms[-1]  # the error shrinks on its way back


@pytest.mark.parametrize("peephole", [False, True])
def test_forget_bias_opens_only_the_forget_gates(peephole):
    info = DataInfo("long_gap", "sequence", "classification", (4, 3), ("A", "B", "C"), ("A", "B", "C"))
    bias = recurrent.build_lstm({"units": 5, "peephole": peephole, "forget_bias": 3.0}, info) \
        .get_layer("rnn").cell.bias.numpy()
    np.testing.assert_array_equal(bias, np.r_[np.zeros(5), np.full(5, 3.0), np.zeros(10)])


def test_bidirectional_output_depends_on_later_inputs_and_one_way_does_not():
    info = DataInfo("lookahead", "sequence", "sequence", (8, 3), ("A", "B", "C", "end"), ("A", "B", "C"))
    x = np.eye(3, dtype=np.float32)[np.random.default_rng(3).integers(0, 3, 8)]
    for cell in recurrent.CELLS:
        keras.utils.set_random_seed(0)
        one_way = recurrent.build_recurrent(cell, {"units": 4}, info)
        both = recurrent.build_bidirectional({"units": 4, "cell": cell}, info)
        past, future = recurrent.future_sensitivity(one_way, x, t=3)
        assert past > 1e-4 and future == 0.0, cell
        past, future = recurrent.future_sensitivity(both, x, t=3)
        assert past > 1e-4 and future > 1e-4, cell


def test_lookahead_ahead_accuracy_counts_only_steps_with_a_symbol_ahead():
    class Fixed(keras.Model):
        def predict(self, x, **kw):
            return np.eye(4)[np.array([[0, 1, 3, 3], [2, 2, 3, 3]])]

    callback = recurrent.AheadAccuracy(np.zeros((2, 4, 3)), np.array([[0, 2, 3, 3], [2, 2, 3, 3]]), end_class=3)
    callback.set_model(Fixed())
    logs = {}
    callback.on_epoch_end(0, logs)
    assert logs["val_ahead_accuracy"] == pytest.approx(3 / 4)  # the 'end' steps are not counted


@pytest.mark.parametrize("name,extra", [("lstm", {"peephole": True}), ("bidirectional", {"cell": "gru"})])
def test_entry_shows_gradient_norms_in_the_shared_view(tmp_path, name, extra):
    data = "long_gap" if name == "lstm" else "lookahead"
    options = {"gap": 5, "samples": 200} if name == "lstm" else {"length": 6, "samples": 200}
    config = TrainConfig(name, data, epochs=1, batch_size=16, steps_per_epoch=2, seed=0, data_options=options,
                         eager=True,
                         hparams={"units": 4, **extra}, out=str(tmp_path / name))
    result = run_training(config)
    view = load_view(result.run_dir, gradient_flow.VIEW_NAME)
    assert (view.value.x_label, view.value.y_label, view.value.log_y) == ("time step t", "||dL/dh_t||", True)
    directions = [""] if name == "lstm" else ["forward", "backward"]
    assert sorted(view.value.series) == sorted(f"{d} epoch {e}".strip() for d in directions for e in (0, 1))
    data = result.dataset
    now = gradient_flow.hidden_state_gradient_norms(result.model, data.x_val[:32], data.y_val[:32])
    for direction, norms in now.items():
        t, values = view.value.series[f"{direction} epoch 1".strip()]
        np.testing.assert_array_equal(t, np.arange(1, len(norms) + 1))
        np.testing.assert_allclose(values, norms, rtol=1e-4)
    if name == "bidirectional":
        assert "val_ahead_accuracy" in result.history
    assert get(name).task == "sequence"


def test_rnn_bptt_uses_the_same_view_format():
    from workbench.models import rnn_bptt

    curves = rnn_bptt.gradient_norm_curves((0.5, 1.5), steps=4, hidden=3)
    view = gradient_flow.gradient_norm_view(curves, "t")
    assert view.name == "gradient_norms" and view.value.y_label == "||dL/dh_t||" and view.value.log_y
