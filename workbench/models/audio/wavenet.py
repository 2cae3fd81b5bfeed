"""WaveNet (van den Oord et al., 2016): a waveform predicted one sample at a time.

Each output ``p(x_t | x_<t)`` is a softmax over the ``levels`` mu-law codes of the next
sample. The network is a stack of *dilated causal* convolutions of kernel 2 with dilations
1, 2, 4, ..., 2^(L-1) (repeated ``stacks`` times): causal, so the output at t never sees an
input after t; dilated, so the receptive field doubles with each layer, 2^L samples for L
layers, where plain causal convolutions of the same depth see only L + 1. Each layer has

    z = tanh(W_f * x) . sigmoid(W_g * x)     (the gated activation unit)
    x <- x + 1x1(z)                          (residual connection)
    skip += 1x1(z)                           (skip connection to the output)

and the output is ``softmax(1x1(relu(1x1(relu(sum skips)))))``. The input is each sample's
mu-law code mapped back to [-1, 1] (one number per step). The first 1x1 convolution has no
extent in time, so the receptive field is exactly ``stacks (2^L - 1) + 1``.

Training is teacher forcing on windows of real waveforms (``fit`` with the next sample's
code as the target at every step); generation feeds each sampled code back in. Each epoch
shows a generated sound (``Audio``) and, once, which inputs reach the output in the dilated
stack and in plain causal convolutions of the same depth, measured from gradients.
"""

from __future__ import annotations

import keras
import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.models.audio import mu_law
from workbench.views.types import Audio, Curves, HeatGrid, View


def dilations(hp: dict) -> list[int]:
    """1, 2, 4, ..., 2^(L-1) per stack (all 1 for the plain stack)."""
    per_stack = [2 ** i if hp.get("dilated", True) else 1 for i in range(hp["layers"])]
    return per_stack * hp.get("stacks", 1)


def receptive_field(hp: dict) -> int:
    """Inputs that reach one output: 1 + sum over layers of (kernel - 1) * dilation."""
    return 1 + sum(dilations(hp))


def build_wavenet(hp: dict, info=None) -> keras.Model:
    """(batch, time, 1) companded samples -> (batch, time, levels) next-sample probabilities."""
    channels, skip_channels, levels = hp["channels"], hp["skip_channels"], hp["levels"]
    inputs = keras.Input((None, 1), name="waveform")
    x = keras.layers.Conv1D(channels, 1, name="input_projection")(inputs)  # no extent in time
    skips = []
    for i, d in enumerate(dilations(hp)):
        x, skip = _residual_block(x, i, d, channels, skip_channels)
        skips.append(skip)
    s = keras.layers.Activation("relu", name="skip_relu")(
        keras.layers.Add(name="skip_sum")(skips) if len(skips) > 1 else skips[0])
    s = keras.layers.Conv1D(skip_channels, 1, activation="relu", name="output_1x1")(s)
    outputs = keras.layers.Conv1D(levels, 1, activation="softmax", name="next_sample", dtype="float32")(s)
    name = "wavenet" if hp.get("dilated", True) else "plain_causal_cnn"
    return keras.Model(inputs, outputs, name=name)


def _residual_block(x, i: int, dilation: int, channels: int, skip_channels: int):
    conv = {"kernel_size": 2, "dilation_rate": dilation, "padding": "causal"}
    filt = keras.layers.Conv1D(channels, activation="tanh", name=f"filter_{i + 1}", **conv)(x)
    gate = keras.layers.Conv1D(channels, activation="sigmoid", name=f"gate_{i + 1}", **conv)(x)
    z = keras.layers.Multiply(name=f"gated_{i + 1}")([filt, gate])
    skip = keras.layers.Conv1D(skip_channels, 1, name=f"skip_{i + 1}")(z)
    residual = keras.layers.Conv1D(channels, 1, name=f"residual_1x1_{i + 1}")(z)
    return keras.layers.Add(name=f"residual_{i + 1}")([x, residual]), skip


# ----------------------------------------------------------------------------- receptive field

REACH_TRIALS = 16

def input_reach(model, length: int, output_layer: str | None = None) -> np.ndarray:
    """``(length,)`` booleans: which inputs change the last output (non-zero gradient of the
    output at the last step, summed over its channels, with respect to each input sample).

    ``output_layer`` measures at an inner layer (``gated_3``) instead of the output. The
    channels are mixed with fixed random weights: their plain sum would be constant for a
    softmax (probabilities sum to 1) and its gradient zero everywhere."""
    import tensorflow as tf

    probe = model if output_layer is None else keras.Model(model.input, model.get_layer(output_layer).output)
    # Several random inputs: a ReLU that happens to be off for one input blocks its gradient;
    # an input reaches the output when its gradient is non-zero for any of them.
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (REACH_TRIALS, length, 1)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = probe(x, training=False)[:, -1]
        mix = np.random.default_rng(1).uniform(0.5, 1.5, out.shape[-1]).astype(np.float32)
        last = tf.reduce_sum(out * mix)
    return np.any(np.asarray(tape.gradient(last, x))[:, :, 0] != 0.0, axis=0)


