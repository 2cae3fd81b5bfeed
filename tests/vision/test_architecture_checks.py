"""Catalog section B's architecture claims, measured on built Keras models, against hand
computation: VGG's stacked 3x3 convolutions, ResNet's bottleneck block, WRN with k = 1, and
EfficientNet's compound scaling; and the Insight view drawing what an entry declares."""

import json
import math

import keras
import pytest

from workbench.models.vision import architecture_checks as checks


def test_stacked_3x3_see_5x5_and_7x7_with_18_and_27_c2_weights():
    c = 4
    numbers = checks.stacked_convolutions(c)
    by_layers = {row["layers"]: row for row in numbers["rows"]}
    # hand computation: n stacked KxK convs with C in and out, no bias: n·K²·C² weights
    assert by_layers["3×3 + 3×3"]["weights"] == 2 * 9 * c * c == 18 * c * c
    assert by_layers["5×5"]["weights"] == 25 * c * c
    assert by_layers["3×3 + 3×3 + 3×3"]["weights"] == 27 * c * c
    assert by_layers["7×7"]["weights"] == 49 * c * c
    assert by_layers["3×3 + 3×3"]["receptive_field"] == by_layers["5×5"]["receptive_field"] == (5, 5)
    assert by_layers["3×3 + 3×3 + 3×3"]["receptive_field"] == by_layers["7×7"]["receptive_field"] == (7, 7)
    assert numbers["saving_5x5"] == pytest.approx(18 / 25)


def test_receptive_field_by_gradient_follows_stride_and_kernel():
    # r = 1 + sum (k_i - 1) · prod(strides before i): 3x3/2 then 3x3 -> 1 + 2 + 2·2 = 7; a 1x1 adds nothing
    inputs = keras.Input((21, 21, 2))
    x = keras.layers.Conv2D(3, 3, strides=2, padding="same", kernel_initializer="ones")(inputs)
    x = keras.layers.Conv2D(3, 1, kernel_initializer="ones")(x)
    x = keras.layers.Conv2D(3, 3, padding="same", kernel_initializer="ones")(x)
    assert checks.receptive_field(keras.Model(inputs, x)) == (7, 7)
    single = keras.Input((9, 9, 1))
    wide = keras.layers.Conv2D(1, (5, 3), padding="same", kernel_initializer="ones")(single)
    assert checks.receptive_field(keras.Model(single, wide)) == (5, 3)


def test_bottleneck_costs_about_a_basic_block_counted_on_the_built_blocks():
    w, side = 8, 4
    numbers = checks.bottleneck_vs_basic(w, side)
    # basic: two 3x3 convs w -> w; bottleneck: 1x1 4w -> w, 3x3 w -> w, 1x1 w -> 4w; per output pixel
    assert numbers["basic"]["macs"] == side * side * (2 * 9 * w * w)
    assert numbers["bottleneck"]["macs"] == side * side * (4 * w * w + 9 * w * w + 4 * w * w)
    assert numbers["ratio"] == pytest.approx(17 / 18)
    assert numbers["bottleneck"]["channels_in"] == numbers["bottleneck"]["channels_out"] == 4 * w


def test_multiply_adds_counts_grouped_depthwise_and_dense_layers():
    inputs = keras.Input((6, 6, 4))
    x = keras.layers.Conv2D(8, 3, padding="same", groups=2)(inputs)  # 36 px · 3·3·2·8
    x = keras.layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)(x)  # 9 px · 3·3·8·2
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(5)(x)  # 16·5
    counted = checks.multiply_adds(keras.Model(inputs, x))
    assert [row["macs"] for row in counted["layers"]] == [36 * 144, 9 * 144, 80]


def test_counter_agrees_with_mobilenets_separable_table():
    from workbench.data.base import DataInfo
    from workbench.models.vision import mobilenet

    info = DataInfo("tiny", "image", "classification", (32, 32, 3), tuple("abcd"))
    model = mobilenet.mobilenet(info, 0.25, 1.0, 32, 1, "batch", 0.0)
    assert checks.multiply_adds(model)["total"] == mobilenet.model_multiply_adds(model)["total"]["separable"]


@pytest.mark.parametrize("depth", [10, 16])
def test_wrn_with_k_1_is_the_plain_cifar_resnet(depth):
    numbers = checks.wrn_vs_resnet(depth)
    assert numbers["wrn_params"] == numbers["plain_params"]
    assert numbers["same_weight_shapes"]
    assert numbers["wrn_feature_maps"] == numbers["plain_feature_maps"] == [32, 16, 8]
    assert numbers["wrn_pool"] == numbers["plain_pool"] == 8
    assert numbers["plain_depth"] == 6 * (depth - 4) // 6 + 2


def test_a_wider_wrn_is_not_the_plain_resnet():
    from workbench.models.vision.cifar_resnet import build_cifar_resnet
    from workbench.models.vision.wide_resnet import build_wide_resnet

    wide = build_wide_resnet({"depth": 10, "width": 2, "block_dropout": 0.0, "normalization": "batch",
                              "dropout": 0.0, "input_size": 0}, checks.CIFAR)
    plain = build_cifar_resnet({"blocks": 1, "normalization": "batch"}, checks.CIFAR)
    assert wide.count_params() > plain.count_params()


