import pytest

from workbench import catalog
from workbench.catalog.registry import Entry, HParam, parse_assignments
from workbench.errors import WorkbenchError


def test_hparam_parses_and_checks_ranges():
    rate = HParam("rate", float, 0.5, low=0.0, high=1.0)
    assert rate.parse("0.25") == 0.25
    with pytest.raises(WorkbenchError, match=r"rate=1.5 is above its maximum 1.0"):
        rate.parse("1.5")
    with pytest.raises(WorkbenchError, match="is not a number"):
        rate.parse("fast")
    count = HParam("count", int, 3, low=1)
    assert count.parse("4") == 4 and count.parse(5.0) == 5
    with pytest.raises(WorkbenchError, match="not a whole number"):
        count.parse("2.5")
    flag = HParam("flag", bool, False)
    assert flag.parse("yes") is True and flag.parse("0") is False
    choice = HParam("norm", str, "batch", choices=("batch", "layer"))
    with pytest.raises(WorkbenchError, match="not one of batch, layer"):
        choice.parse("group")


def test_a_default_outside_its_range_is_rejected_at_declaration():
    with pytest.raises(WorkbenchError):
        HParam("bad", int, 0, low=1)


def test_entry_resolve_merges_shared_training_hparams():
    entry = catalog.get("lenet")
    hp = entry.resolve({"optimizer": "sgd", "learning_rate": "0.1", "width": "2"})
    assert hp["optimizer"] == "sgd" and hp["learning_rate"] == 0.1 and hp["width"] == 2
    assert hp["l2"] == 0.0 and hp["clipnorm"] == 0.0
    with pytest.raises(WorkbenchError, match="unknown hyperparameter 'widht' for lenet; did you mean width"):
        entry.resolve({"widht": 2})


def test_unknown_model_suggests_close_names():
    with pytest.raises(WorkbenchError, match="did you mean lenet"):
        catalog.get("lenett")


def test_every_entry_is_well_formed():
    names = [e.name for e in catalog.all_entries()]
    assert len(names) == len(set(names))
    for entry in catalog.all_entries():
        assert entry.family[:2] in {f"{c}." for c in "ABCDEFGH"}, entry.name
        assert len(entry.summary) > 60 and entry.paper, entry.name
        entry.resolve(entry.smoke)  # smoke overrides are valid values
        row = entry.as_dict()
        assert row["name"] == entry.name and isinstance(row["hparams"], list)


def test_families_come_in_catalog_order():
    families = list(catalog.by_family())
    assert families == sorted(families) and families[0].startswith("A.")


def test_parse_assignments():
    assert parse_assignments(["depth=28", " width = 10 "]) == {"depth": "28", "width": "10"}
    with pytest.raises(WorkbenchError, match="key=value"):
        parse_assignments(["depth"])


def test_entry_rejects_unknown_task_and_smoke_keys():
    with pytest.raises(ValueError):
        Entry("x", "A. Foundations", "magic", "s", "p", "m:f")
    with pytest.raises(ValueError):
        Entry("x", "A. Foundations", "classification", "s", "p", "m:f", smoke={"nope": 1})


def test_entries_say_which_data_they_accept():
    from workbench.data.base import DataInfo

    digits = DataInfo("digits", "image", "classification", (8, 8, 1), tuple("0123456789"))
    iris = DataInfo("iris", "tabular", "classification", (4,), ("a", "b", "c"))
    shapes = DataInfo("shapes", "image", "detection", (64, 64, 3), ("circle", "square", "triangle"))
    assert catalog.get("lenet").accepts(digits) == (True, "")
    ok, why = catalog.get("lenet").accepts(iris)
    assert not ok and "takes image data" in why and "'iris' is tabular" in why
    ok, why = catalog.get("lenet").accepts(shapes)
    assert not ok and "'shapes' is detection data" in why
    ok, why = catalog.get("yolo_v1").accepts(digits)
    assert not ok and "annotated with boxes" in why
    assert catalog.get("yolo_v1").accepts(shapes)[0] and catalog.get("unet").accepts(shapes)[0]


def test_an_entry_s_own_default_epochs_reach_the_cli(tmp_path, monkeypatch):
    """AlphaGo Zero's 'epoch' is 128 self-play games: it needs 20 by default, not LeNet's 5."""
    from workbench.training import job

    captured = {}

    def fake_load(config):
        captured["epochs"] = config.epochs
        raise SystemExit(0)

    monkeypatch.setattr(job, "load_dataset", fake_load)
    from workbench.cli import main

    for argv, expected in ((["alphago_zero"], 20), (["alphago_zero", "--epochs", "3"], 3), (["lenet"], 5)):
        try:
            main(["train", *argv, "--data", "tictactoe" if "alphago" in argv[0] else "digits",
                  "--out", str(tmp_path / "r")])
        except SystemExit:
            pass
        assert captured.pop("epochs") == expected
