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
