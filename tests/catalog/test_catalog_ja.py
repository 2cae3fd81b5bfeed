"""The catalog in Japanese (issue 16 item 6): every summary, title, family heading and hparam help.

Each Japanese summary is stored with the English ``source`` it was translated from: when an
entry's English summary is edited, ``test_every_summary_is_translated_from_the_current_english``
fails and names the entry until someone re-translates it (the window meanwhile shows English).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from workbench.catalog import all_entries, by_family, get, i18n
from workbench.catalog.registry import TRAINING_HPARAMS, HParam
from workbench.cli import main

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # hiragana, katakana, kanji

#: The field's terms as the study notes in shared/seeds/ write them: where an English summary
#: or help text names the left, its Japanese must use one of the right (the notes write
#: "Attention", 逆伝搬, 方策, 価値, 残差, 勾配消失 ...; 確率的勾配降下法 / 注意機構 are the issue's).
TERMS = [
    (r"convolution", ("畳み込み",)),
    (r"attention", ("Attention", "注意機構")),
    (r"gradient descent", ("勾配降下法",)),
    (r"\bSGD\b", ("SGD", "確率的勾配降下法")),
    (r"backpropagation", ("逆伝搬",)),
    (r"\bpolic(y|ies)\b", ("方策",)),
    (r"\breward", ("報酬",)),
    (r"dropout", ("ドロップアウト",)),
    (r"fine-tun", ("ファインチューニング",)),
    (r"self-supervised", ("自己教師あり学習",)),
    (r"semi-supervised", ("半教師あり",)),
    (r"feature map", ("特徴マップ",)),
    (r"residual", ("残差", "Residual")),
    (r"embedding", ("埋め込み",)),
    (r"\bencoder", ("エンコーダ",)),
    (r"explor", ("探索",)),
    (r"catastrophic forgetting", ("破滅的忘却",)),
    (r"continual learning", ("継続学習",)),
    (r"metric learning", ("距離学習",)),
    (r"teacher forcing", ("教師強制",)),
    (r"\bteacher\b(?! forcing)", ("教師モデル",)),
    (r"\bstudent\b", ("生徒モデル",)),
    (r"validation", ("検証",)),
    (r"graph convolution", ("グラフ畳み込み",)),
    (r"zero-shot", ("ゼロショット",)),
    (r"\bgenerator\b", ("生成器",)),
    (r"discriminator", ("識別器",)),
    (r"\bagent\b", ("エージェント",)),
    (r"\bepoch", ("エポック",)),
    (r"fully connected", ("全結合",)),
    (r"\bpooling\b", ("プーリング", "Pooling", "RoIPool")),
    (r"activation", ("活性化", "Activation")),
    (r"vanish", ("消失",)),
    (r"cross-entropy", ("交差エントロピー",)),
    (r"step size|learning rate", ("学習率", "ステップ幅")),
    (r"skip connection", ("スキップ接続", "Skip Connection")),
    (r"receptive field", ("受容野",)),
    (r"self-play", ("自己対戦",)),
    (r"discount", ("割引率",)),
    (r"target network", ("ターゲットネットワーク",)),
    (r"perceptron", ("パーセプトロン",)),
    (r"regression", ("回帰",)),
    (r"quantis", ("量子化",)),
    (r"\bdistill", ("蒸留",)),
    (r"monte.carlo", ("モンテカルロ",)),
    # where the notes and the papers disagree the English says so: the Japanese keeps it
    (r"\bnotes?\b", ("ノート",)),
    (r"\bpapers?\b", ("論文",)),
]


def _stored(language="ja"):
    return i18n.table(language)


def _help_texts() -> set[str]:
    return {h.help for e in all_entries() for h in e.all_hparams if h.help} | \
        {h.help for h in TRAINING_HPARAMS if h.help}


def test_every_summary_is_translated_from_the_current_english():
    entries = all_entries()
    stale = i18n.stale_entries("ja", entries)
    rows = _stored()["entries"]
    detail = "; ".join(f"{name}: now {get(name).summary!r}" for name in stale[:5])
    assert not stale, (f"{len(stale)} Japanese summaries are missing or were translated from an older "
                       f"English text (update workbench/catalog/translations/ja.json): {detail}")
    # and each is shown: the Japanese, not the English fallback
    for entry in entries:
        assert i18n.localized_summary(entry, "ja") == rows[entry.name]["summary"] != entry.summary


def test_every_family_and_help_text_has_japanese():
    families = _stored()["families"]
    assert set(by_family()) <= set(families)
    for family in by_family():
        assert JAPANESE.search(i18n.family_title(family, "ja")), family
        assert i18n.family_title(family, "ja").split(".")[0] == family.split(".")[0]  # keeps A., B., ...
    missing = sorted(_help_texts() - set(_stored()["hparam_help"]))
    assert not missing, f"help texts without Japanese: {missing[:5]}"
    for text in _help_texts():
        assert JAPANESE.search(i18n.hparam_help(text, "ja")), text


def test_japanese_keeps_every_number_identifier_and_formula_name():
    """A faithful translation drops no figure (60,965,224; 0.3; 3x3) nor any key (prior_for, val_cer)."""
    pairs = [(row["source"], row["summary"]) for row in _stored()["entries"].values()]
    pairs += list(_stored()["hparam_help"].items())
    for english, japanese in pairs:
        assert JAPANESE.search(japanese), english
        for token in set(re.findall(r"\d+(?:[.,]\d+)*|\b\w*_\w*\b", english)):
            assert token in japanese, f"{token!r} of {english!r} is missing from {japanese!r}"


@pytest.mark.parametrize("pattern, terms", TERMS, ids=[t[0] for t in TERMS])
def test_the_notes_terms_are_used(pattern, terms):
    texts = [(name, row["source"], row["summary"]) for name, row in _stored()["entries"].items()]
    texts += [("help", en, ja) for en, ja in _stored()["hparam_help"].items()]
    wrong = [(name, ja) for name, en, ja in texts
             if re.search(pattern, en, re.IGNORECASE) and not any(term in ja for term in terms)]
    assert not wrong, f"{pattern!r} should be {' or '.join(terms)} in: {wrong[:3]}"


def test_key_entries_use_the_notes_wording():
    """A few entries checked by hand against the seeds' sections."""
    expect = {
        "linear_regression": ("線形回帰", "勾配降下法"), "maml": ("確率的勾配降下法", "メタ学習"),
        "lenet": ("畳み込み",), "transformer": ("Attention", "注意機構", "Self-Attention"),
        "seq2seq_attention": ("Attention",), "rnn_bptt": ("逆伝搬", "勾配消失", "勾配爆発"),
        "q_learning": ("Q学習", "方策オフ型"), "sarsa": ("方策オン型",), "perceptron": ("単純パーセプトロン",),
        "mlp": ("多層パーセプトロン",), "distillation": ("蒸留", "教師モデル", "生徒モデル"),
        "transfer": ("転移学習", "ファインチューニング"), "generative_replay": ("継続学習", "破滅的忘却"),
        "lstm": ("忘却ゲート", "覗き穴結合", "CEC"), "vae": ("Reparameterization Trick",),
    }
    for name, terms in expect.items():
        entry = get(name)
        text = i18n.localized_title(entry, "ja") + i18n.localized_summary(entry, "ja")
        for term in terms:
            assert term in text, f"{name}: {term} missing"


