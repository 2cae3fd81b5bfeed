"""Text corpora: the embedded Genesis text and a user's .txt file."""

from collections import Counter
from importlib import resources

import numpy as np
import pytest

from workbench import data
from workbench.catalog.registry import get as get_entry
from workbench.data import registry
from workbench.data import text as text_source
from workbench.errors import WorkbenchError


def _genesis_file() -> str:
    return resources.files("workbench.data.corpus").joinpath("genesis_kjv.txt").read_text("utf-8")


def test_genesis_is_split_by_position_at_a_line_start():
    full = _genesis_file()
    c = data.load("genesis", {}, val_fraction=0.2)
    assert c.train_text + c.val_text == full  # contiguous, nothing lost or reordered
    assert c.train_text.endswith("\n") and c.train_text.startswith("Chapter 1\n\nIn the beginning")
    assert len(c.val_text) / len(full) == pytest.approx(0.2, abs=0.002)
    assert c.val_text.rstrip().endswith("he was put in a coffin in Egypt.")
    assert c.info.kind == "text" and c.info.task == "sequence"
    assert 150_000 < len(full) < 300_000  # "a few hundred KB at most"


def test_char_vocabulary_is_ranked_by_count_from_the_training_part():
    c = data.load("genesis", {"level": "char"}, val_fraction=0.2)
    counts = Counter(c.train_text)
    assert c.vocabulary[:2] == ["<pad>", "<unk>"]
    assert sorted(c.vocabulary[2:]) == sorted(counts)
    ranked = [counts[ch] for ch in c.vocabulary[2:]]
    assert ranked == sorted(ranked, reverse=True) and c.vocabulary[2] == " "
    ids = c.encode("In the beginning")
    assert "".join(c.vocabulary[i] for i in ids) == "In the beginning"
    unseen = set(c.val_text) - set(counts)  # characters only in the validation part
    assert c.unknown_val == sum(ch in unseen for ch in c.val_text)


def test_word_level_max_vocab_and_unknown_rate():
    c = data.load("genesis", {"level": "word", "max_vocab": "300", "lowercase": "true"})
    train = text_source.WORD_PATTERN.findall(c.train_text)
    val = text_source.WORD_PATTERN.findall(c.val_text)
    assert c.train_text == c.train_text.lower()
    kept = [w for w, _ in Counter(train).most_common(300)]
    assert c.vocabulary == ["<pad>", "<unk>", *kept]
    unknown = sum(w not in kept for w in train) + sum(w not in kept for w in val)
    facts = c.describe()
    assert facts["unknown_tokens"] == unknown
    assert facts["unknown_rate"] == pytest.approx(unknown / (len(train) + len(val)), abs=1e-6)
    assert facts["tokens"] == len(train) + len(val) and facts["vocabulary"] == 302
    assert "joseph's" in Counter(train)  # inner apostrophes stay in the word
    assert c.encode("zzzunseen")[0] == 1  # <unk>


def test_preview_shows_an_excerpt_and_the_rank_frequency_curve():
    c = data.load("genesis", {"level": "word"})
    excerpt, curve = c.preview()
    assert excerpt.value.text.startswith("Chapter 1")
    x, y = curve.value.series["words"]
    counts = sorted(Counter(text_source.WORD_PATTERN.findall(c.train_text)).values(), reverse=True)
    np.testing.assert_allclose(y, np.log10(counts))
    np.testing.assert_allclose(x, np.log10(np.arange(1, len(counts) + 1)))
    slope = np.polyfit(x, y, 1)[0]
    assert -1.5 < slope < -0.6  # Zipf's law holds roughly for English prose


def test_user_text_file_with_bad_bytes_reports_them(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes("héllo wörld\nsecond line\n".encode("utf-8") * 40 + b"\xff\xfe broken\n")
    spec, implied = registry.resolve(str(path))
    assert spec.name == "textfile" and implied == {"path": str(path)}
    c = data.load(str(path), {"level": "word"}, val_fraction=0.25)
    assert c.skipped == ["notes.txt: 2 byte(s) that are not UTF-8 were dropped (the first on line 81)"]
    assert c.val_text.endswith(" broken\n") and "\ufffd" not in c.val_text
    assert c.info.name == "notes.txt" and "héllo" in c.vocabulary and "wörld" in c.vocabulary


@pytest.mark.parametrize("content, words", [
    (b"", "empty or holds only whitespace"),
    (b"  \n\t\n   ", "empty or holds only whitespace"),
    (bytes(range(128, 256)) * 20, "is not UTF-8 text"),
])
def test_unusable_text_files_get_a_sentence(tmp_path, content, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(WorkbenchError, match=words):
        data.load(str(path))


def test_bad_options_and_missing_file_get_a_sentence(tmp_path):
    with pytest.raises(WorkbenchError, match="level='syllable' must be char or word"):
        data.load("genesis", {"level": "syllable"})
    with pytest.raises(WorkbenchError, match="lowercase='maybe' must be true or false"):
        data.load("genesis", {"lowercase": "maybe"})
    with pytest.raises(WorkbenchError, match="text file not found"):
        data.load(str(tmp_path / "nowhere.txt"))


def test_image_entry_refuses_a_text_file_with_a_sentence(tmp_path, capsys):
    from workbench.cli import main

    path = tmp_path / "story.txt"
    path.write_text("Once upon a time.\nThe end.\n", encoding="utf-8")
    assert main(["train", "lenet", "--data", str(path), "--out", str(tmp_path / "run")]) == 1
    assert "'story.txt' is text data" in capsys.readouterr().err
    ok, why = get_entry("lenet").accepts(data.load("genesis").info)
    assert not ok and why.endswith("'genesis' is text data")
