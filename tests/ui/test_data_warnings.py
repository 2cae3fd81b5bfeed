"""The Data tab says when the validation split misses classes (issue 9, item 5), and
reads a semicolon-separated CSV's header as the loader reads its rows."""

import cv2
import numpy as np


def test_data_tab_shows_a_split_missing_classes(qtbot, tmp_path):
    from ui.panels.data_panel import DataPanel
    from ui.session import Session
    from workbench import data

    for name, count in {"a": 6, "b": 1, "c": 1}.items():
        (tmp_path / name).mkdir()
        for k in range(count):
            cv2.imwrite(str(tmp_path / name / f"{k}.png"), np.full((8, 8, 3), 30 * k, np.uint8))
    session = Session()
    panel = DataPanel(session)
    qtbot.addWidget(panel)
    dataset = data.load(str(tmp_path), {"image_size": 8}, val_fraction=0.2)
    panel._show_dataset(dataset)
    text = panel.info.text()
    assert "the validation split has no sample of 2 of 3 classes (b, c)" in text
    panel._show_dataset(data.load("iris"))  # every class in validation: no warning
    assert "validation split has no sample" not in panel.info.text()


def test_semicolon_csv_header_gives_its_columns(tmp_path):
    from ui.panels.data_panel import read_csv_header

    path = tmp_path / "t.csv"
    path.write_text("a;b;kind\n1,5;2;x\n3;4;y\n")
    assert read_csv_header(str(path)) == ["a", "b", "kind"]


def test_data_tab_table_shows_a_sequence_set_step_by_step(qtbot):
    """binary_addition's inputs are (N, 8 steps, 2 bits): each cell is one bit stream, the
    target is the sum's bits (a 3-D input used to raise TypeError in the preview)."""
    from ui.panels.data_panel import DataPanel
    from ui.session import Session
    from workbench import data

    panel = DataPanel(Session())
    qtbot.addWidget(panel)
    dataset = data.load("binary_addition", {}, seed=0, val_fraction=0.2)
    panel._show_dataset(dataset)
    x, y = np.asarray(dataset.x_train), np.asarray(dataset.y_train)
    assert panel.table.columnCount() == 1 + x.shape[2]
    assert panel.table.horizontalHeaderItem(1).text() == "a over the steps"
    for row in (0, 3):
        for feature in range(x.shape[2]):
            bits = [int(v) for v in panel.table.item(row, 1 + feature).text().split()]
            assert bits == [int(v) for v in x[row, :, feature]]
        target = panel.table.item(row, 0).text().split()
        assert target == [str(int(v)) for v in y[row].reshape(len(y[row]), -1).argmax(-1)] \
            if y.ndim > 2 else [str(int(v)) for v in y[row]]