def test_efficientnet_flops_grow_about_two_to_the_phi():
    assert 1.2 * 1.1 ** 2 * 1.15 ** 2 == pytest.approx(1.92027)
    numbers = checks.efficientnet_phi_macs((0, 1, 2, 3))
    rows = numbers["rows"]
    assert numbers["per_step"] == pytest.approx(1.92027)
    # B0 at 224x224: 0.39 billion FLOPs (multiply-adds) in the paper's Table 2
    assert rows[0]["macs"] == pytest.approx(0.39e9, rel=0.02)
    # Stated tolerance: each measured ratio within a factor 1.3 of 2^phi (the rounding up of
    # repeats makes phi = 1 overshoot most), and the fitted growth per step within 2 ± 0.15.
    for row in rows[1:]:
        assert 1 / 1.3 < row["ratio"] / 2 ** row["phi"] < 1.3
    assert rows[1]["macs"] < rows[2]["macs"] < rows[3]["macs"]
    assert numbers["growth_per_step"] == pytest.approx(2.0, abs=0.15)


def test_the_phi_1_grid_keeps_the_constraint_and_includes_the_papers_point():
    candidates = checks.grid_candidates()
    assert (1.2, 1.1, 1.15) in candidates
    assert all(abs(a * b * b * g * g - 2) <= checks.GRID_TOLERANCE for a, b, g in candidates)
    assert 5 <= len(candidates) <= 15


def test_grid_search_trains_a_candidate_and_stops_when_asked(capsys):
    result = checks.grid_search(train_steps=1, candidates=[(1.2, 1.1, 1.15)])
    row = result["rows"][0]
    assert row["constraint"] == pytest.approx(1.92027)
    assert row["ratio"] > 1.5 and 0.0 <= row["accuracy"] <= 1.0
    assert result["best"] is row and result["complete"]
    stopped = checks.grid_search(candidates=[(1.2, 1.1, 1.15)], should_stop=lambda: True)
    assert stopped["rows"] == [] and not stopped["complete"]


def test_cli_refuses_bad_channels_with_a_sentence(capsys):
    from workbench.cli import main

    assert main(["checks", "architecture", "--channels", "0"]) == 1
    assert "--channels must be at least 1" in capsys.readouterr().err


def test_every_entry_with_a_normalization_choice_declares_the_equalities():
    from workbench import catalog
    from workbench.catalog.shared import NORMALIZATION_INSIGHT

    for entry in catalog.all_entries():
        if any(h.name == "normalization" for h in entry.hparams):
            assert NORMALIZATION_INSIGHT in entry.insight, entry.name


def test_insight_view_draws_what_the_entry_declares(qtbot):
    from dataclasses import replace

    from ui.widgets.entry_insight import EntryInsight
    from workbench import catalog

    widget = EntryInsight()
    qtbot.addWidget(widget)
    vgg = catalog.get("vgg16")
    with qtbot.waitSignal(widget.updated, timeout=60_000, check_params_cb=lambda p: p == "figures"):
        widget.show_entry(vgg, {"width": 0.0625, "normalization": "batch"})
    titles = [section.figures["title"] for section in widget.sections]
    assert titles == [s["title"] for s in vgg.insight_sections(vgg.resolve({"width": 0.0625,
                                                                             "normalization": "batch"}), None)]
    rows = widget.table_rows(0)
    assert rows[0][:3] == ["3×3 + 3×3", "5×5", f"{18 * 16:,}"] and rows[1][2] == f"{25 * 16:,}"
    # a declared section with an action: the button runs it in the background and draws the result
    declared = replace(vgg, name="declared", insight=(f"{__name__}:declared_section",))
    with qtbot.waitSignal(widget.updated, timeout=60_000, check_params_cb=lambda p: p == "figures"):
        widget.show_entry(declared, {})
    section = widget.sections[0]
    assert section.table.isHidden() and section.button.text() == "Count"
    with qtbot.waitSignal(section.finished, timeout=60_000):
        section.button.click()
    assert widget.table_rows(0) == [["counted", "3"]] and section.progress.isHidden()


def declared_section(hp, info):
    return {"title": "Declared", "summary": "an entry's own section", "headers": [], "rows": [],
            "highlight": None, "action": {"label": "Count", "run": f"{__name__}:declared_action"}}


def declared_action(hp, info, progress, should_stop):
    for i in range(3):
        progress(i + 1, 3, "counting")
    return {"title": "Declared", "summary": "counted", "headers": ["what", "how many"],
            "rows": [("counted", "3")], "highlight": None}


def test_cli_prints_the_numbers_as_json(capsys, monkeypatch):
    from workbench.cli import main

    # the grid and the whole networks are measured above; here the command's plumbing
    monkeypatch.setattr(checks, "resnet_model_macs", lambda: {"resnet34": 1})
    monkeypatch.setattr(checks, "efficientnet_phi_macs", lambda progress=None: {"rows": []})
    monkeypatch.setattr(checks, "grid_search", lambda steps, seed, progress=None: {"rows": [], "steps": steps})
    assert main(["checks", "architecture", "--json", "--channels", "2", "--wrn-depth", "10",
                 "--train-steps", "3"]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert numbers["stacked"]["rows"][0]["weights"] == 18 * 4
    assert numbers["wrn"]["wrn_params"] == numbers["wrn"]["plain_params"]
    assert numbers["grid"]["steps"] == 3 and math.isclose(numbers["bottleneck"]["ratio"], 17 / 18)
