"""The search results table: best first by the metric, sortable by any column, a double-click
names the trial's run; the dialog turns ticks and fields into the core's trials."""

from PySide6.QtCore import Qt

from ui.widgets.search_table import SearchDialog, SearchTable
from workbench import catalog
from workbench.training.search import make_trials

ROWS = [  # trial, settings, final metrics, run directory
    (1, {"learning_rate": 0.1, "optimizer": "sgd"}, {"val_accuracy": 0.50, "val_loss": 1.2}, "/runs/s/001"),
    (2, {"learning_rate": 0.01, "optimizer": "adam"}, {"val_accuracy": 0.91, "val_loss": 0.3}, "/runs/s/002"),
    (3, {"learning_rate": 0.001, "optimizer": "sgd"}, {}, "/runs/s/003"),  # stopped before epoch 1
    (4, {"learning_rate": 0.05, "optimizer": "adam"}, {"val_accuracy": 0.75, "val_loss": 0.8}, "/runs/s/004"),
]


def test_table_sorts_best_first_by_any_column_and_double_click_names_the_run(qtbot):
    table = SearchTable()
    qtbot.addWidget(table)
    table.start(["learning_rate", "optimizer"], "val_accuracy")
    for row in ROWS:
        table.add_trial(*row)
    assert table.headers() == ["#", "learning_rate", "optimizer", "val_accuracy", "val_loss"]
    # highest accuracy first, the trial without a metric last
    assert table.column_values("#") == [2, 4, 1, 3]
    assert table.column_values("val_accuracy") == [0.91, 0.75, 0.50, None]
    table.sortByColumn(table.headers().index("learning_rate"), Qt.SortOrder.AscendingOrder)
    assert table.column_values("learning_rate") == [0.001, 0.01, 0.05, 0.1]  # numbers, not text
    table.sortByColumn(table.headers().index("val_loss"), Qt.SortOrder.AscendingOrder)
    assert table.column_values("#") == [2, 4, 1, 3]  # a loss: lowest first, missing still last
    table.rank_metric = "val_loss"
    table.sort_best()
    assert table.column_values("val_loss") == [0.3, 0.8, 1.2, None]
    with qtbot.waitSignal(table.run_chosen, timeout=2000) as chosen:
        table.cellDoubleClicked.emit(1, 2)
    assert chosen.args == ["/runs/s/004"]
    # a trial reported again (the final table after the live rows) replaces its row
    table.add_trial(3, ROWS[2][1], {"val_accuracy": 0.2, "val_loss": 2.0}, "/runs/s/003")
    assert table.rowCount() == 4 and table.column_values("#") == [2, 4, 1, 3]


def test_dialog_ticks_become_the_cores_trials(qtbot):
    dialog = SearchDialog(catalog.get("mlp"))
    qtbot.addWidget(dialog)
    dialog.choose("optimizer", ["sgd", "adam"])
    dialog.choose("learning_rate", "0.1,0.01")
    dialog.choose("batch_size", "16,64")
    assert dialog.make_trials() == make_trials(
        "mlp", "grid", ["optimizer=sgd,adam", "learning_rate=0.1,0.01", "batch_size=16,64"])
    dialog.random_mode.setChecked(True)
    dialog.choose("learning_rate", "log:1e-4:1e-1")
    dialog.trials.setValue(5)
    dialog.search_seed.setValue(3)
    assert dialog.make_trials() == make_trials(
        "mlp", "random", ["optimizer=sgd,adam", "learning_rate=log:1e-4:1e-1", "batch_size=16,64"], 5, 3)
    dialog.close()


def test_preset_sets_model_and_form_and_asks_the_runs_tab_for_its_comparison(qtbot):
    from ui.session import Session
    from ui.widgets.hparam_form import HParamForm
    from ui.widgets.presets import PresetsBox, requests
    from workbench import data

    session = Session()
    session.set_dataset(data.load("digits", {}, seed=0, val_fraction=0.2), "digits", {}, 0.2)
    form = HParamForm()
    qtbot.addWidget(form)

    def choose_entry(name):
        entry = catalog.get(name)
        form.set_specs([(entry.title, entry.all_hparams)])
        session.set_entry(entry)

    box = PresetsBox(session, choose_entry, form)
    qtbot.addWidget(box)
    asked, shown = [], []
    requests().comparison.connect(lambda s, preset: asked.append((s, preset.name)))
    session.panel_requested.connect(shown.append)
    box.apply("optimizers")  # its data (digits) is loaded: no background load
    assert session.entry.name == "mlp" and asked == [(session, "optimizers")] and shown == ["RunsPanel"]
    assert [t["optimizer"] for t in box.presets["optimizers"].trials] == ["sgd", "momentum", "adagrad",
                                                                          "rmsprop", "adam"]
    box.presets["one"] = type(box.presets["optimizers"])(  # a single-run preset fills the form only
        "one", "t", "mlp", "digits", "s", "src", hparams={"hidden_units": "150,75"},
        trials=({"learning_rate": 0.95},))
    box.apply("one")
    assert form.raw_value("hidden_units") == "150,75" and float(form.raw_value("learning_rate")) == 0.95
    assert session.hparams["hidden_units"] == "150,75" and len(asked) == 1
