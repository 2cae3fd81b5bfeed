"""Learning paradigms beyond plain supervision (catalog section G): semi-supervised,
self-supervised, multi-task, metric learning, few- and zero-shot learning."""
