"""Model parallelism, small and visible: one network's two halves on two devices.

The first half (a Dense encoder) is built and run under ``tf.device("/CPU:0")``, the second
(the classifier head) under ``tf.device("/CPU:1")``; on this machine they are two logical
CPU devices (on a machine with 2 GPUs pass ``--gpus``). The activations cross from one
device to the other in the forward pass, the gradients cross back in the backward pass.
``tf.debugging.set_log_device_placement`` makes TensorFlow report where each op of one
training step ran; the script prints the matrix products and the variables' homes, then
trains a few steps on digits to show the split model learns as the whole one does.

    .venv/bin/python benchmarks/model_parallel.py [--steps 200] [--gpus] [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Placement is logged at the C++ runtime's INFO level: on, with the start-up chatter muted.
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"


def split_model(keras, tf, first: str, second: str, classes: int):
    class TwoDevices(keras.Model):
        """Encoder on ``first``, head on ``second``: each builds its weights where it first runs."""

        def __init__(self):
            super().__init__()
            self.encoder = keras.Sequential([keras.layers.Dense(128, activation="relu"),
                                             keras.layers.Dense(64, activation="relu")], name="encoder")
            self.head = keras.layers.Dense(classes, name="head")

        def call(self, x, training=False):
            with tf.device(first):
                h = self.encoder(x, training=training)
            with tf.device(second):
                return self.head(h)

    return TwoDevices()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--gpus", action="store_true", help="use GPU:0 and GPU:1 instead of 2 logical CPUs")
    parser.add_argument("--quick", action="store_true", help="20 steps")
    args = parser.parse_args()
    from workbench.quiet import import_tensorflow

    tf = import_tensorflow()
    if not args.gpus:  # before TensorFlow initialises its devices
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    first, second = ("/GPU:0", "/GPU:1") if args.gpus else ("/CPU:0", "/CPU:1")
    import keras
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int64")
    keras.utils.set_random_seed(0)
    model = split_model(keras, tf, first, second, 10)
    optimizer = keras.optimizers.Adam(1e-2)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    # Keras creates variables outside any device scope of ``call``: each half is built on its device.
    with tf.device(first):
        model.encoder.build((None, x.shape[1]))
    with tf.device(second):
        model.head.build((None, 64))
    model(x[:1])
    print("where each variable lives:")
    for v in model.weights:
        print(f"  {v.path:<28} {v.value.device.split('device:')[-1]}")

    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        return loss

    # The first (traced) step with placement logging on: the placer reports each op's device.
    fast = tf.function(step)
    tf.debugging.set_log_device_placement(True)
    read, write = os.pipe()
    saved = os.dup(2)
    sys.stderr.flush()
    os.dup2(write, 2)  # the C++ runtime logs to stderr
    try:
        fast(x[:64], y[:64])
    finally:
        os.dup2(saved, 2)
        os.close(write)
        os.close(saved)
    with os.fdopen(read, "rb") as pipe:
        log = pipe.read().decode(errors="replace")
    tf.debugging.set_log_device_placement(False)
    placed = re.findall(r"\b(MatMul(?:_\d+)?|BiasAdd(?:_\d+)?)\S*\s*(?:\(\w+\))?:?\s*(?:in device|placed on|on device)?\s*"
                        r"(/job:\S+device:\w+:\d)", log)
    graph = fast.get_concrete_function(x[:64], y[:64]).graph
    print("where the matrix products of one training step ran: the placer's log, or where it is silent "
          "(this build), the devices the traced graph pins ('(any)': backward ops the placer puts by their inputs)")
    if placed:
        for op, device in placed:
            print(f"  {op:<16} {device.split('device:')[-1]}")
    else:
        for op in graph.get_operations():
            if op.type in ("MatMul", "BiasAdd") or "MatMul" in op.name:
                print(f"  {op.name[-40:]:<40} {op.device.split('device:')[-1] or '(any)'}")

    steps = 20 if args.quick else args.steps
    rng = __import__("numpy").random.default_rng(0)
    for i in range(steps):
        batch = rng.integers(0, len(x), 64)
        loss = float(fast(x[batch], y[batch]))
        if i % max(1, steps // 5) == 0 or i == steps - 1:
            accuracy = float((model(x).numpy().argmax(1) == y).mean())
            print(f"step {i + 1:4d}: loss {loss:.4f}  training accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
