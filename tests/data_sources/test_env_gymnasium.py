"""Gymnasium environments as data sources: names, shapes, encodings, previews, refusals.

The reference is gymnasium itself: spaces, limits, maps and a random policy's returns are
recomputed straight from ``gymnasium.make`` and compared with what the source reports.
"""

import time
import warnings

import gymnasium as gym
import numpy as np
import pytest

from workbench import data
from workbench.data import environments
from workbench.errors import WorkbenchError
from workbench.views.types import Curves, HeatGrid, ImageGrid

warnings.filterwarnings("ignore", module="gymnasium")


def test_the_offline_classics_and_board_games_are_listed_as_environments():
    listed = {s.name: s for s in data.all_datasets()}
    for name in [*environments.CLASSIC, "tictactoe", "connect4"]:
        assert listed[name].kind == "environment" and listed[name].task == "rl"
    # every classic id is one gymnasium 1.x really has (CliffWalking-v1, Taxi-v4)
    assert set(environments.CLASSIC) <= set(gym.registry)


@pytest.mark.parametrize("env_id", list(environments.CLASSIC))
def test_info_and_description_match_gymnasium(env_id):
    source = data.load(env_id, seed=0)
    env = gym.make(env_id)
    space = env.observation_space
    if isinstance(space, gym.spaces.Discrete):
        assert source.info.input_shape == (space.n,)  # one-hot states
    elif isinstance(space, gym.spaces.Tuple):
        assert source.info.input_shape == (sum(s.n for s in space),)
    else:
        assert source.info.input_shape == space.shape
    facts = source.describe()
    assert facts["max_episode_steps"] == gym.spec(env_id).max_episode_steps
    assert facts["action_space"] == str(env.action_space)
    assert facts["observation_space"] == str(space)
    if isinstance(env.action_space, gym.spaces.Discrete):
        assert len(source.info.class_names) == env.action_space.n
    assert source.info.kind == "environment" and source.info.task == "rl"


def test_action_names_follow_gymnasium_documentation():
    assert data.load("CartPole-v1").info.class_names == ("left", "right")
    assert data.load("FrozenLake-v1").info.class_names == ("left", "down", "right", "up")


def test_discrete_and_tuple_observations_are_one_hot():
    lake = data.load("FrozenLake-v1")
    vector = lake.encode(5)
    assert vector.shape == (16,) and vector.dtype == np.float32
    assert vector[5] == 1.0 and vector.sum() == 1.0
    blackjack = data.load("Blackjack-v1")
    vector = blackjack.encode((14, 3, 1))  # player's sum, dealer's card, usable ace
    assert vector.shape == (45,)
    assert np.flatnonzero(vector).tolist() == [14, 32 + 3, 32 + 11 + 1]


def test_frozen_lake_map_is_gymnasium_map():
    source = data.load("FrozenLake-v1")
    tiles = gym.make("FrozenLake-v1").unwrapped.desc.astype(str)
    (view,) = [v for v in source.preview() if v.name == "map"]
    assert isinstance(view.value, HeatGrid)
    assert np.array_equal(view.value.values == -1, tiles == "H")
    assert np.array_equal(view.value.values == 1, tiles == "G")
    big = data.load("FrozenLake-v1", {"map_name": "8x8", "is_slippery": "false"})
    assert big.info.input_shape == (64,)
    assert big.make(0).unwrapped.spec.kwargs["is_slippery"] is False


def test_cliff_walking_map_marks_the_cliff():
    (view,) = [v for v in data.load("CliffWalking-v1").preview() if v.name == "map"]
    grid = view.value.values
    assert grid.shape == (4, 12)
    assert (grid[3, 1:11] == -100).all() and grid[3, 0] == -1 and grid[3, 11] == 0
    assert (grid[:3] == -1).all()


def _gymnasium_random_returns(env_id, seed, episodes):
    """The preview's random policy, written again against gymnasium directly."""
    env = gym.make(env_id)
    env.action_space.seed(seed)
    returns = []
    for episode in range(episodes):
        env.reset(seed=seed + episode)
        done, total, steps = False, 0.0, 0
        while not done and steps < 500:
            _, reward, terminated, truncated, _ = env.step(env.action_space.sample())
            total, done, steps = total + reward, terminated or truncated, steps + 1
        returns.append(total)
    return np.array(returns)


def test_preview_is_seeded_frames_and_the_random_policys_returns():
    first = data.load("CartPole-v1", seed=3).preview()
    again = data.load("CartPole-v1", seed=3).preview()
    other = data.load("CartPole-v1", seed=4).preview()
    frames = first[0].value
    assert isinstance(frames, ImageGrid) and frames.images.ndim == 4 and frames.images.shape[-1] == 3
    assert 2 <= len(frames.images) <= environments.PREVIEW_FRAMES
    assert np.array_equal(frames.images, again[0].value.images)
    assert frames.captions == again[0].value.captions
    assert not np.array_equal(first[1].value.series[next(iter(first[1].value.series))][1],
                              other[1].value.series[next(iter(other[1].value.series))][1])
    curves = first[1].value
    assert isinstance(curves, Curves)
    (_, returns), = curves.series.values()
    expected = _gymnasium_random_returns("CartPole-v1", 3, environments.PREVIEW_EPISODES)
    np.testing.assert_allclose(returns, expected)


def test_first_frame_is_gymnasiums_render_after_reset():
    import cv2

    source = data.load("MountainCar-v0", seed=1)
    env = gym.make("MountainCar-v0", render_mode="rgb_array")
    env.reset(seed=1)
    frame = env.render()
    height = int(round(frame.shape[0] * environments.FRAME_WIDTH / frame.shape[1]))
    expected = cv2.resize(frame, (environments.FRAME_WIDTH, height), interpolation=cv2.INTER_AREA)
    grid = source.preview()[0].value
    assert grid.captions[0] == "step 0"
    assert np.array_equal(grid.images[0], expected)


@pytest.mark.parametrize("env_id", [*environments.CLASSIC, "tictactoe", "connect4"])
def test_preview_is_fast(env_id):
    source = data.load(env_id, seed=0)
    start = time.perf_counter()
    views = source.preview()
    # the Data tab shows it on a worker: 2 s on a quiet machine; slack for a busy test run
    assert time.perf_counter() - start < 4.0
    assert [v.name for v in views][:2] == ["frames", "random_returns"]


def test_any_gymnasium_id_is_a_source():
    source = data.load("MountainCarContinuous-v0", seed=0)
    assert source.info.kind == "environment" and source.info.input_shape == (2,)
    assert source.describe()["action_space"].startswith("Box(")


@pytest.mark.parametrize("name, words", [
    ("CartPol-v1", ["unknown gymnasium environment", "CartPole-v1"]),
    ("Taxi-v3", ["Taxi-v4"]),
    ("ALE/Pong-v5", ['gymnasium[atari]']),
    ("digitz", ["unknown dataset", "digits"]),
])
def test_unknown_ids_get_a_sentence(name, words):
    with pytest.raises(WorkbenchError) as caught:
        data.load(name)
    message = str(caught.value)
    assert all(word in message for word in words), message
    assert "\n" not in message


def test_a_missing_extra_names_the_pip_extra():
    try:
        import Box2D  # noqa: F401
        pytest.skip("Box2D is installed here")
    except ImportError:
        pass
    with pytest.raises(WorkbenchError, match=r"gymnasium\[box2d\]"):
        data.load("LunarLander-v3")


def test_an_option_the_environment_ignores_is_refused():
    with pytest.raises(WorkbenchError, match="no option 'map_name'"):
        data.load("CartPole-v1", {"map_name": "8x8"})
