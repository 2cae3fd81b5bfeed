"""Magnitude pruning with retraining (Han et al., 2015; the schedule of Zhu & Gupta, 2017),
written for Keras 3 (tensorflow-model-optimization needs Keras 2).

Each Dense and convolution kernel gets a binary mask that zeroes its smallest-magnitude
weights. While the model retrains, the target sparsity rises along Zhu & Gupta's
polynomial schedule

    s_t = s_final + (s_initial - s_final) * (1 - (t - t_0) / (t_end - t_0))^3

(fast at first, while many weights are redundant, slowly near the end), the masks are
recomputed from the weights' magnitudes as it rises, and re-applied after every
optimizer step so a pruned weight stays zero. After ``t_end`` the masks are fixed and
the remaining weights fine-tune. Each kernel ends with exactly round(s · size) zeros.
"""

from __future__ import annotations

import keras
import numpy as np

#: Kernels pruned: the weights of these layers' inputs (biases and normalisation stay).
PRUNED_KERNELS = {"Dense": "kernel", "Conv1D": "kernel", "Conv2D": "kernel", "Conv3D": "kernel",
                  "Conv2DTranspose": "kernel", "DepthwiseConv2D": "kernel",
                  "SeparableConv2D": "pointwise_kernel"}
#: Share of the retraining steps over which the sparsity rises (the rest fine-tunes).
RAMP_FRACTION = 0.7


def prunable_kernels(model) -> list:
    """The kernel variables magnitude pruning masks, every nested layer included."""
    from workbench.export.blocking import all_layers

    kernels = []
    for layer in all_layers(model):
        attribute = PRUNED_KERNELS.get(type(layer).__name__)
        variable = getattr(layer, attribute, None) if attribute else None
        if variable is not None and all(variable is not known for known in kernels):
            kernels.append(variable)
    return kernels


def polynomial_sparsity(step: int, final: float, end_step: int, initial: float = 0.0,
                        begin_step: int = 0, power: int = 3) -> float:
    """Zhu & Gupta's schedule: ``initial`` at ``begin_step``, ``final`` from ``end_step`` on."""
    if end_step <= begin_step or step >= end_step:
        return final
    if step <= begin_step:
        return initial
    progress = (step - begin_step) / (end_step - begin_step)
    return final + (initial - final) * (1.0 - progress) ** power


def magnitude_mask(weights: np.ndarray, sparsity: float) -> np.ndarray:
    """1 for the weights kept, 0 for the ``round(sparsity * size)`` smallest in magnitude
    (ties broken by position, so the count is exact)."""
    flat = np.abs(np.asarray(weights)).ravel()
    pruned = round(sparsity * flat.size)
    mask = np.ones(flat.size, np.float32)
    mask[np.argsort(flat, kind="stable")[:pruned]] = 0.0
    return mask.reshape(np.shape(weights))


def sparsity_of(model) -> float:
    """Fraction of zero weights over all prunable kernels."""
    kernels = [np.asarray(v) for v in prunable_kernels(model)]
    total = sum(k.size for k in kernels)
    return float(sum(np.sum(k == 0) for k in kernels) / total) if total else 0.0


def prune_to(model, sparsity: float) -> list[np.ndarray]:
    """Prune every kernel to ``sparsity`` at once (no retraining); returns the masks."""
    masks = []
    for variable in prunable_kernels(model):
        mask = magnitude_mask(variable.numpy(), sparsity)
        variable.assign(variable.numpy() * mask)
        masks.append(mask)
    return masks


class MagnitudePruning(keras.callbacks.Callback):
    """Raises the sparsity on the polynomial schedule and keeps pruned weights at zero.

    Masks are recomputed every ``frequency`` steps until ``end_step`` and re-applied
    after every batch (the optimizer's update, momentum included, would revive them).
    """

    def __init__(self, final_sparsity: float, end_step: int, frequency: int = 1):
        super().__init__()
        self.final, self.end_step, self.frequency = float(final_sparsity), int(end_step), max(1, int(frequency))
        self.step = 0
        self.sparsity = 0.0
        self.masks: list[np.ndarray] = []

    def on_train_begin(self, logs=None):
        self.kernels = prunable_kernels(self.model)
        self._update_masks()

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step <= self.end_step and self.step % self.frequency == 0:
            self._update_masks()
        self._apply()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["sparsity"] = sparsity_of(self.model)

    def on_train_end(self, logs=None):
        # the schedule's end, whatever the number of steps: the kernels are masked already,
        # so their zeros rank first and stay pruned
        self.sparsity = self.final
        self.masks = [magnitude_mask(k.numpy(), self.final) for k in self.kernels]
        self._apply()

    def _current(self):
        return self.masks if self.masks else [None] * len(self.kernels)

    def _update_masks(self) -> None:
        self.sparsity = polynomial_sparsity(self.step, self.final, self.end_step)
        # a weight pruned once stays pruned: the magnitudes ranked are the masked ones
        self.masks = [magnitude_mask(k.numpy() * (m if m is not None else 1.0), self.sparsity)
                      for k, m in zip(self.kernels, self._current())]

    def _apply(self) -> None:
        for kernel, mask in zip(self.kernels, self.masks):
            kernel.assign(kernel.numpy() * mask)
