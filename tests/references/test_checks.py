"""Reference checks: each kind against its outside reference, the cache, and a mismatch
found when a reference is changed on purpose."""

import dataclasses
import json
import os
from importlib import metadata

import pytest

from workbench import catalog, references
from workbench.references import checks, coco, table, threshold

KEYS = {"name", "kind", "reference", "expected", "measured", "ok", "detail", "seconds", "checked_at", "cached"}


def test_every_reference_names_a_catalog_entry_and_every_kind_is_used():
    names = {e.name for e in catalog.all_entries()}
    assert set(table.REFERENCES) <= names
    assert {r.kind for r in table.REFERENCES.values()} == set(table.KINDS)
    assert references.names_with_references() == [e.name for e in catalog.all_entries()
                                                   if e.name in table.REFERENCES]
    # the numbers the existing tests establish (tests/vision/test_*_params.py)
    assert table.REFERENCES["resnet18"].expected == 11_689_512
    assert table.REFERENCES["mobilenet"].count == "total"


def test_mobilenet_equals_keras_applications_and_the_second_check_is_cached(monkeypatch):
    import keras

    from workbench.catalog.registry import Entry

    calls = {"ours": 0, "theirs": 0}
    build, application = Entry.build, keras.applications.MobileNet

    def counted_build(self, hparams, info):
        calls["ours"] += 1
        return build(self, hparams, info)

    def counted_application(**kwargs):
        calls["theirs"] += 1
        return application(**kwargs)

    monkeypatch.setattr(Entry, "build", counted_build)
    monkeypatch.setattr(keras.applications, "MobileNet", counted_application)
    first = references.run_check("mobilenet")
    assert set(first) >= KEYS and first["cached"] is False
    # keras.applications.MobileNet(weights=None) counts 4,253,864 (4,231,976 trainable + BN statistics)
    assert first["expected"] == first["measured"] == 4_253_864 and first["ok"] is True
    assert first["reference"]["version"] == metadata.version("keras")
    assert first["reference"]["source"] == "keras.applications"
    assert calls == {"ours": 1, "theirs": 1}
    second = references.run_check("mobilenet")
    assert calls == {"ours": 1, "theirs": 1}  # nothing rebuilt
    assert second["cached"] is True
    assert {k: v for k, v in second.items() if k != "cached"} == {k: v for k, v in first.items() if k != "cached"}
    stored = os.path.join(os.environ["KERAS_WORKBENCH_CACHE"], "references", "mobilenet.json")
    assert json.load(open(stored))["result"]["measured"] == 4_253_864


def run_cli(capsys, *argv):
    from workbench.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_verify_reports_a_mismatch_when_the_reference_is_changed(capsys, monkeypatch):
    code, out, err = run_cli(capsys, "verify", "resnet18", "--json")
    [result] = json.loads(out)
    assert code == 0 and result["ok"] is True and result["measured"] == 11_689_512
    # One parameter more in the published count: the cached pass must not hide it.
    changed = dataclasses.replace(table.REFERENCES["resnet18"], expected=11_689_513)
    monkeypatch.setitem(table.REFERENCES, "resnet18", changed)
    code, out, err = run_cli(capsys, "verify", "resnet18", "--json")
    [result] = json.loads(out)
    assert code == 1
    assert result["ok"] is False and result["cached"] is False
    assert (result["expected"], result["measured"]) == (11_689_513, 11_689_512)
    assert "1 of 1 checks failed" in err and "resnet18 has 11,689,512 trainable parameters but the reference " \
                                               "has 11,689,513 (off by 1)" in err
    code, out, _ = run_cli(capsys, "verify", "resnet18")  # the table form says it too
    assert code == 1 and out.startswith("FAIL resnet18")


def test_paper_numbers_pass_within_half_the_last_printed_digit():
    from workbench.references import param_count

    # DenseNet-BC L=100, k=12: 769,162 trainable parameters (tests/vision), printed as 0.8M.
    reference = table.REFERENCES["densenet_bc"]
    expected, measured = param_count.measure("densenet_bc", reference)
    assert (expected, measured) == (800_000, 769_162)
    verdict = param_count.judge("densenet_bc", reference, expected, measured)
    assert verdict["ok"] is True and "within 50,000 of 800,000" in verdict["detail"]
    tighter = dataclasses.replace(reference, tolerance=30_000)
    verdict = param_count.judge("densenet_bc", tighter, expected, measured)
    assert verdict["ok"] is False and "off by 30,838" in verdict["detail"]


def test_coco_check_equals_cocoeval_and_no_cache_recomputes(monkeypatch):
    evaluations = []
    original = coco.cocoeval_stats
    monkeypatch.setattr(coco, "cocoeval_stats", lambda *a: evaluations.append(a) or original(*a))
    result = references.run_check("ssd")
    assert result["ok"] is True and result["reference"]["version"] == metadata.version("pycocotools")
    stats = result["stats"]
    assert set(stats) == set(coco.STATS)
    assert all(mine == theirs for mine, theirs in stats.values())
    assert 0.2 < stats["AP"][1] < 0.8 and min(stats["APs"][1], stats["APm"][1], stats["APl"][1]) > 0  # all sizes
    assert references.run_check("ssd")["cached"] is True and len(evaluations) == 1
    assert references.run_check("ssd", use_cache=False)["cached"] is False and len(evaluations) == 2
    assert references.run_check("mask_rcnn")["ok"] is True  # masks (segm)


