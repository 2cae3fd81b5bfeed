"""TARNet / CFR: PEHE and ATE error, the IPMs, the semi-synthetic source and the logged metrics."""

import numpy as np
import pytest
from scipy.stats import wasserstein_distance

from workbench.data.causal import TARGET_ATT, ihdp_like, load_causal
from workbench.errors import WorkbenchError
from workbench.models.causal.metrics import ate_error, pehe


def test_pehe_and_ate_error_on_hand_numbers():
    mu0, mu1 = np.zeros(3), np.array([1.0, 2.0, 3.0])  # true effects 1, 2, 3 (ATE 2)
    # estimated effects 1, 1, 4: errors 0, -1, +1 cancel in the average, not in PEHE
    assert pehe(mu0, mu1, np.zeros(3), np.array([1.0, 1.0, 4.0])) == pytest.approx(np.sqrt(2 / 3))
    assert ate_error(mu0, mu1, np.zeros(3), np.array([1.0, 1.0, 4.0])) == pytest.approx(0.0)
    # estimated effects 0.5, 1.5, 2.5 from both heads: every unit off by -0.5
    y0, y1 = np.array([1.0, 1.0, 1.0]), np.array([1.5, 2.5, 3.5])
    assert pehe(mu0, mu1, y0, y1) == pytest.approx(0.5)
    assert ate_error(mu0, mu1, y0, y1) == pytest.approx(0.5)


tf = pytest.importorskip("tensorflow")


def test_mmd_against_hand_kernel_sums():
    from workbench.models.causal.ipm import mmd_rbf

    # one point each at distance 1, sigma 1: k(p,p) = k(q,q) = 1, k(p,q) = exp(-1/2)
    assert float(mmd_rbf([[0.0]], [[1.0]], sigma=1.0)) == pytest.approx(2 - 2 * np.exp(-0.5), rel=1e-6)
    rng = np.random.default_rng(0)
    p, q = rng.normal(size=(4, 3)), rng.normal(1.0, 1.0, size=(5, 3))

    def k(a, b):
        return np.exp(-np.sum((a[:, None] - b[None]) ** 2, -1) / (2 * 0.8 ** 2)).mean()

    expected = k(p, p) + k(q, q) - 2 * k(p, q)
    assert float(mmd_rbf(p, q, sigma=0.8)) == pytest.approx(expected, rel=1e-5)
    assert float(mmd_rbf(p, p, sigma=0.8)) == pytest.approx(0.0, abs=1e-6)


def test_sinkhorn_wasserstein_against_scipy_in_one_dimension():
    from workbench.models.causal.ipm import wasserstein

    rng = np.random.default_rng(1)
    a, b = rng.normal(0.0, 1.0, 40), rng.normal(1.5, 2.0, 30)
    exact = wasserstein_distance(a, b)
    ours = float(wasserstein(a[:, None], b[:, None], blur=0.05, iterations=100))
    assert ours == pytest.approx(exact, rel=0.02)
    same = float(wasserstein(a[:, None], a[:, None], blur=0.05, iterations=100))
    assert same < 0.05 * exact


def test_ihdp_like_generator_has_confounding_and_known_effects():
    table = ihdp_like(747, 6, 19, seed=0)
    t, x = table["t"], table["x"]
    effects = table["mu1"] - table["mu0"]
    assert np.mean(effects[t == 1]) == pytest.approx(TARGET_ATT, abs=1e-4)  # Hill's setting B
    assert 0.1 < t.mean() < 0.5
    # confounded: the treated differ from the controls in their covariates
    gap = np.abs(x[t == 1].mean(0) - x[t == 0].mean(0)).max()
    assert gap > 0.3
    # the factual outcome is the treated arm's potential outcome plus unit noise
    residual = table["y"] - np.where(t == 1, table["mu1"], table["mu0"])
    assert abs(residual.std() - 1.0) < 0.1
    source = load_causal({}, seed=0, val_fraction=0.2)
    assert source.effects_known and source.x_train.shape[1] == 25
    assert abs(source.x_train.mean(0)).max() < 1e-4  # standardised with the training units


