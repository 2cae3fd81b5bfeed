"""Views round-trip through the run directory; the recorder never makes training wait."""

import json
import os
import threading

import numpy as np
import pytest

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.views import HeatGrid, Text, View
from workbench.views import store
from workbench.views.store import ViewRecorder, list_views, load_view, save_view


def test_every_type_round_trips_exactly(views, same_value, tmp_path):
    for view in views:
        png = save_view(str(tmp_path), view)
        assert png == str(tmp_path / "views" / f"{view.name}.png") and os.path.isfile(png)
        back = load_view(str(tmp_path), view.name)
        assert (back.name, back.title, back.step) == (view.name, view.title, view.step)
        same_value(back.value, view.value)
    record = json.loads((tmp_path / "views" / "confusion.json").read_text())
    assert set(record) == {"name", "title", "kind", "step", "meta"}
    assert record["kind"] == "heatgrid" and record["meta"]["row_labels"] == list("abcd")
    with np.load(tmp_path / "views" / "confusion.npz") as arrays:
        np.testing.assert_array_equal(arrays["values"], views[1].value.values)
    assert not (tmp_path / "views" / "equation.npz").exists()  # text has no arrays
    listed = list_views(str(tmp_path))
    assert [v.name for v in listed] == sorted(v.name for v in views)
    by_name = {v.name: v for v in listed}
    assert by_name["confusion"].kind == "heatgrid" and by_name["confusion"].step == 2
    assert by_name["confusion"].data.endswith("confusion.npz") and by_name["equation"].data.endswith(".json")
    assert by_name["equation"].title == "Fitted equation"


def test_a_later_view_of_the_same_name_replaces_it_even_of_another_kind(tmp_path):
    save_view(str(tmp_path), View("thing", HeatGrid(np.eye(2))))
    save_view(str(tmp_path), View("thing", Text("now text")))
    assert load_view(str(tmp_path), "thing").value == Text("now text")
    assert sorted(os.listdir(tmp_path / "views")) == ["thing.json", "thing.png"]


def test_damaged_files_are_listed_as_damaged_and_the_rest_still_listed(views, tmp_path):
    for view in views[:3]:
        save_view(str(tmp_path), view)
    (tmp_path / "views" / "confusion.json").write_text("{not json")
    npz = tmp_path / "views" / "samples.npz"
    npz.write_bytes(npz.read_bytes()[:100])  # cut short
    listed = {v.name: v for v in list_views(str(tmp_path))}
    assert listed["confusion"].kind == "damaged" and "confusion.json" in listed["confusion"].title
    assert listed["samples"].kind == "damaged" and "samples.npz" in listed["samples"].title
    assert listed["gradient_norms"].kind == "curves"
    with pytest.raises(WorkbenchError, match="confusion.json"):
        load_view(str(tmp_path), "confusion")
    with pytest.raises(WorkbenchError, match="samples.npz"):
        load_view(str(tmp_path), "samples")
    with pytest.raises(WorkbenchError, match="missing.json"):
        load_view(str(tmp_path), "missing")
    assert list_views(str(tmp_path / "nowhere")) == []


def test_recorder_forwards_every_event_in_order_and_keeps_only_the_newest_view(tmp_path, monkeypatch):
    writes, pictures = [], []
    real_save = store.save_view

    def counting_save(run_dir, view, picture=True):
        writes.append(int(view.value.values[0, 0]))
        if picture:
            pictures.append(int(view.value.values[0, 0]))
        return real_save(run_dir, view, picture)

    monkeypatch.setattr(store, "save_view", counting_save)
    forwarded = []
    recorder = ViewRecorder(str(tmp_path), forwarded.append)
    sent = []
    for i in range(50):
        sent += [f"batch {i}", View("grid", HeatGrid(np.full((2, 2), i)), step=i)]
    for event in sent:
        recorder(event)
    recorder.close()
    assert forwarded == sent  # the same objects, in the same order
    assert writes[-1] == 49 and writes == sorted(writes)  # never an older one after a newer
    # the picture is drawn rarely (a duty cycle), and always for the newest at the end
    assert pictures[-1] == 49 and len(pictures) < 10 and pictures == sorted(pictures)
    assert load_view(str(tmp_path), "grid").value.values[0, 0] == 49
    assert recorder.written == {"grid": str(tmp_path / "views" / "grid.png")}
    assert forwarded[1].png == recorder.written["grid"]  # for printers: where it goes


def test_recorder_does_not_wait_for_the_writer(tmp_path, monkeypatch):
    release, started = threading.Event(), threading.Event()

    def slow_save(run_dir, view, picture=True):
        started.set()
        release.wait(10)
        return "done"

    monkeypatch.setattr(store, "save_view", slow_save)
    recorder = ViewRecorder(str(tmp_path), lambda event: None)
    recorder(View("a", Text("1")))
    assert started.wait(5)  # the writer is busy with "a" ...
    recorder(View("b", Text("2")))  # ... and the caller is not held up by it
    recorder(View("b", Text("3")))
    release.set()
    recorder.close()
    assert recorder.written == {"a": "done", "b": "done"}


def test_a_view_that_fails_to_write_does_not_end_the_run(tmp_path, monkeypatch):
    def broken(run_dir, view, picture=True):
        raise OSError("disk full")

    monkeypatch.setattr(store, "save_view", broken)
    recorder = ViewRecorder(str(tmp_path), lambda event: None)
    recorder(View("a", Text("1")))
    recorder.close()
    assert recorder.written == {} and "disk full" in recorder.failures["a"]


def test_views_command_lists_a_runs_views(views, tmp_path, capsys):
    run = tmp_path / "run"
    for view in views[:2]:
        save_view(str(run), view)
    assert main(["views", str(run), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [list(r) for r in rows] == [["name", "title", "kind", "step", "png", "data"]] * 2
    assert [(r["name"], r["kind"], r["step"]) for r in rows] == [("confusion", "heatgrid", 2),
                                                                 ("gradient_norms", "curves", 3)]
    assert rows[0]["png"] == str(run / "views" / "confusion.png")
    assert main(["views", str(run)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["confusion", "heatgrid"] and lines[0].endswith("confusion.png")


def test_views_command_on_a_run_without_views_and_on_a_folder_that_is_no_run(tmp_path, capsys):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "config.json").write_text("{}")
    assert main(["views", str(tmp_path / "run")]) == 0
    assert "no views" in capsys.readouterr().out
    assert main(["views", str(tmp_path / "run"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    (tmp_path / "empty").mkdir()
    assert main(["views", str(tmp_path / "empty")]) == 1
    assert "not a run directory" in capsys.readouterr().err
    assert main(["views", str(tmp_path / "absent")]) == 1


def test_scatter_point_names_and_graph_marks_survive_the_store(tmp_path):
    from workbench.views.store import load_view, save_view
    from workbench.views.types import Graph, Scatter, View

    words = ["abram", "sarai", "egypt", "canaan"]
    save_view(str(tmp_path), View("words", Scatter(np.eye(4)[:, :3], [0, 0, 1, 1], ["person", "place"],
                                                   point_names=words)))
    save_view(str(tmp_path), View("nodes", Graph([[0, 1], [1, 2]], 3, [0, 1, 1], marked=[False, True, False])))
    assert load_view(str(tmp_path), "words").value.point_names == words
    assert load_view(str(tmp_path), "nodes").value.marked.tolist() == [False, True, False]
    with pytest.raises(ValueError):
        Scatter(np.eye(4)[:, :3], point_names=words[:3])  # a name for every point, or none
