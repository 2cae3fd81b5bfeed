"""The normalisation equalities the notes state, checked with Keras' own layers.

The left and right sides are computed by different Keras layers (or by hand in NumPy
for InstanceNorm), so a layer normalising over the wrong axes makes a check fail; the
near misses show the checks can fail.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from workbench.models import normalization_checks as checks

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def x():
    return checks.sample_input((3, 5, 4, 6), seed=3)


def test_instance_norm_by_hand_on_a_tiny_map():
    # one sample, one channel, four pixels 1, 2, 3, 6: mean 3, variance (4+1+0+9)/4 = 3.5
    x = np.array([1.0, 2.0, 3.0, 6.0]).reshape(1, 2, 2, 1)
    expected = (np.array([1.0, 2.0, 3.0, 6.0]) - 3.0) / np.sqrt(3.5 + checks.EPSILON)
    assert np.allclose(checks.instance_norm(x).ravel(), expected, atol=1e-12)


def test_instance_norm_equals_batch_norm_at_batch_size_one(x):
    assert checks.instance_equals_batch_at_one(x) <= TOLERANCE


def test_batch_norm_with_a_batch_is_not_instance_norm(x):
    assert checks._gap(checks.batch_norm(x), checks.instance_norm(x)) > 0.1


def test_batch_norm_in_inference_mode_is_not_instance_norm(x):
    # inference uses the moving statistics (0 and 1 at start), not the sample's own
    assert checks._gap(checks.batch_norm(x[:1], training=False), checks.instance_norm(x[:1])) > 0.1


def test_group_norm_one_group_equals_layer_norm(x):
    assert checks.group_one_equals_layer(x, 1) <= TOLERANCE


def test_group_norm_two_groups_is_not_layer_norm(x):
    assert checks.group_one_equals_layer(x, 2) > 0.1


def test_group_norm_c_groups_equals_instance_norm(x):
    assert checks.group_c_equals_instance(x) <= TOLERANCE
    assert checks.group_c_equals_instance(x, x.shape[-1] // 2) > 0.1


def test_layer_norm_unchanged_by_rescaling_the_input(x):
    for factor in (0.1, 3.0, 40.0):
        assert checks.layer_norm_input_scale(x, factor) <= TOLERANCE


def test_layer_norm_unchanged_by_rescaling_the_weights_before_it(x):
    assert checks.layer_norm_weight_scale(x, 5.0) <= TOLERANCE
    # one unit's weights rescaled: an invariance of BatchNorm, not of LayerNorm
    assert checks.layer_norm_weight_scale(x, 5.0, whole_matrix=False) > 0.1


def test_report_lists_every_equality_near_zero_and_every_miss_far():
    numbers = checks.report(seed=1)
    assert len(numbers["equalities"]) == 5 and len(numbers["near_misses"]) == 4
    assert max(numbers["equalities"].values()) <= TOLERANCE
    assert min(numbers["near_misses"].values()) > 0.1
    text = checks.report_text(numbers)
    assert "GroupNorm (G=1) = LayerNorm" in text


def test_cli_prints_the_equalities_as_json(capsys):
    import json

    from workbench.cli import main

    assert main(["checks", "normalization", "--json", "--seed", "2"]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert numbers["equalities"]["GroupNorm (G=1) = LayerNorm"] <= TOLERANCE
    assert max(numbers["equalities"].values()) <= TOLERANCE
    assert numbers["near_misses"]["GroupNorm (G=2) vs LayerNorm"] > 0.1


def test_insight_shows_the_equalities_for_a_chosen_normalization(qtbot):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.widgets.entry_insight import EntryInsight
    from workbench import catalog

    widget = EntryInsight()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.updated, timeout=120_000, check_params_cb=lambda p: p == "figures"):
        widget.show_entry(catalog.get("lenet"), {"normalization": "group"})
    rows = widget.table_rows()
    assert rows[1][0] == "GroupNorm (G=1) = LayerNorm" and widget.figures["highlight"] == 1
    assert all(float(row[2]) <= TOLERANCE for row in rows if row[1] == "equal")
    assert all(float(row[2]) > 0.1 for row in rows if row[1] == "not equal")
    with qtbot.waitSignal(widget.updated, timeout=120_000, check_params_cb=lambda p: p == "figures"):
        widget.show_entry(catalog.get("lenet"), {"normalization": "none"})
    assert widget.figures is None and widget.table.isHidden()