def reach_view(hp: dict, step: int = 1) -> tuple[View, View]:
    """Which inputs reach the output after each layer, dilated (this model's dilations) against
    plain causal convolutions of the same depth, measured on two probe stacks (the rows of the
    heat grid), and the receptive field by depth (the curves)."""
    depth = len(dilations(hp))
    probe_hp = {**hp, "channels": 2, "skip_channels": 2, "levels": 2}
    field = receptive_field(hp)
    rows, labels, sizes = [], [], {"dilated (WaveNet)": [], "plain causal": []}
    for dilated, label in ((True, "dilated (WaveNet)"), (False, "plain causal")):
        probe = build_wavenet({**probe_hp, "dilated": dilated})
        for layer in range(1, depth + 1):
            reach = input_reach(probe, field, f"gated_{layer}")
            rows.append(reach.astype(np.float64))
            labels.append(f"{'dilated' if dilated else 'plain'} {layer}")
            sizes[label].append(int(reach.sum()))
    columns = [f"t-{k}" if k else "t" for k in range(field - 1, -1, -1)]
    grid = View("receptive_field", HeatGrid(
        np.array(rows), labels, columns, x_label="input sample", y_label="after layer",
        colormap="Blues"),
        f"Inputs reaching the output at t: dilated stack ({field} samples) vs plain ({depth + 1})",
        step=step)
    layers = np.arange(1, depth + 1)
    curves = View("receptive_field_size", Curves(
        {name: (layers, values) for name, values in sizes.items()}, "layers", "receptive field (samples)",
        log_y=True), "Receptive field by depth (measured from gradients)", step=step)
    return grid, curves


# ----------------------------------------------------------------------------- data

def training_windows(waves: np.ndarray, window: int, per_clip: int, levels: int, seed: int):
    """Crops of ``window + 1`` samples from each clip, at positions drawn from ``seed``:
    the inputs are the companded codes of samples 0..window-1, the targets the codes of
    samples 1..window (the next sample at every step)."""
    waves = np.asarray(waves, np.float64).reshape(len(waves), -1)
    if waves.shape[1] < window + 1:
        raise WorkbenchError(f"window={window} needs clips of at least {window + 1} samples, but these "
                             f"have {waves.shape[1]}; lower window or raise the data's duration")
    rng = rng_for(seed, 0)
    starts = rng.integers(0, waves.shape[1] - window, size=(len(waves), per_clip))
    crops = np.stack([waves[i, s:s + window + 1] for i in range(len(waves)) for s in starts[i]])
    codes = mu_law.encode(crops, levels)
    x = mu_law.code_to_unit(codes[:, :-1], levels).astype(np.float32)[..., None]
    return x, codes[:, 1:].astype(np.int32)


# ----------------------------------------------------------------------------- generation

class FastGenerator:
    """One sample at a time with cached activations (Paine et al., "Fast Wavenet", 2016).

    A kernel-2 layer of dilation d needs only its input at t and at t - d; keeping each
    layer's last d inputs in a queue makes a step cost one column of the network
    (O(layers x channels^2)) instead of a pass over the whole receptive field. It reads the
    trained Keras layers' weights and gives the same probabilities as ``model`` over a
    sequence (checked in the tests); the queues start at zero, as causal padding does."""

    def __init__(self, model, hp: dict):
        weights = {layer.name: [np.asarray(w, np.float64) for w in layer.get_weights()]
                   for layer in model.layers if layer.get_weights()}
        self.d = dilations(hp)
        self.project = _dense(weights["input_projection"])
        self.blocks = []
        for i, _ in enumerate(self.d, start=1):
            filt_k, filt_b = weights[f"filter_{i}"]
            gate_k, gate_b = weights[f"gate_{i}"]
            residual = weights.get(f"residual_1x1_{i}")  # the last layer's residual is unused
            self.blocks.append((filt_k, filt_b, gate_k, gate_b, _dense(weights[f"skip_{i}"]),
                                _dense(residual) if residual else None))
        self.hidden, self.out = _dense(weights["output_1x1"]), _dense(weights["next_sample"])
        channels = filt_k.shape[1]
        self.queues = [np.zeros((d, channels)) for d in self.d]  # each layer's last d inputs
        self.t = 0

    def step(self, value: float) -> np.ndarray:
        """Feed the sample at t (companded, in [-1, 1]); returns p(x_(t+1) | x_<=t)."""
        x = self.project(np.array([value], np.float64))
        skips = 0.0
        for (filt_k, filt_b, gate_k, gate_b, skip, residual), d, queue in zip(self.blocks, self.d, self.queues):
            past = queue[self.t % d].copy()  # this layer's input at t - d (zero before the start)
            queue[self.t % d] = x
            z = np.tanh(past @ filt_k[0] + x @ filt_k[1] + filt_b) * _sigmoid(past @ gate_k[0] + x @ gate_k[1] + gate_b)
            skips = skips + skip(z)
            if residual is not None:
                x = x + residual(z)
        self.t += 1
        logits = self.out(np.maximum(self.hidden(np.maximum(skips, 0.0)), 0.0))
        e = np.exp(logits - logits.max())
        return e / e.sum()