def test_titles_translate_only_customary_names():
    assert i18n.localized_title(get("linear_regression"), "ja") == "線形回帰"
    assert i18n.localized_title(get("perceptron"), "ja") == "単純パーセプトロン"
    assert i18n.localized_title(get("resnet50"), "ja") == "ResNet-50"
    assert i18n.localized_title(get("yolo_v1"), "ja") == "YOLO v1"


def test_a_stale_or_missing_translation_falls_back_to_english():
    lenet = get("lenet")
    edited = replace(lenet, summary=lenet.summary + " Edited.")
    assert i18n.localized_summary(edited, "ja") == edited.summary
    assert i18n.stale_entries("ja", [lenet, edited]) == ["lenet"]
    renamed = replace(get("perceptron"), display_name="Rosenblatt perceptron")
    assert i18n.localized_title(renamed, "ja") == "Rosenblatt perceptron"
    new = replace(lenet, name="no_such_entry")
    assert i18n.localized_summary(new, "ja") == lenet.summary and i18n.localized_title(new, "ja") == lenet.title
    assert i18n.hparam_help(HParam("x", int, 1, "A help text nobody translated"), "ja") == \
        "A help text nobody translated"
    assert i18n.family_title("Z. Unknown", "ja") == "Z. Unknown"
    # English is the entries' own text
    assert i18n.localized_summary(lenet, "en") == lenet.summary
    assert i18n.hparam_help(TRAINING_HPARAMS[0], "en") == TRAINING_HPARAMS[0].help
    assert i18n.hparam_help(TRAINING_HPARAMS[0], "ja") == "更新則（最適化手法）"


def test_catalog_json_carries_japanese(capsys):
    assert main(["catalog", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(all_entries())
    for row in rows:
        assert {"name", "summary", "hparams", "reference"} <= set(row)  # the existing keys stay
        assert JAPANESE.search(row["summary_ja"]) and row["title_ja"]
    lenet = next(row for row in rows if row["name"] == "lenet")
    assert lenet["summary_ja"] == _stored()["entries"]["lenet"]["summary"]
    assert main(["catalog", "sarsa", "--json"]) == 0
    assert "方策オン型" in json.loads(capsys.readouterr().out)["summary_ja"]


def test_catalog_lang_ja_prints_japanese(capsys):
    assert main(["catalog", "--lang", "ja", "--family", "A"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "A. 基礎"
    assert "線形回帰" in out and "単純パーセプトロン" in out
    assert "勾配降下法" in out.replace("\n", "").replace(" ", "")
    assert main(["catalog", "dqn", "--lang", "ja"]) == 0
    out = capsys.readouterr().out
    assert "F. 強化学習" in out and "割引率" in out  # the summary and the help texts
    for line in out.splitlines():  # wrapped to 100 terminal columns (a kanji takes two)
        assert sum(2 if JAPANESE.match(c) or c in "（）：、。" else 1 for c in line) <= 102, line


def test_a_bad_language_is_refused_with_the_languages(capsys):
    assert main(["catalog", "--lang", "xx"]) == 1
    err = capsys.readouterr().err
    assert "en, ja" in err and "'xx'" in err and "Traceback" not in err
    assert i18n.languages() == ["en", "ja"]
