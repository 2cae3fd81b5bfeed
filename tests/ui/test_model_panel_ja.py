"""The Model tab shows the catalog's own texts (summary, titles, family headings, help) in the window's language."""

import pytest

from workbench.catalog import get, i18n


@pytest.fixture
def japanese(qapp):
    """The application marked as running in Japanese, as ``ui.i18n.install_translator`` leaves it."""
    before = qapp.property("workbench-language")
    qapp.setProperty("workbench-language", "ja")
    yield
    qapp.setProperty("workbench-language", before or "en")


def _panel(qtbot):
    from ui.panels.model_panel import ModelPanel
    from ui.session import Session

    panel = ModelPanel(Session())
    qtbot.addWidget(panel)
    return panel


def test_the_model_tab_in_japanese(qtbot, japanese):
    panel = _panel(qtbot)
    families = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert families[0] == "A. 基礎" and "F. 強化学習" in families
    titles = {panel.tree.topLevelItem(0).child(i).text(0) for i in range(panel.tree.topLevelItem(0).childCount())}
    assert {"線形回帰", "単純パーセプトロン"} <= titles

    panel.choose("sarsa")
    assert i18n.localized_summary(get("sarsa"), "ja") in panel.summary.text()
    assert "方策オン型" in panel.summary.text() and "F. 強化学習" in panel.heading.text()
    assert panel.form.editors["gamma"].toolTip().startswith("割引率\n")  # then range and default
    assert panel.form.editors["optimizer"].toolTip().startswith("更新則（最適化手法）")


def test_the_model_tab_in_english_keeps_the_catalogs_own_text(qtbot):
    panel = _panel(qtbot)
    assert panel.tree.topLevelItem(0).text(0) == "A. Foundations"
    panel.choose("sarsa")
    assert get("sarsa").summary in panel.summary.text()
    assert panel.form.editors["optimizer"].toolTip().startswith("Update rule")
