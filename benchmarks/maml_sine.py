"""MAML against plain pre-training on new sine tasks (Finn et al. 2017, figure 2's comparison).

Both nets are the same 1-40-40-1 ReLU regressor, trained for the same number of updates on
the same stream of tasks (``meta_batch`` tasks of ``k_shot`` + ``queries`` points per update):

* MAML: the ``maml`` entry trained through ``keras-workbench``'s job (second order by
  default, ``inner_steps`` SGD steps of ``inner_lr`` inside, Adam outside);
* pre-training: Adam on the MSE of all those points pooled (one net fitting "the average task").

Then each adapts to new tasks with the same K plain SGD steps of ``inner_lr`` on ``k_shot``
support points; printed: the mean squared error on 100 query points per task, averaged over
new tasks, after 0..K steps.

    .venv/bin/python benchmarks/maml_sine.py --quick
    .venv/bin/python benchmarks/maml_sine.py --updates 20000 --first-order
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np


def train_maml(updates: int, args, first_order: bool):
    from workbench.training import TrainConfig, job

    per_epoch = min(updates, 500)
    with tempfile.TemporaryDirectory() as tmp:
        config = TrainConfig("maml", "sine_tasks", epochs=max(1, updates // per_epoch), seed=args.seed,
                             data_options={"k_shot": args.k_shot, "queries": args.k_shot},
                             hparams={"inner_lr": args.inner_lr, "outer_lr": 1e-3, "inner_steps": args.inner_steps,
                                      "first_order": first_order, "meta_batch": args.meta_batch,
                                      "updates_per_epoch": per_epoch, "val_tasks": 5},
                             out=os.path.join(tmp, "maml"))
        return job.run_training(config).model


def train_pretrained(updates: int, args):
    """The baseline: one net regressed on every task's points pooled, same tasks, same updates."""
    import keras
    import tensorflow as tf

    from workbench.data.sine_tasks import load_sine_tasks
    from workbench.data.sources import rng_for
    from workbench.models.meta.maml import build_net

    source = load_sine_tasks({"k_shot": args.k_shot, "queries": args.k_shot}, args.seed, 0.2)
    keras.utils.set_random_seed(args.seed)
    model = build_net([40, 40])
    optimizer = keras.optimizers.Adam(1e-3)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss

    per_epoch = min(updates, 500)
    for update in range(updates):
        epoch, s = divmod(update, per_epoch)
        tasks = [source.sample(rng_for(args.seed, epoch, s, i)) for i in range(args.meta_batch)]
        x = np.concatenate([np.concatenate([t.support_x, t.query_x]) for t in tasks])
        y = np.concatenate([np.concatenate([t.support_y, t.query_y]) for t in tasks])
        step(x, y)
    return model


def evaluate(model, args) -> np.ndarray:
    """Mean query MSE over new tasks after 0..K SGD steps on each task's support points."""
    from workbench.data.sine_tasks import load_sine_tasks
    from workbench.data.sources import rng_for
    from workbench.models.meta.maml import adaptation_losses

    source = load_sine_tasks({"k_shot": args.k_shot, "queries": 100}, args.seed, 0.2)
    tasks = [source.sample(rng_for(args.seed + 12345, i)) for i in range(args.tasks)]
    return np.mean([adaptation_losses(model, task, args.inner_lr, args.eval_steps) for task in tasks], axis=0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1500 updates, 50 new tasks")
    parser.add_argument("--updates", type=int, default=10000, help="meta-updates (MAML) = steps (pre-training)")
    parser.add_argument("--meta-batch", type=int, default=10)
    parser.add_argument("--k-shot", type=int, default=10)
    parser.add_argument("--inner-lr", type=float, default=0.01)
    parser.add_argument("--inner-steps", type=int, default=1, help="inner steps during meta-training")
    parser.add_argument("--eval-steps", type=int, default=10, help="K: SGD steps on a new task")
    parser.add_argument("--tasks", type=int, default=200, help="new tasks evaluated")
    parser.add_argument("--first-order", action="store_true", help="also train first-order MAML")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.quick:
        args.updates, args.tasks = 1500, 50

    started = time.perf_counter()
    columns = {"MAML": evaluate(train_maml(args.updates, args, False), args)}
    if args.first_order:
        columns["first-order MAML"] = evaluate(train_maml(args.updates, args, True), args)
    columns["pre-trained"] = evaluate(train_pretrained(args.updates, args), args)
    print(f"sine regression, {args.k_shot}-shot: query MSE on {args.tasks} new tasks after K SGD steps "
          f"(lr {args.inner_lr}); {args.updates} updates of {args.meta_batch} tasks each")
    print("  K  " + "".join(f"{name:>18}" for name in columns))
    for k in range(args.eval_steps + 1):
        print(f"{k:3d}  " + "".join(f"{values[k]:18.3f}" for values in columns.values()))
    maml, pre = columns["MAML"][-1], columns["pre-trained"][-1]
    print(f"after {args.eval_steps} steps: MAML {maml:.3f} vs pre-trained {pre:.3f} "
          f"({'MAML better' if maml < pre else 'pre-training better'}); {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