def test_verify_no_cache_recomputes_and_json_has_the_keys(capsys):
    code, out, _ = run_cli(capsys, "verify", "ssd", "ssd", "--json")
    [first] = json.loads(out)  # a name given twice is checked once
    assert code == 0 and set(first) >= KEYS and first["cached"] is False
    code, out, _ = run_cli(capsys, "verify", "ssd", "--json")
    assert json.loads(out)[0]["cached"] is True
    code, out, _ = run_cli(capsys, "verify", "ssd", "--no-cache", "--json")
    assert json.loads(out)[0]["cached"] is False


def test_coco_check_fails_for_a_wrong_evaluator(monkeypatch):
    from workbench.detection import metrics

    original = metrics.coco_evaluate

    def off_by_a_little(gt, dt, iou_type="bbox"):
        result = dict(original(gt, dt, iou_type))
        result["AP75"] += 0.001
        return result

    monkeypatch.setattr(metrics, "coco_evaluate", off_by_a_little)
    result = references.run_check("ssd")
    assert result["ok"] is False and result["detail"].startswith("COCO AP75 is")
    assert references.cached_result("ssd")["ok"] is False  # a failure is cached as well


def test_gradcam_equals_tf_keras_vis():
    result = references.run_check("gap_cnn")
    assert result["ok"] is True and result["measured"] > 0.999
    assert result["reference"]["library"] == "tf-keras-vis"
    assert result["reference"]["version"] == metadata.version("tf-keras-vis")


def test_gradcam_check_fails_for_a_transposed_map(monkeypatch):
    import workbench.xai as xai

    original = xai.explain

    def transposed(*args, **kwargs):  # rows and columns swapped: a plausible indexing slip
        explanation = original(*args, **kwargs)
        explanation.info["cam"] = explanation.info["cam"].T
        return explanation

    monkeypatch.setattr(xai, "explain", transposed)
    result = references.run_check("gap_cnn")
    assert result["ok"] is False and result["measured"] < 0.9 and "below 0.99" in result["detail"]


def test_a_missing_library_is_said_and_not_cached(monkeypatch):
    monkeypatch.setattr(checks, "library_version", lambda reference: None)
    result = references.run_check("gap_cnn")
    assert result["ok"] is None and result["measured"] is None
    assert "tf-keras-vis is not installed" in result["detail"]
    assert references.cached_result("gap_cnn") is None


def write_run(root, name, model, data, history, modified):
    path = root / name
    path.mkdir(parents=True)
    (path / "config.json").write_text(json.dumps({"model": model, "data": data, "epochs": 3}))
    (path / "history.json").write_text(json.dumps(history))
    for file in ("config.json", "history.json"):
        os.utime(path / file, (modified, modified))


def test_threshold_reads_the_newest_run_and_trains_nothing(tmp_path, capsys):
    root = tmp_path / "runs"
    nothing = references.run_check("dqn", runs_roots=[str(root)])
    assert nothing["ok"] is None and nothing["expected"] == 475 and "no run of dqn on CartPole-v1" in nothing["detail"]
    write_run(root, "old", "dqn", "CartPole-v1", {"epoch": [1, 2], "greedy_return": [120.0, 481.5]}, 1000)
    write_run(root, "other", "dqn", "Acrobot-v1", {"epoch": [1], "greedy_return": [-80.0]}, 3000)
    write_run(root, "a2c", "a2c", "CartPole-v1", {"epoch": [1], "greedy_return": [20.0]}, 4000)
    solved = references.run_check("dqn", runs_roots=[str(root)])
    assert (solved["measured"], solved["ok"]) == (481.5, True) and solved["run"].endswith("old")
    write_run(root, "new", "dqn", "CartPole-v1", {"epoch": [1, 2, 3], "greedy_return": [10.0, 500.0, 474.9]}, 2000)
    newest = references.run_check("dqn", runs_roots=[str(root)])
    assert (newest["measured"], newest["ok"]) == (474.9, False)  # the last epoch counts, not the best
    assert "run new" in newest["detail"]
    code, _, err = run_cli(capsys, "verify", "dqn", "--root", str(root))
    assert code == 1 and "474.9" in err
    assert threshold.runs_roots([str(root)])[0] == str(root)


def test_unknown_names_and_entries_without_a_reference_are_sentences(capsys):
    code, _, err = run_cli(capsys, "verify", "mobilenett")
    assert code == 1 and "did you mean mobilenet" in err
    code, _, err = run_cli(capsys, "verify", "lenet")
    assert code == 1 and "lenet has no outside reference" in err


def test_catalog_json_carries_the_reference_and_the_cached_result(capsys):
    references.run_check("ssd")
    code, out, _ = run_cli(capsys, "catalog", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert code == 0
    assert rows["ssd"]["reference"] == {"kind": "pycocotools", "what": table.REFERENCES["ssd"].what,
                                        "expected": None, "source": "pycocotools", "setting": None}
    check = rows["ssd"]["reference_check"]
    assert check["ok"] is True and check["version"] == metadata.version("pycocotools")
    assert set(check) == {"ok", "measured", "version", "checked_at"}
    assert rows["mobilenet"]["reference"]["expected"] == 4_253_864
    assert rows["wide_resnet"]["reference"]["setting"] == "depth=28, width=10, 32×32×3 input, 10 classes"
    assert rows["mobilenet"]["reference_check"] is None  # never checked in this cache
    assert rows["lenet"]["reference"] is None and rows["lenet"]["reference_check"] is None
