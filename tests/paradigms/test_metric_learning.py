"""Contrastive and triplet losses, negative mining, prototypes, zero-shot by attributes,
and the few-shot entry's refusal of an N-way larger than the classes it has."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from workbench.errors import WorkbenchError


def test_pairwise_distances_match_scipy():
    from workbench.models.paradigms.siamese import pairwise_distances

    e = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(pairwise_distances(e)), cdist(e, e), atol=2e-3)


def test_contrastive_loss_on_hand_pairs():
    from workbench.models.paradigms.siamese import batch_pair_loss, contrastive_loss

    d = np.array([0.5, 0.2, 1.5, 0.9], np.float32)
    same = np.array([1, 0, 0, 1])
    # same: d^2/2; different: max(0, m - d)^2 / 2 with m = 1
    np.testing.assert_allclose(np.asarray(contrastive_loss(d, same, 1.0)),
                               [0.125, 0.32, 0.0, 0.405], rtol=1e-6)
    # three points on a line: pairs (0,1) same at distance 0.3, (0,2) and (1,2) different at 1.0 and 0.7
    e = np.array([[0.0, 0.0], [0.3, 0.0], [1.0, 0.0]], np.float32)
    loss, d_pos, d_neg = batch_pair_loss(e, np.array([0, 0, 1]), 1.2)
    expected = 0.3 ** 2 / 2 + ((1.2 - 1.0) ** 2 / 2 + (1.2 - 0.7) ** 2 / 2) / 2
    assert float(loss) == pytest.approx(expected, rel=1e-4)
    assert float(d_pos) == pytest.approx(0.3, rel=1e-4) and float(d_neg) == pytest.approx(0.85, rel=1e-4)


# A planted batch on a line. Anchor 0 (class 0, at 0.0) has its positive 1 at 0.3; the
# negatives (class 1) sit at 0.1 (closer than the positive: hard), 0.45 (farther than the
# positive but inside the margin 0.5: semi-hard) and 2.0 (beyond the margin: easy).
PLANTED = np.array([[0.0], [0.3], [0.1], [0.45], [2.0]], np.float32)
PLANTED_LABELS = np.array([0, 0, 1, 1, 1])


@pytest.mark.parametrize("mining, negative", [("hard", 2), ("semi_hard", 3), ("easy", 4)])
def test_triplet_mining_picks_the_planted_negative(mining, negative):
    from workbench.models.paradigms.siamese import pairwise_distances
    from workbench.models.paradigms.triplet import mine_negatives

    chosen, valid = mine_negatives(pairwise_distances(PLANTED), PLANTED_LABELS, mining)
    chosen, valid = np.asarray(chosen), np.asarray(valid)
    assert chosen[0, 1] == negative
    # valid = same class, not the anchor itself
    assert valid[0, 1] and valid[1, 0] and not valid[0, 0] and not valid[0, 2] and valid[2, 3]


def test_semi_hard_falls_back_to_the_farthest_negative():
    from workbench.models.paradigms.siamese import pairwise_distances
    from workbench.models.paradigms.triplet import mine_negatives

    # anchor 0 at 0, positive at 3.0: every negative (0.1, 0.45, 2.0) is closer than the positive
    e = PLANTED.copy()
    e[1] = 3.0
    chosen, _ = mine_negatives(pairwise_distances(e), PLANTED_LABELS, "semi_hard")
    assert np.asarray(chosen)[0, 1] == 4


def test_triplet_loss_by_hand_on_the_planted_batch():
    from workbench.models.paradigms.triplet import triplet_loss

    margin = 0.5
    e = PLANTED[[0, 1, 2, 3]]  # class 0: 0.0, 0.3; class 1: 0.1, 0.45
    labels = PLANTED_LABELS[[0, 1, 2, 3]]
    loss, active, _, _ = triplet_loss(e, labels, margin, "hard")
    # (a, p) -> hardest negative: (0,1): d_ap .3, neg .1 -> .3-.1+.5=.7; (1,0): .3, closest neg to .3 is .45
    # (.15) -> .65; (2,3): .35, closest class-0 to .1 is 0.0 (.1) -> .75; (3,2): .35, closest to .45 is .3 (.15) -> .7
    assert float(loss) == pytest.approx((0.7 + 0.65 + 0.75 + 0.7) / 4, abs=1e-3)
    assert float(active) == 1.0
    easy_loss = triplet_loss(PLANTED * 10, PLANTED_LABELS, margin, "easy")
    assert float(easy_loss[0]) < float(triplet_loss(PLANTED * 10, PLANTED_LABELS, margin, "hard")[0])


def test_prototypes_are_class_means_and_queries_go_to_the_nearest():
    from workbench.models.paradigms.prototypical import (
        classify,
        prototype_logits,
        prototypes,
    )

    support = np.array([[0, 0], [2, 0], [10, 10], [12, 10], [0, 9]], np.float32)
    ways = np.array([0, 0, 1, 1, 2])
    protos = np.asarray(prototypes(support, ways, 3))
    np.testing.assert_allclose(protos, [[1, 0], [11, 10], [0, 9]])
    queries = np.array([[1.5, 1.0], [9, 9], [1, 7]], np.float32)
    assert classify(queries, protos).tolist() == [0, 1, 2]
    np.testing.assert_allclose(np.asarray(prototype_logits(queries[:1], protos))[0],
                               [-(0.25 + 1), -(9.5 ** 2 + 81), -(1.5 ** 2 + 64)])


def test_zero_shot_picks_the_class_with_the_nearest_attribute_vector():
    from workbench.models.paradigms.zero_shot import DIGIT_ATTRIBUTES, nearest_class

    noisy = DIGIT_ATTRIBUTES[[1, 6, 7]] * 0.8 + 0.1  # softened predictions of a 1, a 6 and a 7
    assert nearest_class(noisy, DIGIT_ATTRIBUTES, [1, 6, 7]).tolist() == [1, 6, 7]
    # a prediction nearest to 8 in the whole table still goes to the nearest candidate
    assert nearest_class(DIGIT_ATTRIBUTES[[8]], DIGIT_ATTRIBUTES, [0, 1]).tolist() == [0]
    assert len({tuple(r) for r in DIGIT_ATTRIBUTES}) == 10  # every digit is told apart by its attributes


def test_zero_shot_model_scores_classes_by_attribute_distance():
    import keras

    from workbench.models.paradigms.zero_shot import DIGIT_ATTRIBUTES, ZeroShot

    # an "attribute network" that reads the attributes straight from its input
    inputs = keras.Input((8,))
    net = keras.Model(inputs, keras.layers.Identity()(inputs), name="attribute_net")
    model = ZeroShot({"attribute_net": net}, table=DIGIT_ATTRIBUTES, unseen=[1, 6, 7], temperature=0.1)
    probs = np.asarray(model(DIGIT_ATTRIBUTES * 0.9))
    assert probs.argmax(axis=1).tolist() == list(range(10))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    # the validation step's zero-shot accuracy counts the unseen digits only
    logs = model.test_step((DIGIT_ATTRIBUTES[[1, 6, 7, 0]], np.array([1, 6, 1, 0])))
    assert float(logs["zero_shot_accuracy"]) == pytest.approx(2 / 3)


def test_zero_shot_refuses_unseen_classes_that_leave_an_attribute_unlearnable():
    from workbench.models.paradigms.zero_shot import parse_unseen

    assert parse_unseen("7, 1,6") == [1, 6, 7]
    with pytest.raises(WorkbenchError, match="two loops"):
        parse_unseen("8,3")
    with pytest.raises(WorkbenchError, match="at least two digits"):
        parse_unseen("4")


def test_few_shot_refuses_more_ways_than_held_out_classes(tmp_path):
    from workbench.training import TrainConfig, job

    config = TrainConfig("few_shot", "few_shot", epochs=1, steps_per_epoch=1, hparams={"n_way": 5},
                         out=str(tmp_path / "run"))
    with pytest.raises(WorkbenchError, match=r"n_way=5 is more than the 3 held-out classes"):
        job.run_training(config)


def test_few_shot_logs_accuracy_on_held_out_classes(tmp_path):
    from workbench.training import TrainConfig, job
    from workbench.views.types import View

    collected = []
    config = TrainConfig("few_shot", "few_shot", epochs=1, steps_per_epoch=2, eager=True,
                         hparams={"width": 4, "embedding_dim": 4, "val_episodes": 3, "n_way": 3, "k_shot": 2},
                         out=str(tmp_path / "run"))
    result = job.run_training(config, emit=collected.append)
    accuracy = result.history["val_episode_accuracy"][0]
    assert 0.0 <= accuracy <= 1.0
    views = [e for e in collected if isinstance(e, View) and e.name == "episode_embedding"]
    # 3 ways x (2 shots + 5 queries), labelled by the held-out digits
    assert len(views[-1].value.features) == 21 and all(n.startswith("class ") for n in views[-1].value.label_names)


def test_triplet_run_shows_the_projection_and_reloads(tmp_path):
    import keras

    from workbench.training import TrainConfig, job
    from workbench.views.types import Scatter, View

    collected = []
    config = TrainConfig("triplet", "digits", epochs=1, batch_size=32, steps_per_epoch=2, val_split=0.1, eager=True,
                         hparams={"width": 4, "embedding_dim": 4, "mining": "hard"}, out=str(tmp_path / "run"))
    result = job.run_training(config, emit=collected.append)
    assert {"active_triplets", "val_loss", "probe_accuracy"} <= set(result.history)
    scatter = [e for e in collected if isinstance(e, View) and e.name == "embedding"][-1].value
    assert isinstance(scatter, Scatter) and scatter.features.shape[1] == 4
    np.testing.assert_allclose(np.linalg.norm(scatter.features, axis=1), 1.0, rtol=1e-4)  # on the unit sphere
    reloaded = keras.saving.load_model(tmp_path / "run" / "model.keras")
    x = result.dataset.x_val[:3]
    np.testing.assert_allclose(np.asarray(reloaded(x)), np.asarray(result.model(x)), rtol=1e-5, atol=1e-6)