def test_causal_csv_columns_and_sentences(tmp_path):
    path = tmp_path / "units.csv"
    rows = ["age,dose,treat,y,m0,m1"] + [f"{i},{i % 3},{i % 2},{i * 0.5},{i * 0.1},{i * 0.1 + 1}" for i in range(20)]
    path.write_text("\n".join(rows) + "\n")
    source = load_causal({"path": str(path), "treatment": "treat", "outcome": "y", "mu0": "m0", "mu1": "m1"},
                         seed=0, val_fraction=0.25)
    assert source.info.feature_names == ("age", "dose")
    np.testing.assert_allclose(source.mu1_val - source.mu0_val, 1.0, atol=1e-6)
    with pytest.raises(WorkbenchError, match="no treatment column 'treatment'"):
        load_causal({"path": str(path), "outcome": "y"}, seed=0, val_fraction=0.25)
    plain = load_causal({"path": str(path), "treatment": "treat", "outcome": "y"}, seed=0, val_fraction=0.25)
    assert not plain.effects_known  # m0 and m1 are covariates then
    bad = tmp_path / "bad.csv"
    bad.write_text("x,treatment,outcome\n1,2,3\n2,0,1\n")
    with pytest.raises(WorkbenchError, match="0 \\(control\\) or 1"):
        load_causal({"path": str(bad)}, seed=0, val_fraction=0.25)


@pytest.mark.parametrize("model,extra", [("tarnet", {}), ("cfr", {"ipm": "mmd", "alpha": 1.0})])
def test_training_logs_pehe_and_ate_error_of_the_saved_model(tmp_path, model, extra):
    from workbench.training import TrainConfig, job

    config = TrainConfig(model, "causal", epochs=1, batch_size=32, steps_per_epoch=3,
                         hparams={"representation_units": "8", "head_units": "4", **extra},
                         data_options={"samples": 120}, val_split=0.25, eager=True, out=str(tmp_path / model))
    result = job.run_training(config)
    source = result.dataset
    outcomes, _ = result.model(source.x_val)
    outcomes = np.asarray(outcomes, np.float64)
    y_mean, y_std = source.y_train.mean(), source.y_train.std()
    y0, y1 = outcomes[:, 0] * y_std + y_mean, outcomes[:, 1] * y_std + y_mean
    assert result.history["pehe"][-1] == pytest.approx(pehe(source.mu0_val, source.mu1_val, y0, y1), rel=1e-4)
    assert result.history["ate_error"][-1] == pytest.approx(
        ate_error(source.mu0_val, source.mu1_val, y0, y1), rel=1e-4, abs=1e-5)
    if model == "cfr":
        assert result.history["ipm"][-1] > 0
    else:
        assert result.history["ipm"][-1] == 0


def test_a_stopped_cfr_run_resumes_to_the_uninterrupted_history(tmp_path):
    """Adam's moments and the minibatch order (a function of seed and epoch) continue where they were."""
    from workbench.training import TrainConfig, events, job
    from workbench.training.control import RunControl

    def config(out):
        return TrainConfig("cfr", "causal", epochs=3, batch_size=32, steps_per_epoch=2, seed=4, eager=True,
                           hparams={"representation_units": "8", "head_units": "4", "ipm": "mmd"},
                           data_options={"samples": 100}, out=str(out))

    whole = job.run_training(config(tmp_path / "whole"))
    control = RunControl()

    def stop_after_first(event):
        if isinstance(event, events.EpochEnd):
            control.stop()

    first = job.run_training(config(tmp_path / "parts"), emit=stop_after_first, control=control)
    assert first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / "parts"))
    assert resumed.history["epoch"] == [1, 2, 3]
    assert resumed.history["loss"] == whole.history["loss"]
    for a, b in zip(whole.model.get_weights(), resumed.model.get_weights()):
        np.testing.assert_array_equal(a, b)
