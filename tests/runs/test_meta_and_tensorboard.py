"""TensorBoard event files of every run, and a run's name, tags and note (meta.json).

The event files are read back with TensorBoard's own EventAccumulator and compared with
history.json exactly, rounded to float32 (the scalars TensorBoard's default loader shows)."""

import json
import os

import numpy as np
import pytest

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.training import TrainConfig, events, job
from workbench.training.control import RunControl
from workbench.training.tensorboard import TB_DIR, EpochScalars, read_scalars


def tensorboard_scalars(run) -> dict:
    """{history key: ([steps], [values])} as TensorBoard reads the run's event files."""
    from tensorboard.backend.event_processing.event_accumulator import TENSORS, EventAccumulator
    from tensorboard.util import tensor_util

    found = {}
    for split, prefix in (("train", ""), ("validation", "val_")):
        folder = os.path.join(run, TB_DIR, split)
        if not os.path.isdir(folder):
            continue
        acc = EventAccumulator(folder, size_guidance={TENSORS: 0})
        acc.Reload()
        for tag in acc.Tags()[TENSORS]:
            assert acc.SummaryMetadata(tag).plugin_data.plugin_name == "scalars"
            items = acc.Tensors(tag)
            # float32 scalars: TensorBoard's default (Rust) loader drops doubles without a word
            assert all(tensor_util.make_ndarray(e.tensor_proto).dtype == np.float32 for e in items)
            found[prefix + tag.removeprefix("epoch_")] = (
                [e.step for e in items], [tensor_util.make_ndarray(e.tensor_proto).item() for e in items])
    return found


def history_of(run) -> dict:
    with open(os.path.join(run, "history.json")) as f:
        return json.load(f)


def assert_same_as_history(run) -> dict:
    history = history_of(run)
    scalars = tensorboard_scalars(run)
    assert set(scalars) == set(history) - {"epoch"}
    for key, (steps, values) in scalars.items():
        assert steps == history["epoch"], key
        assert values == [float(np.float32(v)) for v in history[key]], key  # exactly, in float32
    return scalars


def tiny(out, **kw):
    return TrainConfig("mlp", "iris", epochs=kw.pop("epochs", 2), hparams={"hidden_units": "4"},
                       out=str(out), steps_per_epoch=2, eager=True, **kw)


def test_fit_run_writes_history_scalars_to_tensorboard(tmp_path):
    job.run_training(tiny(tmp_path / "run"))
    scalars = assert_same_as_history(str(tmp_path / "run"))
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(scalars)
    # Keras's layout: one folder per split, the same tag in both, so TensorBoard overlays them
    assert sorted(os.listdir(tmp_path / "run" / TB_DIR)) == ["train", "validation"]


def test_own_loop_run_gets_its_epoch_scalars(tmp_path):
    """REINFORCE trains in its own loop (ctx.end_epoch), not fit: its scalars are there too."""
    job.run_training(TrainConfig("reinforce", "CartPole-v1", epochs=2, eager=True, out=str(tmp_path / "rl"),
                                 hparams={"hidden_units": "8", "episodes_per_epoch": 1}))
    scalars = assert_same_as_history(str(tmp_path / "rl"))
    assert scalars and all(steps == [1, 2] for steps, _ in scalars.values())


def test_opt_out_writes_no_event_files(tmp_path, capsys):
    job.run_training(tiny(tmp_path / "off", tensorboard=False))
    assert not os.path.exists(tmp_path / "off" / TB_DIR)
    assert history_of(str(tmp_path / "off"))["epoch"] == [1, 2]
    # the CLI's switch
    out = tmp_path / "cli"
    assert main(["train", "mlp", "--data", "iris", "--epochs", "1", "--steps-per-epoch", "1", "--eager",
                 "--set", "hidden_units=4", "--out", str(out), "--quiet", "--no-tensorboard"]) == 0
    assert not os.path.exists(out / TB_DIR)
    assert json.loads((out / "config.json").read_text())["tensorboard"] is False


