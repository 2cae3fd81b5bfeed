"""What the agent does, as pictures: frames of one greedy episode, shown while it trains.

After each epoch a trainer plays one episode with its current greedy policy on an
environment made with ``render_mode="rgb_array"`` and shows a few of its frames, evenly
spaced from the first step to the last, as an ``ImageGrid`` view ("episode_frames"): a
CartPole agent's pole falls in the first epochs and stays up later. Frames are shrunk to
display size as they are taken, so a long episode holds a few kilobytes, not megabytes.
"""

from __future__ import annotations

import numpy as np

from workbench.data.sources import rng_for
from workbench.views.types import ImageGrid, View

#: Frames shown, and the episode length after which the recording stops.
FRAMES, MAX_STEPS = 8, 500
#: Counter that keeps these episodes' seeds apart from training and evaluation episodes.
FRAME_STREAM = 7


def episode_frames_view(source, greedy_action, seed: int, epoch: int, frames: int = FRAMES,
                        max_steps: int = MAX_STEPS) -> View | None:
    """One greedy episode's frames; ``greedy_action(observation) -> action``. None where the
    environment draws no frames (a board game, a text environment)."""
    try:
        env = source.make(None, render_mode="rgb_array")
    except Exception:  # noqa: BLE001 - an environment without rgb_array rendering has no frames
        return None
    try:
        observation, _ = env.reset(seed=int(rng_for(seed, epoch, FRAME_STREAM).integers(2**31 - 1)))
        first = _small(env.render())
        if first is None:
            return None
        shots, total, stride, last = [(0, first)], 0.0, 1, None
        for t in range(1, max_steps + 1):
            observation, reward, terminated, truncated, _ = env.step(int(greedy_action(observation)))
            total += float(reward)
            ended = terminated or truncated or t == max_steps
            if t % stride == 0 or ended:
                image = _small(env.render())
                if t % stride == 0:
                    shots.append((t, image))
                last = (t, image)
            if len(shots) > 4 * frames:  # a bounded sample, evenly spread in time
                stride *= 2
                shots = [shot for shot in shots if shot[0] % stride == 0]
            if ended:
                break
        if last is not None and shots[-1][0] != last[0]:
            shots.append(last)  # the episode's end is always shown
    finally:
        env.close()
    chosen = [shots[int(i)] for i in np.linspace(0, len(shots) - 1, min(frames, len(shots)))]
    return View("episode_frames", ImageGrid(np.stack([image for _, image in chosen]),
                                            [f"t = {t}" for t, _ in chosen], columns=len(chosen) // 2 or 1),
                f"Greedy episode after epoch {epoch + 1}: {t} steps, return {total:g}", step=epoch + 1)


def _small(frame, width: int = 160) -> np.ndarray | None:
    """A frame shrunk to ``width`` pixels across by striding (uint8 RGB), or None."""
    if frame is None:
        return None
    frame = np.asarray(frame)
    if frame.ndim != 3 or frame.shape[2] not in (3, 4):
        return None
    stride = max(1, frame.shape[1] // width)
    return np.ascontiguousarray(frame[::stride, ::stride, :3], dtype=np.uint8)
