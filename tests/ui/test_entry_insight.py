"""The entry insight widget: MobileNet's multiply-add saving, EfficientNet's d / w / r,
and the parameter count of any entry built for the loaded data."""

import pytest

from ui.widgets.entry_insight import EntryInsight
from workbench import catalog
from workbench.data.base import DataInfo

TIMEOUT_MS = 120_000
DIGITS = DataInfo("digits", "image", "classification", (8, 8, 1), tuple(map(str, range(10))))


@pytest.fixture
def insight(qtbot):
    widget = EntryInsight()
    qtbot.addWidget(widget)
    widget.set_info(DIGITS)
    return widget


def show(qtbot, widget, name, hparams, part="figures"):
    with qtbot.waitSignal(widget.updated, timeout=TIMEOUT_MS, check_params_cb=lambda p: p == part):
        widget.show_entry(catalog.get(name), hparams)


def test_mobilenet_shows_the_cores_multiply_add_ratio(qtbot):
    from workbench.models.vision.mobilenet import multiply_adds

    widget = EntryInsight()  # no data loaded: the paper's 224x224x3 input and 1000 classes
    qtbot.addWidget(widget)
    show(qtbot, widget, "mobilenet", {"alpha": "1.0"})
    expected = multiply_adds(1.0, 1.0, 224, 1000, 3)["total"]
    assert widget.figures["ratio"] == pytest.approx(expected["ratio"])
    assert widget.figures["ratio"] == pytest.approx(0.117, abs=5e-4)
    assert "568.7 M multiply-adds instead of 4,867.3 M" in widget.summary.text()
    assert "ratio 0.117" in widget.summary.text()
    rows = widget.table_rows()
    assert len(rows) == 15  # the stem, 13 separable layers, the classifier
    assert rows[1][0] == "conv_dw_1+conv_pw_1" and rows[1][3] == "32→64" and rows[1][2] == "112×112"
    # per separable layer: 1/M + 1/K^2 (M = 64 output channels, K = 3)
    assert float(rows[1][6]) == pytest.approx(1 / 64 + 1 / 9, abs=5e-4)


def test_mobilenet_on_digits_counts_one_channel_and_ten_classes(qtbot, insight):
    from workbench.models.vision.mobilenet import multiply_adds

    show(qtbot, insight, "mobilenet", {"alpha": 1.0})
    assert insight.figures["ratio"] == pytest.approx(multiply_adds(1.0, 1.0, 224, 10, 1)["total"]["ratio"])
    assert insight.figures["reference_ratio"] == pytest.approx(0.117, abs=5e-4)
    assert "ratio 0.115" in insight.summary.text() and "ratio 0.117" in insight.summary.text()


def test_mobilenet_width_multiplier_changes_the_table(qtbot, insight):
    show(qtbot, insight, "mobilenet", {"alpha": 0.5, "input_size": 128})
    rows = insight.table_rows()
    assert rows[1][2] == "64×64" and rows[1][3] == "16→32"
    assert float(rows[1][6]) == pytest.approx(1 / 32 + 1 / 9, abs=5e-4)


def test_efficientnet_phi_1_shows_d_w_r(qtbot, insight):
    show(qtbot, insight, "efficientnet", {"phi": 1})
    values = {row[0]: row[2] for row in insight.table_rows()}
    assert (values["depth d"], values["width w"], values["resolution r"]) == ("1.2", "1.1", "1.15")
    assert values["input side"] == "258"
    assert insight.figures["scale"]["flops"] == pytest.approx(1.2 * 1.1 ** 2 * 1.15 ** 2)


def test_efficientnet_variant_highlights_its_official_row(qtbot, insight):
    show(qtbot, insight, "efficientnetb3", {})
    rows = insight.table_rows()
    assert [r[0] for r in rows] == [f"B{i}" for i in range(8)]
    assert rows[3][1:4] == ["1.2", "1.4", "300"]
    assert insight.figures["highlight"] == 3 and insight.table.item(3, 0).font().bold()


def test_parameter_count_is_the_built_models(qtbot, insight):
    show(qtbot, insight, "lenet", {"width": 2}, part="params")
    model = catalog.get("lenet").build(catalog.get("lenet").resolve({"width": 2}), DIGITS)
    assert insight.params["params"] == model.count_params() > 0
    assert f"{model.count_params():,} parameters" in insight.params_label.text()
    assert insight.figures is None and insight.table.isHidden()


def test_a_bad_value_is_a_sentence_not_a_traceback(qtbot, insight):
    with qtbot.waitSignal(insight.updated, timeout=TIMEOUT_MS):
        insight.show_entry(catalog.get("mobilenet"), {"alpha": "wide"})
    assert "alpha='wide' is not a number" in insight.summary.text()