def test_resumed_run_appends_without_duplicates(tmp_path):
    """Stopped after epoch 1, resumed: the event files hold epochs 1, 2, 3 once each."""
    run = str(tmp_path / "run")
    control = RunControl()

    def stop_after_first(event):
        if isinstance(event, events.EpochEnd):
            control.stop()

    result = job.run_training(tiny(run, epochs=3), emit=stop_after_first, control=control)
    assert result.stopped and history_of(run)["epoch"] == [1]
    job.resume_training(run)
    assert history_of(run)["epoch"] == [1, 2, 3]
    assert_same_as_history(run)


def test_resume_drops_scalars_past_the_resume_point(tmp_path):
    """Killed after epoch 3's scalars were written but before its checkpoint: the resumed run
    replays epoch 3, and the first epoch 3 is gone (in the raw files, not only in TensorBoard)."""
    run = str(tmp_path / "run")
    writer = EpochScalars(run)
    for epoch in range(3):
        writer.write(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0 / (epoch + 1)})
    writer.close()
    with open(next(p for p in _files(run) if "train" in p), "ab") as f:
        f.write(b"\x00\x01partial record")  # the kill came while a record was being written
    resumed = EpochScalars(run, epochs_done=2)
    resumed.write(2, {"loss": 0.125, "val_loss": 0.25})
    resumed.close()
    assert read_scalars(run) == {"loss": [(1, 1.0), (2, 0.5), (3, 0.125)],
                                 "val_loss": [(1, 2.0), (2, 1.0), (3, 0.25)]}
    scalars = tensorboard_scalars(run)
    assert scalars["loss"] == ([1, 2, 3], [1.0, 0.5, 0.125])
    # a restart from scratch (killed before any checkpoint) keeps nothing
    EpochScalars(run, epochs_done=0).close()
    assert read_scalars(run) == {} and _files(run) == []


def _files(run):
    from workbench.training.tensorboard import event_files

    return event_files(os.path.join(run, TB_DIR))


# -- name, tags and note -----------------------------------------------------------------------

def fake_run(folder, model="mlp", final=None, **config):
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(TrainConfig(model, "iris", out=str(folder), **config).to_dict()))
    history = {"epoch": [1], **{k: [v] for k, v in (final or {}).items()}}
    (folder / "history.json").write_text(json.dumps(history))
    return str(folder)


def test_meta_cli_names_tags_and_notes_a_run(tmp_path, capsys):
    from workbench.runs.meta import read_meta

    run = fake_run(tmp_path / "r1", final={"val_accuracy": 0.95})
    fake_run(tmp_path / "r2", final={"val_accuracy": 0.5})
    assert main(["runs", run, "--name", "  baseline\tadam ", "--tag", "baseline", "--tag", "fig-3",
                 "--tag", "baseline", "--note", "before the fix\r\nsecond line"]) == 0
    meta = read_meta(run)
    assert (meta.name, meta.tags, meta.note) == ("baseline adam", ["baseline", "fig-3"], "before the fix\nsecond line")
    assert json.loads((tmp_path / "r1" / "meta.json").read_text()) == meta.as_dict()
    assert main(["runs", run, "--untag", "baseline", "--tag", "lr=0.1"]) == 0
    assert read_meta(run).tags == ["fig-3", "lr=0.1"] and read_meta(run).name == "baseline adam"
    capsys.readouterr()
    assert main(["runs", "--root", str(tmp_path), "--json"]) == 0
    rows = {os.path.basename(r["path"]): r for r in json.loads(capsys.readouterr().out)}
    assert rows["r1"]["name"] == "baseline adam" and rows["r1"]["tags"] == ["fig-3", "lr=0.1"]
    assert rows["r2"]["name"] == "" and rows["r2"]["tags"] == [] and rows["r2"]["note"] == ""
    # filters: words, tag, metric
    for extra, expected in ((["--search", "BASELINE fix"], ["r1"]), (["--with-tag", "fig-3"], ["r1"]),
                            (["--where", "val_accuracy >= 0.5"], ["r1", "r2"]),
                            (["--where", "val_accuracy > 0.9"], ["r1"]), (["--search", "mlp iris"], ["r1", "r2"])):
        assert main(["runs", "--root", str(tmp_path), "--json", *extra]) == 0
        assert sorted(os.path.basename(r["path"]) for r in json.loads(capsys.readouterr().out)) == expected, extra


