"""tf.distribute strategies: mirrored and multi-worker compute what one device computes at
the same global batch and seed, resume under them, parameter-server trains, and bad
choices are sentences.

The runs need fresh processes (logical devices and clusters are fixed when TensorFlow
starts), so one module fixture starts them all at once and each test reads its files.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.training import TrainConfig, strategies

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
#: Measured: 2 logical CPUs and 2 worker processes end within 1e-7 of one device after
#: 6 Adam steps (float sums in another order); a wrong gradient scale or a worker on other
#: batches is off by 1e-2 or more.
TOLERANCE = 1e-5


def _env():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ROOT}
    env.pop("TF_CONFIG", None)  # this machine's own local cluster, whatever the shell set
    return env


#: ``keras-workbench`` as this interpreter runs it (the console script may not be on PATH).
CLI = [sys.executable, "-c", "import sys; from workbench.cli import main; sys.exit(main(sys.argv[1:]))"]


def _cli(*args):
    return [*CLI, "train", "mlp", "--data", "digits", "--batch-size", "32",
            "--seed", "3", "--steps-per-epoch", "3", "--set", "learning_rate=0.05", "--set", "optimizer=adam",
            "--eager", "--quiet", *args]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("strategies"))
    jobs = [subprocess.Popen([sys.executable, os.path.join(HERE, "strategy_jobs.py"), job, out], env=_env(),
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for job in ("one_and_mirrored", "parameter_server")]
    multi = f"{out}/multi"
    first = subprocess.run(_cli("--epochs", "1", "--strategy", "multi-worker", "--workers", "2", "--out", multi),
                           env=_env(), cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert first.returncode == 0, first.stderr[-2000:]
    weights_after_1 = _final_weights(multi)
    _extend(multi, 2)
    second = subprocess.run([*CLI, "train", "--resume", multi, "--quiet"],
                            env=_env(), cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert second.returncode == 0, second.stderr[-2000:]
    for job in jobs:
        output, _ = job.communicate(timeout=240)
        assert job.returncode == 0, output[-2000:]
    return {"out": out, "multi_1": weights_after_1, "multi_2": _final_weights(multi), "multi_log": first.stderr}


def _extend(run_dir, epochs):
    path = os.path.join(run_dir, "config.json")
    with open(path) as handle:
        data = json.load(handle)
    data["epochs"] = epochs
    with open(path, "w") as handle:
        json.dump(data, handle)


def _final_weights(run_dir):
    from workbench.runs.rundir import RunDir
    from workbench.training.checkpoints import read_snapshot

    _, path = max(RunDir(run_dir).checkpoint_files())
    return read_snapshot(path).networks["model"]


def _load(out, name):
    with np.load(os.path.join(out, f"{name}.npz")) as data:
        weights = [data[f"arr_{i}"] for i in range(len(data.files) - 1)]
        return weights, json.loads(str(data["history"]))


def _max_difference(a, b):
    assert [w.shape for w in a] == [w.shape for w in b]
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def test_mirrored_on_two_logical_cpus_equals_one_device(runs):
    one, one_history = _load(runs["out"], "one2")
    mirrored, mirrored_history = _load(runs["out"], "mirrored")
    assert _max_difference(one, mirrored) < TOLERANCE
    assert one_history["loss"] == pytest.approx(mirrored_history["loss"], abs=1e-5)
    assert _max_difference(one, _load(runs["out"], "one1")[0]) > 1e-3  # the second epoch moved them
    with open(os.path.join(runs["out"], "mirrored_device.txt")) as handle:
        assert "2 logical CPU devices" in handle.read()


def test_mirrored_resume_continues_as_the_uninterrupted_run(runs):
    straight, _ = _load(runs["out"], "mirrored")
    resumed, resumed_history = _load(runs["out"], "mirrored_resumed")
    assert _max_difference(straight, resumed) < TOLERANCE
    assert resumed_history["epoch"] == [1, 2]


def test_two_workers_match_one_worker_and_resume(runs):
    one_1, _ = _load(runs["out"], "one1")
    one_2, _ = _load(runs["out"], "one2")
    assert _max_difference(one_1, runs["multi_1"]) < TOLERANCE
    assert _max_difference(one_2, runs["multi_2"]) < TOLERANCE  # epoch 2 after a resume with 2 workers
    with open(os.path.join(runs["out"], "multi", "history.json")) as handle:
        assert json.load(handle)["epoch"] == [1, 2]


def test_workers_leave_nothing_behind(runs):
    assert sorted(n for n in os.listdir(os.path.join(runs["out"], "multi")) if not n.startswith(".")) == [
        "checkpoint", "config.json", "history.json", "info.json", "model.keras", "tensorboard"]


def test_parameter_server_trains_and_its_loss_falls(runs):
    _, history = _load(runs["out"], "ps")
    losses = history["loss"]
    assert len(losses) == 3 and all(np.isfinite(losses))
    # Adam 0.01 on digits, 24 asynchronous steps. 16 runs here, most with both cores kept busy:
    # the training loss fell by 0.84 to 1.18 and the final validation loss was 0.76 to 1.19,
    # against ln 10 = 2.303 for a uniform guess over 10 digits. Not accuracy, nor exact values:
    # the workers' order differs from run to run.
    assert losses[-1] < losses[0] - 0.4, history
    assert history["val_loss"][-1] < np.log(10) - 0.6, history
    with open(os.path.join(runs["out"], "ps_device.txt")) as handle:
        assert "2 workers, 1 parameter server" in handle.read()


# -- bad input: a sentence, before anything runs -----------------------------------------------

@pytest.mark.parametrize("strategy, workers, words", [
    ("ring", 0, "not one of one, mirrored, multi-worker, parameter-server"),
    ("multi-worker", -1, "workers=-1"),
    ("mirrored", 99, "workers=99"),
])
def test_bad_strategy_or_worker_count_is_a_sentence(strategy, workers, words):
    with pytest.raises(WorkbenchError, match=words):
        TrainConfig("mlp", strategy=strategy, workers=workers).validate()


def test_cli_refuses_zero_workers(capsys):
    from workbench.cli import main

    code = main(["train", "mlp", "--data", "digits", "--out", "unused", "--strategy", "multi-worker",
                 "--workers", "0"])
    assert code == 1
    assert "--workers 0" in capsys.readouterr().err


def test_an_entry_with_its_own_loop_refuses_a_strategy_it_does_not_support():
    from workbench import catalog

    entry = next(e for e in catalog.all_entries() if e.trainer
                 and "one" == ",".join(getattr(catalog.registry.load_symbol(e.trainer), "strategies", ("one",))))
    with pytest.raises(WorkbenchError, match=f"{entry.name} trains with its own loop.*supports: one"):
        strategies.check_entry(entry, "multi-worker")
    strategies.check_entry(entry, "one")  # its own path stays open


def test_ports_that_cannot_bind_are_a_sentence(monkeypatch):
    import socket

    def refuse(self, address):
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(socket.socket, "bind", refuse)
    with pytest.raises(WorkbenchError, match="cannot bind loopback ports"):
        strategies.local_cluster(2)


def test_a_malformed_tf_config_is_a_sentence(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"worker": ["h:1"]}}')
    with pytest.raises(WorkbenchError, match="TF_CONFIG is not a cluster description"):
        strategies.cluster_from_env()


def test_streamed_folders_refuse_multi_worker():
    class Streamed:
        train_stream = None

    with pytest.raises(WorkbenchError, match="streamed from disk"):
        strategies.check_data(Streamed(), "multi-worker")
    strategies.check_data(Streamed(), "mirrored")
