"""The order in which ``fit`` sees the training arrays: a function of (seed, epoch).

``model.fit(x, y, shuffle=True)`` draws each epoch's permutation from TensorFlow's
global random state, which a resumed process does not share with the uninterrupted one,
so a run killed after epoch 2 and resumed saw other batches from epoch 3 on and ended
elsewhere. Here epoch ``e``'s order is ``argsort(stateless_uniform(seed=(seed, e)))``:
the same in any process, on any resume. The arrays are gathered batch by batch from one
copy, as Keras's own array adapter does, so the stream costs what ``fit``'s does.
"""

from __future__ import annotations

import math

import numpy as np


def length(x) -> int:
    """Samples in ``x`` (an array, or a dict / list of arrays of one length)."""
    if isinstance(x, dict):
        x = next(iter(x.values()))
    elif isinstance(x, (list, tuple)):
        x = x[0]
    return len(x)


def steps_per_epoch(samples: int, batch_size: int, cap: int = 0) -> int:
    full = math.ceil(samples / batch_size)
    return min(full, cap) if cap else full


def epoch_permutation(seed: int, epoch: int, samples: int) -> np.ndarray:
    """Epoch ``epoch``'s order of ``samples`` indices (what ``epoch_stream`` feeds)."""
    import tensorflow as tf

    keys = tf.random.stateless_uniform([samples], seed=tf.constant([seed, epoch], tf.int64))
    return tf.argsort(keys, stable=True).numpy()


def epoch_stream(x, y, batch_size: int, seed: int, first_epoch: int, epochs: int, steps: int):
    """A ``tf.data`` stream of the batches of epochs ``first_epoch .. epochs - 1``, each
    epoch its own seeded permutation cut to ``steps`` batches (``fit`` is given
    ``steps_per_epoch=steps``).

    Built as Keras's own array adapter builds ``fit``'s stream, so it costs no more: the
    next epoch's permutation is computed while this one trains (``prefetch(1)``), it is
    cut into batches by one reshape (not by batching scalars), each batch is one gather
    per array, in parallel, and tf.data's static graph rewrites are off (they only cost
    a serialisation of the pipeline before the first batch)."""
    import tensorflow as tf

    data = _float32((x, y) if y is not None else x)
    samples, seed = length(x), int(seed)
    full = min(steps, samples // batch_size)  # whole batches per epoch
    partial = samples - full * batch_size if steps > full else 0  # the short last batch, if it is fed

    def permutation(epoch):
        keys = tf.random.stateless_uniform([samples], seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        return tf.argsort(keys, stable=True)

    def batches_of(order):
        batches = tf.data.Dataset.from_tensor_slices(tf.reshape(order[: full * batch_size], [full, batch_size]))
        if partial:
            batches = batches.concatenate(tf.data.Dataset.from_tensors(order[full * batch_size:]))
        return batches

    plain = tf.autograph.experimental.do_not_convert  # TensorFlow ops only: no autograph rewrite to wait for
    indices = tf.data.Dataset.range(first_epoch, epochs).map(plain(permutation)).prefetch(1).flat_map(plain(batches_of))
    # The arrays enter once, as one repeated element, rather than as a graph constant.
    arrays = tf.data.Dataset.from_tensors(data).repeat()
    stream = tf.data.Dataset.zip((indices, arrays)).map(
        plain(lambda index, values: tf.nest.map_structure(lambda a: tf.gather(a, index), values)),
        num_parallel_calls=tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False
    return stream.with_options(options).prefetch(tf.data.AUTOTUNE)


def _float32(structure):
    """float64 arrays as float32, as ``fit`` converts them itself."""
    if isinstance(structure, dict):
        return {k: _float32(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return tuple(_float32(v) for v in structure)
    array = np.asarray(structure)
    return array.astype(np.float32) if array.dtype == np.float64 else array
