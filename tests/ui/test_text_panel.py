"""The Text tab on runs made here (untrained tiny models with known weights: no training)."""

import json

import numpy as np
import pytest

from workbench.data.base import DataInfo

TINY = {"d_model": 8, "heads": 2, "layers": 1, "d_ff": 16, "dropout": 0.0}


def _run(folder, model_name: str, model, **meta):
    from workbench.models.sequence.text_generation import save_meta

    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model": model_name, "data": "genesis"}))
    model.save(str(folder / "model.keras"))
    save_meta(str(folder), model_name, **meta)
    return str(folder)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    import keras

    from workbench.data.sequence_tasks import VOCABULARY
    from workbench.models.sequence import word2vec as w2v
    from workbench.models.sequence.gpt import build_gpt
    from workbench.models.sequence.transformer import build_transformer

    keras.utils.set_random_seed(0)
    root = tmp_path_factory.mktemp("runs")
    vocab = ["<pad>", "<unk>", "\n", " ", *"abcdefgh"]
    gpt = build_gpt({**TINY, "context": 16}, DataInfo("t", "text", "sequence", (None,), tuple(vocab)))
    words = ["<pad>", "man", "woman", "king", "queen", "apple"]
    hp = {"mode": "skipgram", "embedding_dim": 3, "window": 1, "negatives": 2}
    embed = w2v.build_word2vec(hp, DataInfo("t", "text", "embedding", (None,), tuple(words)))
    vectors = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [-1, 0, 0.2]], np.float32)
    embed.get_layer("embeddings").set_weights([vectors, np.zeros_like(vectors)])
    transformer = build_transformer(TINY, DataInfo("reverse_digits", "sequence", "sequence", (4,), VOCABULARY), 4, 5)
    return {
        "gpt": _run(root / "a-gpt", "gpt", gpt, vocabulary=vocab, level="char", context=16),
        "word2vec": _run(root / "b-word2vec", "word2vec", embed, vocabulary=words, mode="skipgram"),
        "transformer": _run(root / "c-transformer", "transformer", transformer, source_length=4,
                            target_length=5, vocabulary=list(VOCABULARY)),
        "root": str(root),
    }


@pytest.fixture
def panel(qtbot, runs):
    from ui.panels.text_panel import TextPanel
    from ui.session import Session

    session = Session()
    session.runs_root = runs["root"]
    widget = TextPanel(session)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.run_box.count() == 3, timeout=30000)
    return widget


def _choose(panel, path: str) -> None:
    panel.run_box.setCurrentIndex(panel.run_box.findData(path))


def test_lists_only_text_runs_and_switches_pages(panel, runs, tmp_path):
    models = sorted(panel.run_box.itemText(i).split(" — ")[0] for i in range(panel.run_box.count()))
    assert models == ["gpt", "transformer", "word2vec"]
    _choose(panel, runs["word2vec"])
    assert panel.current_mode() == "word2vec" and panel.pages.currentIndex() == 1
    _choose(panel, runs["gpt"])
    assert panel.pages.currentIndex() == 0


def test_generates_the_same_text_as_the_hook(panel, runs, qtbot):
    from workbench.models.sequence.gpt import generate_text

    _choose(panel, runs["gpt"])
    panel.prompt.setPlainText("abé")
    panel.length.setValue(12)
    panel.temperature.setValue(1.0)
    panel.top_k.setValue(3)
    panel.seed.setValue(7)
    panel.generate_button.click()
    qtbot.waitUntil(lambda: panel.generated.plain != "", timeout=30000)
    expected = generate_text(runs["gpt"], "abé", 12, 1.0, 3, 7)
    assert panel.generated.plain == expected["text"] and panel.generated.plain.startswith("ab")
    assert "'é'" in panel.notes.text()  # the unknown character is said, not refused


def test_word2vec_neighbours_and_analogy(panel, runs, qtbot):
    _choose(panel, runs["word2vec"])
    panel.word.setText("King")
    panel.neighbours()
    qtbot.waitUntil(lambda: panel.neighbour_table.rowCount() > 0, timeout=30000)
    assert panel.neighbour_table.words()[:2] == ["queen", "man"]  # cosines 0.816, 0.707 by hand
    assert panel.neighbour_table.item(0, 2).text() == f"{2 / np.sqrt(6):.3f}"
    for edit, word in zip(panel.analogy_words, ("man", "woman", "king")):
        edit.setText(word)
    panel.analogy()
    qtbot.waitUntil(lambda: panel.analogy_table.rowCount() > 0, timeout=30000)
    assert panel.analogy_table.words()[0] == "queen"


def test_decodes_with_its_attention_matrix(panel, runs, qtbot):
    _choose(panel, runs["transformer"])
    assert panel.pages.currentIndex() == 2
    panel.sentence.setText("12x3")
    panel.predict_button.click()
    qtbot.waitUntil(lambda: getattr(panel, "last_prediction", None) is not None, timeout=30000)
    result = panel.last_prediction
    assert result["input_symbols"] == ["1", "2", "3"] and "'x'" in panel.notes.text()
    grid = panel.attention.value
    assert grid.values.shape == (len(result["output_symbols"]), 3) and grid.col_labels == ["1", "2", "3"]
    np.testing.assert_allclose(grid.values.sum(1), 1.0, atol=1e-5)  # each output row is a distribution
    assert not panel.attention.isHidden()
