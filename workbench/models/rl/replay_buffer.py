"""Experience replay (Lin 1992; DQN, ACER, UNREAL): a ring of fixed capacity.

Each item is a record of named fields of fixed shape: a transition (s, a, r, s', done)
for DQN, a whole rollout segment for ACER and UNREAL. Drawing a minibatch uniformly at
random breaks the correlation of consecutive steps that makes on-line Q-learning with a
network unstable. The fields, the write position and the fill count are plain arrays, so
the buffer goes into a run's resume point as it is.
"""

from __future__ import annotations

import numpy as np


class ReplayBuffer:
    def __init__(self, capacity: int, fields: dict[str, tuple[tuple, str]]):
        """``fields``: name -> (shape of one item, dtype)."""
        if capacity < 1:
            raise ValueError("a replay buffer needs a capacity of 1 or more")
        self.capacity = int(capacity)
        self.data = {name: np.zeros((self.capacity, *shape), dtype) for name, (shape, dtype) in fields.items()}
        self.position = 0  # where the next item goes
        self.size = 0  # items held (<= capacity)

    def __len__(self) -> int:
        return self.size

    def add(self, **items) -> None:
        """One item per field, or a batch of items (leading axis) per field."""
        first = next(iter(self.data))
        batch = np.asarray(items[first]).ndim > self.data[first].ndim - 1
        count = len(items[first]) if batch else 1
        slots = (self.position + np.arange(count)) % self.capacity
        for name, array in self.data.items():
            array[slots] = items[name] if batch else np.asarray(items[name])[None]
        self.position = int((self.position + count) % self.capacity)
        self.size = int(min(self.size + count, self.capacity))

    def sample(self, rng: np.random.Generator, batch_size: int) -> dict[str, np.ndarray]:
        """``batch_size`` items drawn uniformly with replacement by ``rng``."""
        if self.size == 0:
            raise ValueError("cannot sample from an empty replay buffer")
        index = rng.integers(0, self.size, size=batch_size)
        return {name: array[index] for name, array in self.data.items()}

    # -- resume point ---------------------------------------------------------------------
    def to_arrays(self, prefix: str = "replay") -> dict[str, np.ndarray]:
        """The filled part (in slot order) and the counters, for ``ctx.save_point(arrays=)``."""
        found = {f"{prefix}/{name}": array[: self.size] for name, array in self.data.items()}
        found[f"{prefix}/counters"] = np.array([self.position, self.size], np.int64)
        return found

    def load_arrays(self, arrays: dict, prefix: str = "replay") -> None:
        position, size = (int(v) for v in arrays[f"{prefix}/counters"])
        for name, array in self.data.items():
            array[:size] = arrays[f"{prefix}/{name}"]
        self.position, self.size = position, size
