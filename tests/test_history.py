"""The run history read back from run directories (core of the Runs tab and `runs`)."""

import json

from workbench.cli import main
from workbench.runs.history import scan_runs
from workbench.training import TrainConfig, job


def test_history_lists_runs_with_their_differences(tmp_path, capsys):
    for optimizer in ("sgd", "adam"):
        job.run_training(TrainConfig("mlp", "iris", epochs=2, hparams={"optimizer": optimizer},
                                     out=str(tmp_path / optimizer)))
    (tmp_path / "not-a-run").mkdir()
    runs = scan_runs([str(tmp_path)])
    assert sorted(r.name for r in runs) == ["adam", "sgd"]
    for run in runs:
        history = json.loads((tmp_path / run.name / "history.json").read_text())
        assert run.final["val_accuracy"] == history["val_accuracy"][-1]
        assert run.differs == {"optimizer": run.name} and run.epochs_done == 2
    assert main(["runs", "--root", str(tmp_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["differs"]["optimizer"] for r in rows} == {"sgd", "adam"}


def test_runs_with_entries_leaves_out_damaged_unknown_and_unfinished_runs(tmp_path):
    """What the Play, Board and Text tabs list: known entries only, and with need_model only
    the runs that saved a model."""
    from workbench.runs.history import runs_with_entries

    def run(name, model, finished=True, config=None):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "config.json").write_text(config if config is not None else
                                            json.dumps(TrainConfig(model, "digits", out=str(folder)).to_dict()))
        if finished:
            (folder / "model.keras").write_bytes(b"model")

    run("good", "lenet")
    run("unfinished", "lenet", finished=False)
    run("unknown", "no_such_entry")
    run("damaged", "lenet", config="{not json")
    listed = {record.name: entry.name for record, entry in runs_with_entries([str(tmp_path)])}
    assert listed == {"good": "lenet", "unfinished": "lenet"}
    finished = [record.name for record, _ in runs_with_entries([str(tmp_path), ""], need_model=True)]
    assert finished == ["good"]


def test_legend_labels_are_short_names_that_tell_runs_apart():
    from workbench.runs.history import LEGEND_CHARS, RunRecord, curve_labels
    from workbench.runs.meta import RunMeta

    def record(path, differs, name=""):
        return RunRecord(path, "lenet", "digits", {}, {}, 1, 0.0, differs=differs, meta=RunMeta(name=name))

    runs = [record("/r/a", {"optimizer": "sgd"}), record("/r/b", {f"key{i}": i for i in range(12)}),
            record("/r/c", {"optimizer": "adam"}, name="my best")]
    labels = curve_labels(runs)
    assert labels == ["optimizer=sgd", "b", "my best"]
    assert all(len(label) <= LEGEND_CHARS for label in labels)
