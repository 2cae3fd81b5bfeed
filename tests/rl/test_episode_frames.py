"""The frames of a greedy episode that RL trainers show after each epoch."""

import gymnasium
import numpy as np

from workbench.data import registry
from workbench.data.sources import rng_for
from workbench.rl.frames import FRAME_STREAM, episode_frames_view


def lean(observation) -> int:
    """Push towards the side the pole leans to: a policy that keeps CartPole up a while."""
    return int(observation[2] > 0)


def replayed_length(seed: int, epoch: int) -> tuple[int, float]:
    """The same episode played by gymnasium directly, without drawing anything."""
    env = gymnasium.make("CartPole-v1")
    observation, _ = env.reset(seed=int(rng_for(seed, epoch, FRAME_STREAM).integers(2**31 - 1)))
    total, t = 0.0, 0
    while True:
        observation, reward, terminated, truncated, _ = env.step(lean(observation))
        total, t = total + reward, t + 1
        if terminated or truncated:
            return t, total


def test_frames_span_the_whole_episode_the_policy_plays():
    view = episode_frames_view(registry.load("CartPole-v1"), lean, seed=3, epoch=2)
    steps, total = replayed_length(3, 2)
    captions = view.value.captions
    assert captions[0] == "t = 0" and captions[-1] == f"t = {steps}"  # first and last step shown
    times = [int(c.split("= ")[1]) for c in captions]
    assert times == sorted(times) and len(times) == 8
    assert f"{steps} steps, return {total:g}" in view.title and view.step == 3
    images = view.value.images
    assert images.dtype == np.uint8 and images.shape[-1] == 3 and images.shape[2] <= 200  # display-sized
    assert not np.array_equal(images[0], images[-1])  # the cart moved


def test_an_environment_without_frames_gives_no_view():
    class NoFrames:
        def make(self, seed, render_mode=None):
            raise ValueError("no rgb_array rendering")

    assert episode_frames_view(NoFrames(), lean, 0, 0) is None
