"""Integral probability metrics between the treated and control representations (CFR's penalty).

* ``mmd_rbf``: the (biased, V-statistic) squared maximum mean discrepancy with a Gaussian kernel
  k(a, b) = exp(-||a - b||^2 / (2 sigma^2)):  mean k(P, P) + mean k(Q, Q) - 2 mean k(P, Q).
  Without a given sigma, the median heuristic: 2 sigma^2 = the median squared distance between
  the two sets (a fixed sigma on a 100-wide representation puts every pair at kernel ~0, and
  the penalty then has no gradient).
* ``wasserstein``: the 1-Wasserstein (earth mover's) distance between the two empirical
  distributions with uniform weights, by entropy-regularised optimal transport (Cuturi 2013):
  log-domain Sinkhorn iterations give the transport plan T, the distance is sum T * M with M
  the Euclidean distances. The plan is held constant for the gradient (as in Shalit et al.'s
  code): the gradient moves the representations along the plan's pairs.

Both take (n, d) and (m, d) tensors and return a scalar tensor.
"""

from __future__ import annotations


def _squared_distances(a, b):
    import tensorflow as tf

    return tf.maximum(tf.reduce_sum(a * a, 1)[:, None] + tf.reduce_sum(b * b, 1)[None, :]
                      - 2.0 * tf.matmul(a, b, transpose_b=True), 0.0)


def mmd_rbf(p, q, sigma: float | None = None):
    """Squared MMD with an RBF kernel of width ``sigma`` (biased estimate, always >= 0)."""
    import tensorflow as tf

    p, q = tf.convert_to_tensor(p, tf.float32), tf.convert_to_tensor(q, tf.float32)
    if sigma is None:  # median heuristic, held constant for the gradient
        cross = tf.sort(tf.reshape(tf.stop_gradient(_squared_distances(p, q)), [-1]))
        scale = tf.maximum(cross[tf.size(cross) // 2], 1e-6)
    else:
        scale = 2.0 * sigma ** 2

    def mean_kernel(a, b):
        return tf.reduce_mean(tf.exp(-_squared_distances(a, b) / scale))

    return mean_kernel(p, p) + mean_kernel(q, q) - 2.0 * mean_kernel(p, q)


def sinkhorn_plan(cost, epsilon, iterations: int):
    """The entropic optimal transport plan between uniform weights for a cost matrix (n, m)."""
    import tensorflow as tf

    n, m = tf.shape(cost)[0], tf.shape(cost)[1]
    log_a = -tf.math.log(tf.cast(n, tf.float32))
    log_b = -tf.math.log(tf.cast(m, tf.float32))
    f = tf.zeros([n], tf.float32)
    g = tf.zeros([m], tf.float32)
    for _ in range(iterations):  # log-domain updates: stable for a small epsilon
        f = epsilon * (log_a - tf.reduce_logsumexp((g[None, :] - cost) / epsilon, axis=1))
        g = epsilon * (log_b - tf.reduce_logsumexp((f[:, None] - cost) / epsilon, axis=0))
    return tf.exp((f[:, None] + g[None, :] - cost) / epsilon)


def wasserstein(p, q, blur: float = 0.05, iterations: int = 50):
    """Sinkhorn estimate of the 1-Wasserstein distance; ``blur`` is epsilon as a fraction of the
    mean distance (smaller: closer to the exact distance, more iterations needed)."""
    import tensorflow as tf

    p, q = tf.convert_to_tensor(p, tf.float32), tf.convert_to_tensor(q, tf.float32)
    cost = tf.sqrt(_squared_distances(p, q) + 1e-12)
    epsilon = tf.stop_gradient(blur * tf.reduce_mean(cost) + 1e-12)
    plan = tf.stop_gradient(sinkhorn_plan(tf.stop_gradient(cost), epsilon, iterations))
    return tf.reduce_sum(plan * cost)


IPMS = {"mmd": mmd_rbf, "wasserstein": wasserstein}
