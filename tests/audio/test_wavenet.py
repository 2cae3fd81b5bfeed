"""WaveNet: mu-law, receptive field 2^L measured from gradients, causality, fast generation."""

import numpy as np
import pytest

from workbench.models.audio import mu_law
from workbench.models.audio import wavenet as W

TINY = {"layers": 4, "stacks": 1, "channels": 4, "skip_channels": 4, "levels": 16, "dilated": True}


def test_mu_law_matches_the_formula_and_librosa():
    librosa = pytest.importorskip("librosa")
    x = np.linspace(-1, 1, 1001)
    np.testing.assert_allclose(mu_law.compress(x), np.sign(x) * np.log(1 + 255 * np.abs(x)) / np.log(256),
                               atol=1e-15)
    np.testing.assert_allclose(mu_law.compress(x, 64), librosa.mu_compress(x, mu=63, quantize=False), atol=1e-12)
    np.testing.assert_allclose(mu_law.expand(mu_law.compress(x)), x, atol=1e-12)
    codes = mu_law.encode(x)
    assert codes.min() == 0 and codes.max() == 255 and codes[500] == 128  # 0.0 -> the middle code
    # companding spends the codes on quiet samples: +-0.01 spans many more codes than 0.9..1.0
    assert mu_law.encode(0.01) - mu_law.encode(-0.01) > 5 * (mu_law.encode(1.0) - mu_law.encode(0.9))
    assert np.abs(mu_law.decode(codes) - x).max() < 0.03  # quantisation error, largest for loud samples
    assert mu_law.encode(np.array([0.5]), 4).tolist() == [int(np.floor((np.log(1 + 3 * 0.5) / np.log(4) + 1) / 2 * 3 + 0.5))]


@pytest.mark.parametrize("layers", [1, 3, 5])
def test_receptive_field_is_two_to_the_depth_and_plain_is_depth_plus_one(layers):
    hp = {**TINY, "layers": layers}
    length = 2 ** layers + 8
    dilated = W.input_reach(W.build_wavenet(hp), length)
    plain = W.input_reach(W.build_wavenet({**hp, "dilated": False}), length)
    # the inputs that reach the last output: exactly the last 2^L samples (L + 1 without dilation)
    assert np.flatnonzero(dilated).tolist() == list(range(length - 2 ** layers, length))
    assert np.flatnonzero(plain).tolist() == list(range(length - layers - 1, length))
    assert W.receptive_field(hp) == 2 ** layers and W.receptive_field({**hp, "dilated": False}) == layers + 1


def test_two_stacks_see_twice_as_far_less_one():
    hp = {**TINY, "layers": 3, "stacks": 2}
    assert W.dilations(hp) == [1, 2, 4, 1, 2, 4]
    assert W.input_reach(W.build_wavenet(hp), 40).sum() == W.receptive_field(hp) == 2 * 7 + 1


def test_output_at_t_does_not_depend_on_later_inputs():
    model = W.build_wavenet(TINY)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (1, 40, 1)).astype(np.float32)
    changed = x.copy()
    changed[0, 25:] = rng.uniform(-1, 1, (15, 1))
    a, b = np.asarray(model(x)), np.asarray(model(changed))
    np.testing.assert_array_equal(a[0, :25], b[0, :25])  # the past is untouched, bit for bit
    assert np.abs(a[0, 25:] - b[0, 25:]).max() > 1e-4
    np.testing.assert_allclose(a.sum(axis=-1), 1.0, atol=1e-5)  # a distribution over the codes


def test_gated_unit_residual_and_skip_by_hand():
    hp = {**TINY, "layers": 1}
    model = W.build_wavenet(hp)
    x = np.random.default_rng(3).uniform(-1, 1, 6)
    weights = {layer.name: [np.asarray(w, np.float64) for w in layer.get_weights()] for layer in model.layers}
    (pk, pb), (fk, fb), (gk, gb) = weights["input_projection"], weights["filter_1"], weights["gate_1"]
    h = x[:, None] @ pk[0] + pb
    previous = np.vstack([np.zeros((1, 4)), h[:-1]])  # dilation 1, causal zero padding
    z = np.tanh(previous @ fk[0] + h @ fk[1] + fb) * (1 / (1 + np.exp(-(previous @ gk[0] + h @ gk[1] + gb))))
    sk, sb = weights["skip_1"]
    ok, ob = weights["output_1x1"]
    nk, nb = weights["next_sample"]
    logits = np.maximum(np.maximum(z @ sk[0] + sb, 0) @ ok[0] + ob, 0) @ nk[0] + nb
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(np.asarray(model(x[None, :, None].astype(np.float32)))[0], expected, atol=1e-5)


def test_fast_generation_gives_the_networks_probabilities():
    hp = {**TINY, "layers": 3, "stacks": 2}
    model = W.build_wavenet(hp)
    x = np.random.default_rng(1).uniform(-1, 1, 30)
    full = np.asarray(model(x[None, :, None].astype(np.float32)))[0]
    net = W.FastGenerator(model, hp)
    np.testing.assert_allclose(np.stack([net.step(v) for v in x]), full, atol=1e-5)


def test_generation_is_repeatable_and_greedy_at_temperature_zero():
    hp = {**TINY, "temperature": 1.0}
    model = W.build_wavenet(hp)
    primer = mu_law.encode(np.sin(np.arange(20) / 3), 16)
    a = W.generate(model, hp, primer, 12, np.random.default_rng(5))
    b = W.generate(model, hp, primer, 12, np.random.default_rng(5))
    assert a.tolist() == b.tolist() and len(a) == 12 and 0 <= a.min() and a.max() < 16
    greedy = W.generate(model, hp, primer, 5, np.random.default_rng(0), temperature=0)
    history = list(primer)
    for code in greedy:  # each greedy code is the argmax given everything before it
        probs = np.asarray(model(mu_law.code_to_unit(np.array(history), 16)[None, :, None].astype(np.float32)))
        assert code == int(np.argmax(probs[0, -1]))
        history.append(code)


def test_training_windows_predict_the_next_sample():
    waves = np.sin(np.arange(200) / 5)[None].repeat(3, 0)[..., None]
    x, y = W.training_windows(waves, 50, 2, 256, seed=0)
    assert x.shape == (6, 50, 1) and y.shape == (6, 50)
    codes_in = np.rint((x[..., 0] + 1) / 2 * 255).astype(int)
    np.testing.assert_array_equal(codes_in[:, 1:], y[:, :-1])  # the target at t is the input at t + 1


def test_receptive_field_views():
    grid, curves = W.reach_view({**TINY, "layers": 3})
    assert grid.value.values.shape == (6, 8)
    np.testing.assert_array_equal(grid.value.values.sum(axis=1), [2, 4, 8, 2, 3, 4])
    assert grid.value.row_labels[0] == "dilated 1" and grid.value.col_labels[-1] == "t"
    assert curves.value.series["plain causal"][1].tolist() == [2, 3, 4]
