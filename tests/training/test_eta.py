"""The Train tab's ETA (``workbench.training.eta``): the start-up is left out, and the
estimate follows the run's current speed."""

import pytest

from workbench.training.eta import EtaEstimator


def test_the_compilation_before_the_first_batch_is_not_counted():
    eta = EtaEstimator(window=20.0)
    # the first batch ends 8 s after Start (build + tracing); then 0.1 s per batch
    for done in range(1, 51):
        eta.update(done, 8.0 + 0.1 * (done - 1))
    assert eta.seconds_per_batch() == pytest.approx(0.1)
    assert eta.remaining(250) == pytest.approx(20.0)  # 200 batches left at 0.1 s
    # what elapsed / done would say: (8 + 4.9) s for 50 batches -> 51.6 s, 2.6 times too long
    assert 12.9 / 50 * 200 > 2.5 * eta.remaining(250)


def test_the_estimate_follows_a_change_of_speed_within_the_window():
    eta = EtaEstimator(window=5.0)
    now = 0.0
    for done in range(1, 101):  # 0.1 s per batch for 10 s
        now += 0.1
        eta.update(done, now)
    for done in range(101, 201):  # then 0.5 s per batch (another program took the CPU)
        now += 0.5
        eta.update(done, now)
    assert eta.seconds_per_batch() == pytest.approx(0.5, rel=0.02)
    assert eta.remaining(300) == pytest.approx(50.0, rel=0.02)


def test_no_estimate_before_progress_and_none_left_at_the_end():
    eta = EtaEstimator()
    assert eta.remaining(10) is None
    eta.update(1, 5.0)
    assert eta.remaining(10) is None  # one point: no rate yet
    eta.update(10, 6.0)
    assert eta.remaining(10) == 0


def test_a_new_run_starts_a_new_estimate():
    eta = EtaEstimator()
    eta.update(10, 1.0)
    eta.update(20, 2.0)
    eta.update(3, 50.0)  # fewer batches done: another run
    assert eta.remaining(10) is None
    eta.update(5, 51.0)
    assert eta.seconds_per_batch() == pytest.approx(0.5)
