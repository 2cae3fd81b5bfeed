"""CFR, counterfactual regression (Shalit, Johansson & Sontag 2017): TARNet's weighted factual
loss plus alpha times an IPM between the treated and control representations,

    min  mean_i w_i (h_(t_i)(Phi(x_i)) - y_i)^2  +  alpha * IPM({Phi(x_i)}_(t_i=1), {Phi(x_i)}_(t_i=0))

(``--set ipm=mmd|wasserstein``, ``alpha``). The paper bounds the PEHE by the factual losses plus
the IPM term: a representation in which the arms look alike makes the head of one arm
trustworthy on the other arm's units. The IPM of each minibatch is logged as ``ipm``.
"""

from __future__ import annotations

from workbench.models.causal.tarnet import train_effects


def train_cfr(ctx):
    hp = ctx.hp
    return train_effects(ctx, hp["alpha"], hp["ipm"], f"CFR ({hp['ipm']}, alpha={hp['alpha']:g})")


train_cfr.resumable = True  # as TARNet: the model, its optimizer and the epoch
