"""Few-shot episodes (N-way K-shot from digits) and MAML's sine tasks."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from workbench import data
from workbench.data.sine_tasks import SineTasks
from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.views.types import Curves, ImageGrid

OPTIONS = {"base": "digits", "n_way": "3", "k_shot": "2", "queries": "4", "val_classes": "4"}


@pytest.fixture(scope="module")
def sampler():
    return data.load("few_shot", OPTIONS, seed=0)


def test_classes_are_split_disjointly(sampler):
    train, val = set(sampler.train_classes.tolist()), set(sampler.val_classes.tolist())
    assert len(val) == 4 and len(train) == 6
    assert not train & val and train | val == set(range(10))
    assert sampler.info.kind == "episodes" and sampler.info.task == "classification"
    assert sampler.info.class_names == ("way 0", "way 1", "way 2")
    assert sampler.info.input_shape == (8, 8, 1)


def test_episode_shapes_and_labels(sampler):
    episode = sampler.sample(rng_for(0, 1, 2), "train")
    assert episode.support_x.shape == (6, 8, 8, 1) and episode.query_x.shape == (12, 8, 8, 1)
    assert episode.support_y.tolist() == [0, 0, 1, 1, 2, 2]
    assert np.bincount(episode.query_y).tolist() == [4, 4, 4]
    assert set(episode.classes.tolist()) <= set(sampler.train_classes.tolist())
    assert len(set(episode.classes.tolist())) == 3


def test_episodes_point_at_the_right_samples_and_never_share_one(sampler):
    """With the samples replaced by their indices, an episode says which samples it drew."""
    by_index = data.load("few_shot", OPTIONS, seed=0)
    by_index.x = np.arange(len(by_index.y))
    digits = load_digits()
    assert np.array_equal(np.sort(by_index.y), np.sort(digits.target))
    for step in range(20):
        for split, pool in (("train", by_index.train_classes), ("val", by_index.val_classes)):
            episode = by_index.sample(rng_for(0, 0, step), split)
            assert set(episode.classes.tolist()) <= set(pool.tolist())
            support, query = episode.support_x, episode.query_x
            assert not set(support.tolist()) & set(query.tolist())
            assert len(set(support.tolist())) == len(support)
            assert np.array_equal(by_index.y[support], episode.classes[episode.support_y])
            assert np.array_equal(by_index.y[query], episode.classes[episode.query_y])


def test_same_seed_same_episode_other_step_other_episode(sampler):
    a = sampler.sample(rng_for(3, 1, 5))
    b = sampler.sample(rng_for(3, 1, 5))
    c = sampler.sample(rng_for(3, 1, 6))
    assert np.array_equal(a.support_x, b.support_x) and np.array_equal(a.classes, b.classes)
    assert not np.array_equal(a.support_x, c.support_x)


def test_the_class_split_is_seeded():
    assert np.array_equal(data.load("few_shot", OPTIONS, seed=0).val_classes,
                          data.load("few_shot", OPTIONS, seed=0).val_classes)
    splits = {tuple(data.load("few_shot", OPTIONS, seed=s).val_classes) for s in range(4)}
    assert len(splits) > 1


@pytest.mark.parametrize("options, message", [
    ({"n_way": "7"}, "n_way=7 is more than the 6 training classes"),
    ({"n_way": "5"}, "n_way=5 is more than the 4 validation classes"),
    ({"queries": "500"}, "fewer than k_shot + queries = 502"),
    ({"val_classes": "10"}, "leaves no training classes"),
    ({"base": "karate"}, "but 'karate' is graph data"),
    ({"base": "linear"}, "class-labelled arrays, but 'linear' is tabular regression"),
    ({"k_shot": "0"}, "k_shot=0 must be at least 1"),
])
def test_impossible_episodes_get_a_sentence(options, message):
    with pytest.raises(WorkbenchError) as caught:
        data.load("few_shot", {**OPTIONS, **options})
    assert message in str(caught.value)


def test_defaults_fit_digits():
    sampler = data.load("few_shot", seed=0)
    assert len(sampler.val_classes) == 3 and sampler.n_way == 3 and sampler.k_shot == 1


def test_preview_shows_the_support_set_with_original_classes(sampler):
    (view,) = sampler.preview()
    grid = view.value
    assert isinstance(grid, ImageGrid) and grid.images.shape == (6, 8, 8)
    episode = sampler.sample(rng_for(0, 0, 0), "train")
    expected = [f"way {w} = {episode.classes[w]}" for w in episode.support_y]
    assert grid.captions == expected
    assert np.array_equal(grid.images, (episode.support_x[..., 0] * 255 + 0.5).astype(np.uint8))


def test_sine_tasks_follow_maml():
    source = data.load("sine_tasks", {"k_shot": "5", "queries": "7"}, seed=0)
    assert source.info.kind == "episodes" and source.info.task == "regression"
    task = source.sample(rng_for(0, 0, 0))
    assert task.support_x.shape == (5, 1) and task.query_x.shape == (7, 1)
    np.testing.assert_allclose(task.support_y, task.amplitude * np.sin(task.support_x - task.phase),
                               rtol=1e-5, atol=1e-5)
    again, other = source.sample(rng_for(0, 0, 0)), source.sample(rng_for(0, 0, 1))
    assert np.array_equal(task.query_x, again.query_x) and task.amplitude == again.amplitude
    assert task.amplitude != other.amplitude
    tasks = [source.sample(rng_for(1, 0, i)) for i in range(3000)]
    amplitudes = np.array([t.amplitude for t in tasks])
    phases = np.array([t.phase for t in tasks])
    xs = np.concatenate([t.support_x for t in tasks])
    assert 0.1 <= amplitudes.min() and amplitudes.max() <= 5.0 and abs(amplitudes.mean() - 2.55) < 0.1
    assert 0.0 <= phases.min() and phases.max() <= np.pi and abs(phases.mean() - np.pi / 2) < 0.06
    assert -5 <= xs.min() and xs.max() <= 5 and abs(xs.mean()) < 0.15


def test_sine_preview_draws_four_tasks():
    source = SineTasks(data.load("sine_tasks").info, k_shot=3, queries=3, seed=2)
    (view,) = source.preview()
    assert isinstance(view.value, Curves) and len(view.value.series) == 4
    for i, (x, y) in enumerate(view.value.series.values()):
        task = source.sample(rng_for(2, 0, i))
        np.testing.assert_allclose(y, task.amplitude * np.sin(x - task.phase))
