"""Hand-written BPTT equals TensorFlow's autodiff; gradient norms vanish or explode over time."""

import numpy as np
import pytest

from workbench.models import rnn_bptt
from workbench.training import events
from workbench.training.config import TrainConfig
from workbench.training.control import RunControl
from workbench.training.job import run_training


def _problem(seed=1, batch=3, steps=7, inputs=2, hidden=5, radius=1.2):
    rng = np.random.default_rng(seed)
    params = rnn_bptt.init_params(inputs, hidden, 1, radius, seed)
    params["b"] = rng.standard_normal(hidden) * 0.1
    params["c"] = rng.standard_normal(1) * 0.1
    x = rng.standard_normal((batch, steps, inputs))
    targets = rng.integers(0, 2, size=(batch, steps, 1)).astype(float)
    return params, x, targets


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
def test_hand_written_bptt_equals_gradient_tape(activation):
    params, x, targets = _problem()
    loss, grads, _ = rnn_bptt.bptt(params, x, targets, activation)
    reference_loss, reference = rnn_bptt.autodiff_gradients(params, x, targets, activation)
    assert loss == pytest.approx(reference_loss, abs=1e-10)
    for name in rnn_bptt.PARAMS:
        assert np.abs(reference[name]).max() > 1e-4, name  # a gradient that is really there
        np.testing.assert_allclose(grads[name], reference[name], atol=1e-5, rtol=0, err_msg=name)


def test_last_step_loss_gradients_also_match():
    params, x, targets = _problem(seed=2, steps=9)
    last = np.eye(9)[-1]
    _, grads, norms = rnn_bptt.bptt(params, x, targets, "tanh", last)
    _, reference = rnn_bptt.autodiff_gradients(params, x, targets, "tanh", last)
    for name in rnn_bptt.PARAMS:
        np.testing.assert_allclose(grads[name], reference[name], atol=1e-5, rtol=0, err_msg=name)
    assert norms.shape == (9,) and (norms > 0).all()


def test_keras_layer_runs_the_same_forward_pass():
    from workbench.data import DataInfo

    info = DataInfo("s", "sequence", "sequence", (6, 2))
    model = rnn_bptt.build_rnn_bptt({"hidden_units": 4, "activation": "tanh", "spectral_radius": 0.8}, info)
    params = {n: w.numpy().astype(np.float64) for n, w in zip(rnn_bptt.PARAMS, model.get_layer("rnn").weights)}
    x = np.random.default_rng(0).standard_normal((5, 6, 2)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), rnn_bptt.forward(params, x, "tanh")["y"], atol=1e-5)
    assert max(abs(np.linalg.eigvals(params["w"]))) == pytest.approx(0.8, abs=1e-5)


def test_gradient_vanishes_below_spectral_radius_one_and_explodes_above():
    curves = rnn_bptt.gradient_norm_curves((0.5, 0.9, 1.1, 1.5), steps=20, activation="tanh")
    ratios = {name: rnn_bptt.first_to_last_ratio(norms) for name, (_, norms) in curves.items()}
    assert ratios["rho=0.5"] < 1e-4 and ratios["rho=0.9"] < 0.5
    assert ratios["rho=1.1"] > 1.5 and ratios["rho=1.5"] > 10
    assert list(curves["rho=0.5"][0]) == list(range(1, 21))
    # a linear RNN with orthogonal W scaled by rho shrinks or grows by exactly rho per step
    linear = rnn_bptt.gradient_norm_curves((0.5, 1.5), steps=6, activation="linear")
    assert rnn_bptt.first_to_last_ratio(linear["rho=0.5"][1]) == pytest.approx(0.5 ** 5)
    assert rnn_bptt.first_to_last_ratio(linear["rho=1.5"][1]) == pytest.approx(1.5 ** 5)


def test_training_learns_binary_addition_and_reports_the_curves(tmp_path):
    received = []
    result = run_training(TrainConfig("rnn_bptt", data="binary_addition", epochs=5, batch_size=16,
                                      out=str(tmp_path / "rnn"), data_options={"samples": 1200}),
                          emit=received.append)
    history = result.history
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_bit_accuracy"][-1] > 0.95 and history["val_loss"][-1] < history["val_loss"][0]
    figure = next(e for e in received if isinstance(e, events.View) and e.name == "gradient_norms")
    assert set(figure.value.series) == {f"rho={r:g}" for r in rnn_bptt.DEFAULT_RADII}
    check = next(e for e in received if isinstance(e, events.Text))
    assert float(check.text.rsplit(" ", 1)[-1]) < 1e-5
    assert sum(isinstance(e, events.EpochEnd) for e in received) == 5


def test_training_honours_steps_per_epoch_and_stop(tmp_path):
    received = []
    run_training(TrainConfig("rnn_bptt", data="binary_addition", epochs=2, steps_per_epoch=3,
                             out=str(tmp_path / "a"), hparams={"hidden_units": 4}), emit=received.append)
    assert [e.step for e in received if isinstance(e, events.BatchEnd)] == [1, 2, 3, 1, 2, 3]
    control = RunControl()
    control.stop()
    stopped = run_training(TrainConfig("rnn_bptt", data="binary_addition", epochs=3, out=str(tmp_path / "b")),
                           control=control)
    assert stopped.stopped and stopped.history == {}