def _dense(weights):
    kernel, bias = weights  # a 1x1 Conv1D: kernel (1, in, out)
    return lambda v: v @ kernel[0] + bias


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def generate(model, hp: dict, primer_codes: np.ndarray, samples: int, rng: np.random.Generator,
             temperature: float = 1.0) -> np.ndarray:
    """Autoregressive sampling: ``samples`` new codes after ``primer_codes``, each drawn from
    ``p(x_t | x_<t)`` (sharpened or flattened by ``temperature``; 0 = the most likely code)
    and fed back in."""
    levels = hp["levels"]
    net = FastGenerator(model, hp)
    primer = np.asarray(primer_codes, np.int64)
    if not len(primer):
        primer = np.array([mu_law.encode(0.0, levels)])  # start from silence
    for code in primer[:-1]:
        net.step(float(mu_law.code_to_unit(code, levels)))
    last, out = int(primer[-1]), []
    for _ in range(samples):
        probs = net.step(float(mu_law.code_to_unit(last, levels)))
        if temperature <= 0:
            last = int(np.argmax(probs))
        else:
            logits = np.log(np.maximum(probs, 1e-300)) / temperature
            p = np.exp(logits - logits.max())
            last = int(rng.choice(levels, p=p / p.sum()))
        out.append(last)
    return np.array(out, np.int64)


# ----------------------------------------------------------------------------- training

def train_wavenet(ctx):
    """``fit`` on mu-law windows of the waveforms (next-sample cross-entropy), with a generated
    sound each epoch and the receptive-field views at the first."""
    from workbench.training.job import apply_l2, fit_arrays, make_optimizer

    data, hp = ctx.dataset, ctx.hp
    if getattr(data, "features", "waveform") != "waveform" or data.x_train.ndim != 3 \
            or data.x_train.shape[-1] != 1:
        raise WorkbenchError("wavenet models raw waveforms: load the audio with the data option "
                             "features=waveform")
    rate = int(getattr(data, "sample_rate", 8000))
    levels, seed = hp["levels"], ctx.config.seed
    x, y = training_windows(data.x_train, hp["window"], hp["windows_per_clip"], levels, seed)
    x_val = y_val = None
    if len(data.x_val):
        x_val, y_val = training_windows(data.x_val, hp["window"], 1, levels, seed + 1)
    model = build_wavenet(hp, data.info)
    apply_l2(model, hp.get("l2", 0.0))
    model.compile(optimizer=make_optimizer(hp), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    primer_source = data.x_val if len(data.x_val) else data.x_train
    primer = mu_law.encode(np.asarray(primer_source[0, :receptive_field(hp), 0]), levels)
    views = _GenerationViews(ctx.emit, hp, rate, primer, seed)
    return fit_arrays(ctx, model, x, y, x_val, y_val, extra_callbacks=[views])


train_wavenet.resumable = True  # it trains through fit_arrays


class _GenerationViews(keras.callbacks.Callback):
    """Each epoch: a sound generated from a real clip's opening (the primer); at the first
    epoch of a run, the receptive-field views (they depend on the architecture only)."""

    def __init__(self, emit, hp, rate, primer, seed):
        super().__init__()
        self.emit, self.hp, self.rate, self.primer, self.seed = emit, hp, rate, primer, seed
        self.shown_field = False

    def on_epoch_end(self, epoch, logs=None):
        if not self.shown_field:
            self.shown_field = True
            for view in reach_view(self.hp, step=epoch + 1):
                self.emit(view)
        hp = self.hp
        codes = generate(self.model, hp, self.primer, hp["generate_samples"], rng_for(self.seed, epoch, 1),
                         hp["temperature"])
        primer = mu_law.decode(self.primer, hp["levels"])
        sound = np.concatenate([primer, mu_law.decode(codes, hp["levels"])]).astype(np.float32)
        self.emit(View("generated_audio", Audio(
            sound, self.rate, f"{len(primer)} primer samples, then {len(codes)} generated "
                              f"(temperature {hp['temperature']:g})"),
            f"Generated waveform after epoch {epoch + 1}", step=epoch + 1))