def test_meta_refuses_bad_input_with_a_sentence(tmp_path):
    from workbench.runs.meta import update_meta

    run = fake_run(tmp_path / "r")
    for kwargs in ({"add_tags": ["two words"]}, {"add_tags": ["a,b"]}, {"add_tags": [""]},
                   {"remove_tags": ["missing"]}, {"name": "x" * 500}, {"add_tags": ["-dash-first"]}):
        with pytest.raises(WorkbenchError):
            update_meta(run, **kwargs)
    assert not os.path.exists(tmp_path / "r" / "meta.json")  # nothing half-written
    with pytest.raises(WorkbenchError, match="not a run directory"):
        update_meta(str(tmp_path), name="x")
    (tmp_path / "r" / "meta.json").write_text("{broken")
    from workbench.runs.history import read_run
    from workbench.runs.meta import read_meta

    assert read_run(run).meta.empty and not read_run(run).damaged  # listed anyway
    with pytest.raises(WorkbenchError, match="damaged"):
        read_meta(run)
    assert update_meta(run, add_tags=["fixed"]).tags == ["fixed"]  # the next edit replaces it


def test_metric_conditions_are_parsed_not_evaluated():
    from workbench.runs.search import Condition, parse_conditions

    assert parse_conditions("val_accuracy > 0.9 and loss<=1e-2, val_mAP != 3") == [
        Condition("val_accuracy", ">", 0.9), Condition("loss", "<=", 0.01), Condition("val_mAP", "!=", 3.0)]
    assert parse_conditions("  ") == []
    for bad in ("__import__('os').system('x') > 1", "val_accuracy >", "> 0.9", "loss < 1 or 2", "a ~ 1"):
        with pytest.raises(WorkbenchError, match="METRIC OP NUMBER"):
            parse_conditions(bad)
    holds = Condition("val_accuracy", ">=", 0.9).holds
    assert holds({"val_accuracy": 0.9}) and not holds({"val_accuracy": 0.89})
    assert not holds({}) and not holds({"val_accuracy": float("nan")})


def test_differences_from_the_selected_run():
    from workbench.runs.compare import differences, differences_text

    base = TrainConfig("mlp", "/data/iris", epochs=5, seed=0, hparams={"optimizer": "adam", "learning_rate": 0.001},
                       out="/runs/a").to_dict()
    other = TrainConfig("mlp", "iris", epochs=10, seed=1, hparams={"optimizer": "sgd", "learning_rate": 0.001},
                        data_options={"limit": 50}, out="/runs/b").to_dict()
    assert differences(base, other) == [("epochs", 5, 10), ("seed", 0, 1), ("data.limit", "\u2014", 50),
                                        ("optimizer", "adam", "sgd")]
    assert differences_text(differences(base, other)) == (
        "epochs: 5 \u2192 10, seed: 0 \u2192 1, data.limit: \u2014 \u2192 50, optimizer: adam \u2192 sgd")
    assert differences(base, dict(base, out="/elsewhere")) == []  # where it was written is no setting
    assert differences_text([]) == "same settings"
    # 1 and 1.0 are the same setting; another model compares only what both have
    assert differences(dict(base, val_split=0.2), dict(base, val_split=0.2000)) == []
    cnn = TrainConfig("lenet", "iris", epochs=5, hparams={"optimizer": "adam", "filters": 6}).to_dict()
    assert differences(base, cnn) == [("model", "mlp", "lenet")]
