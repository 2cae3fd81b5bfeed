"""PixelCNN (van den Oord, Kalchbrenner, Kavukcuoglu, Pixel Recurrent Neural Networks, 2016).

An autoregressive model of images: p(x) = prod_i p(x_i | x_<i) over the pixels in raster
order, each factor a softmax over the pixel's discrete levels. A stack of masked
convolutions (``workbench/layers/masked_conv.py``: one type-A layer, then type-B residual
blocks) computes all 64 conditionals of an 8x8 image in one pass while training; sampling
has to go pixel by pixel, one pass per pixel, each drawing from the softmax at that pixel.

The embedded digits have 17 gray levels; they are quantised to ``levels`` (2 = binarised,
the default 4 = four gray levels). The same network is the prior over a VQ-VAE's code maps
(``prior_for=RUN_DIR``, van den Oord et al., Neural Discrete Representation Learning,
2017): its "pixels" are then the K codebook indices of the encoder's map
(``workbench/models/generative/pixelcnn_prior.py``).

Likelihoods are reported in bits per dimension: the mean negative log-likelihood per
pixel in nats divided by ln 2 (log2(levels) is what a uniform model would score).
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from workbench.errors import WorkbenchError
from workbench.layers.masked_conv import MaskedConv2D
from workbench.views.types import ImageGrid, View

LN2 = math.log(2.0)


@keras.saving.register_keras_serializable(package="workbench")
class PixelCNN(keras.Model):
    """Integer maps (B, H, W) with values in [0, levels) -> softmax (B, H, W, levels).

    Float images (B, H, W[, 1]) in [0, 1] are quantised first. With ``condition_dim`` > 0
    the input is ``(maps, z)`` and z shifts every masked layer's activations by a learned
    linear map of z (the conditional PixelCNN's global conditioning, h + V z): the same
    z at every position, so it tells the network *what* to draw, never which pixel is next.
    """

    def __init__(self, levels=4, map_shape=(8, 8), filters=32, residual_blocks=3, first_kernel=5,
                 condition_dim=0, **kwargs):
        super().__init__(**kwargs)
        if levels < 2:
            raise ValueError(f"levels={levels} must be at least 2")
        self.levels, self.filters, self.residual_blocks = int(levels), int(filters), int(residual_blocks)
        self.first_kernel, self.condition_dim = int(first_kernel), int(condition_dim)
        self.map_shape = tuple(int(d) for d in map_shape)  # (H, W): what ``sample`` draws
        self.first = MaskedConv2D(2 * filters, first_kernel, mask_type="A", name="masked_a")
        self.blocks = [self._residual_block(i) for i in range(residual_blocks)]
        self.head = [keras.layers.Conv2D(filters, 1, activation="relu", name="head_1x1"),
                     keras.layers.Conv2D(levels, 1, name="logits")]
        # One linear map of z per masked layer (first + one per block).
        self.condition = [keras.layers.Dense(2 * filters if i == 0 else filters, use_bias=False,
                                             name=f"condition_{i}")
                          for i in range(residual_blocks + 1)] if condition_dim else []
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.bpd_tracker = keras.metrics.Mean(name="bits_per_dim")

    def _residual_block(self, i):
        # The paper's block: 1x1 down to h, masked 3x3 (type B), 1x1 back up to 2h, plus the input.
        return [keras.layers.Conv2D(self.filters, 1, activation="relu", name=f"block{i}_reduce"),
                MaskedConv2D(self.filters, 3, mask_type="B", name=f"block{i}_masked_b"),
                keras.layers.Conv2D(2 * self.filters, 1, name=f"block{i}_expand")]

    # -- the network ---------------------------------------------------------------------------
    def build(self, input_shape=None):
        self.logits(ops.zeros((1, *self.map_shape), "int32"),
                    ops.zeros((1, self.condition_dim)) if self.condition_dim else None)
        self.built = True

    def one_hot_maps(self, maps):
        """Integer maps -> one-hot (B, H, W, levels); float images are quantised first."""
        maps = ops.convert_to_tensor(maps)
        if maps.dtype.is_floating:
            maps = quantise(maps, self.levels)
        return ops.one_hot(ops.cast(maps, "int32"), self.levels)

    def logits(self, maps, z=None, training=False):
        return self.network(self.one_hot_maps(maps), z)

    def network(self, one_hot, z=None):
        """The masked stack on one-hot maps (B, H, W, levels) -> logits (differentiable in its input)."""
        h = self.first(one_hot)
        h = self._condition(h, z, 0)
        for i, (reduce, masked, expand) in enumerate(self.blocks):
            inner = masked(reduce(ops.relu(h)))
            inner = self._condition(inner, z, i + 1)
            h = h + expand(ops.relu(inner))
        h = self.head[0](ops.relu(h))
        return self.head[1](h)

    def _condition(self, h, z, i):
        if not self.condition_dim:
            return h
        return h + self.condition[i](z)[:, None, None, :]

    def call(self, inputs, training=False):
        maps, z = (inputs[0], inputs[1]) if self.condition_dim else (inputs, None)
        return ops.softmax(self.logits(maps, z, training=training), axis=-1)

    # -- training ------------------------------------------------------------------------------
    def nll(self, maps, z=None, training=False):
        """Mean negative log-likelihood per pixel, in nats."""
        targets = ops.cast(self.target_maps(maps), "int32")
        logits = self.logits(targets, z, training=training)
        return ops.mean(keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True))

    def target_maps(self, maps):
        maps = ops.convert_to_tensor(maps)
        return quantise(maps, self.levels) if maps.dtype.is_floating else maps

    def train_step(self, data):
        maps = keras.utils.unpack_x_y_sample_weight(data)[0]
        with tf.GradientTape() as tape:
            nll = self.nll(maps, training=True)
            loss = nll + (ops.sum(self.losses) if self.losses else 0.0)  # the L2 option
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        return self._track(nll, ops.shape(maps)[0])

    def test_step(self, data):
        maps = keras.utils.unpack_x_y_sample_weight(data)[0]
        return self._track(self.nll(maps), ops.shape(maps)[0])

    def _track(self, nll, batch):
        # weighted by the batch size: the epoch's figure is the mean over its images, also
        # when the last batch is smaller
        weight = ops.cast(batch, "float32")
        self.loss_tracker.update_state(nll, sample_weight=weight)
        self.bpd_tracker.update_state(nll / LN2, sample_weight=weight)
        return {"loss": self.loss_tracker.result(), "bits_per_dim": self.bpd_tracker.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.bpd_tracker]

    def get_config(self):
        return {**super().get_config(), "levels": self.levels, "filters": self.filters,
                "residual_blocks": self.residual_blocks, "first_kernel": self.first_kernel,
                "condition_dim": self.condition_dim, "map_shape": list(self.map_shape)}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def quantise(images, levels: int):
    """[0, 1] floats -> integer levels 0 .. levels-1 (equal-width bins; 1.0 in the top one)."""
    images = ops.convert_to_tensor(images)
    if len(images.shape) == 4:
        images = images[..., 0]
    return ops.cast(ops.clip(ops.floor(images * levels), 0, levels - 1), "int32")


def quantise_numpy(images: np.ndarray, levels: int) -> np.ndarray:
    images = np.asarray(images, np.float32)
    if images.ndim == 4:
        images = images[..., 0]
    return np.clip(np.floor(images * levels), 0, levels - 1).astype(np.int32)


def sample(model: PixelCNN, n: int, seed: int = 0, z=None) -> np.ndarray:
    """Draw ``n`` maps pixel by pixel: one pass of the network per pixel, in raster order,
    each pixel drawn from its softmax given the pixels drawn before it. ``z`` (n, d)
    conditions a conditional PixelCNN. Returns int32 (n, H, W), H, W = ``model.map_shape``."""
    rng = np.random.default_rng(seed)
    height, width = model.map_shape
    maps = np.zeros((n, height, width), np.int32)
    z = None if z is None else ops.convert_to_tensor(np.asarray(z, np.float32))
    step = _sampling_pass(model)
    for i in range(height):
        for j in range(width):
            logits = np.asarray(step(ops.convert_to_tensor(maps), z), np.float64)[:, i, j, :]
            probs = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
            # Inverse-CDF draws from one seeded generator: the same seed, the same samples.
            u = rng.random((n, 1))
            maps[:, i, j] = np.minimum((probs.cumsum(axis=1) < u).sum(axis=1), model.levels - 1)
    return maps


def _sampling_pass(model):
    """One compiled forward pass (traced once per shape) instead of an eager one per pixel."""
    fn = getattr(model, "_sampling_fn", None)
    if fn is None:
        @tf.function(reduce_retracing=True)
        def fn(maps, z):
            return model.logits(maps, z)
        model._sampling_fn = fn
    return fn


# -- the catalog entry -----------------------------------------------------------------------------

def build_pixelcnn(hp: dict, info) -> keras.Model:
    """The catalog's ``pixelcnn``: over quantised images, or over a VQ-VAE's codes (``prior_for``)."""
    if hp.get("prior_for"):
        from workbench.models.generative import pixelcnn_prior

        return pixelcnn_prior.build_prior(hp)
    shape = tuple(info.input_shape)
    if len(shape) != 3 or shape[-1] != 1:
        raise WorkbenchError(f"pixelcnn models gray images (H, W, 1); {info.name} has inputs of shape {shape}")
    model = PixelCNN(levels=hp["levels"], map_shape=shape[:2], filters=hp["filters"],
                     residual_blocks=hp["residual_blocks"], first_kernel=odd(hp["first_kernel"]), name="pixelcnn")
    model.build()
    return model


def train_pixelcnn(ctx):
    """``fit`` on the quantised images (or the VQ-VAE's code maps), with the sample view."""
    from workbench.training.job import build_compiled, fit_arrays

    data, hp = ctx.dataset, ctx.hp
    model = build_compiled(ctx.entry, hp, data.info, ctx.config.mixed_precision)
    if hp.get("prior_for"):
        from workbench.models.generative import pixelcnn_prior

        x, x_val = pixelcnn_prior.code_maps(hp["prior_for"], data)
        render = pixelcnn_prior.decoder_of(hp["prior_for"])
    else:
        x, x_val = (quantise_numpy(a, hp["levels"]) if a is not None else None for a in (data.x_train, data.x_val))
        render = None
    views = SampleViews(ctx.emit, model, every=hp["sample_every"], render=render)
    return fit_arrays(ctx, model, x, None, x_val, None, extra_callbacks=[views])


train_pixelcnn.resumable = True  # it trains through fit_arrays


def odd(kernel: int) -> int:
    if kernel % 2 == 0:
        raise WorkbenchError(f"first_kernel={kernel} must be odd, so the masked window has a centre pixel")
    return kernel


# -- sampling a run (``keras-workbench sample``) ---------------------------------------------------

def sample_run(run_dir: str, n: int, seed: int, interpolate):
    """``n`` samples of a pixelcnn run, drawn pixel by pixel (or code by code, then decoded)."""
    from workbench.models.generative import sampling

    if interpolate is not None:
        raise WorkbenchError("--interpolate needs a latent space; a PixelCNN has none (it models the "
                             "pixels directly): sample it without --interpolate")
    model = sampling.load_network(run_dir, "model")
    maps = sample(model, n, seed=seed)
    prior_for = _hparams(run_dir).get("prior_for")
    if prior_for:
        from workbench.models.generative import pixelcnn_prior

        return pixelcnn_prior.decoder_of(prior_for)(maps), [f"prior #{k}" for k in range(n)]
    return maps / (model.levels - 1), [f"#{k}" for k in range(n)]


def _hparams(run_dir: str) -> dict:
    from workbench.runs.rundir import RunDir

    return dict(RunDir(run_dir).read_config().get("hparams", {}))



class SampleViews(keras.callbacks.Callback):
    """A grid of samples drawn pixel by pixel, every ``every`` epochs (at most one per
    ``min_interval`` seconds: sampling costs H*W passes) and always after the last epoch.
    The noise is the same seed each time, so the grid changes only as the model learns."""

    def __init__(self, emit, model, every=5, n=16, seed=0, min_interval=2.0, render=None):
        super().__init__()
        self.emit, self.pixelcnn, self.every = emit, model, max(1, every)
        self.n, self.seed, self.min_interval, self.render = n, seed, min_interval, render
        self._last_time, self._last_epoch, self._shown = -float("inf"), None, None

    def on_epoch_end(self, epoch, logs=None):
        self._last_epoch = epoch
        last = epoch + 1 >= self.params.get("epochs", 0)
        due = (epoch + 1) % self.every == 0 and time.monotonic() - self._last_time >= self.min_interval
        if last or due:
            self._show(epoch)

    def on_train_end(self, logs=None):
        if self._last_epoch is not None and self._shown != self._last_epoch:  # Stop, early stopping
            self._show(self._last_epoch)

    def _show(self, epoch):
        maps = sample(self.pixelcnn, self.n, seed=self.seed)
        if self.render is not None:
            images, title = self.render(maps), "Samples: PixelCNN prior codes, decoded by the VQ-VAE"
        else:
            images, title = maps / (self.pixelcnn.levels - 1), "Samples drawn pixel by pixel"
        captions = [f"#{i}" for i in range(self.n)]
        self.emit(View("samples", ImageGrid(images, captions), title, epoch + 1))
        self._last_time, self._shown = time.monotonic(), epoch


def _register():
    from workbench.models.generative.sampling import register_sampler

    register_sampler("pixelcnn", sample_run)


_register()
