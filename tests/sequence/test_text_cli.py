"""``generate`` and ``predict --text`` end to end on tiny runs trained here."""

import json

import pytest

from workbench.cli import main

TINY = ["--set", "d_model=8", "--set", "heads=2", "--set", "layers=1", "--set", "d_ff=16"]


def _train(out, *args):
    assert main(["train", *args, "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "16",
                 "--seed", "1", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def gpt_run(tmp_path_factory):
    return _train(tmp_path_factory.mktemp("gpt") / "run", "gpt", "--data", "genesis", *TINY,
                  "--set", "context=16", "--set", "sample_length=4")


@pytest.fixture(scope="module")
def word2vec_run(tmp_path_factory):
    return _train(tmp_path_factory.mktemp("w2v") / "run", "word2vec", "--data", "genesis",
                  "--set", "embedding_dim=8", "--set", "max_vocab=200")


def _generate(capsys, run, *args):
    assert main(["generate", str(run), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_generate_is_repeatable_with_a_seed(gpt_run, capsys):
    args = ["--prompt", "And God", "--length", "30", "--temperature", "1.5", "--top-k", "20"]
    first = _generate(capsys, gpt_run, *args, "--seed", "4")
    again = _generate(capsys, gpt_run, *args, "--seed", "4")
    other = _generate(capsys, gpt_run, *args, "--seed", "5")
    assert first["text"] == again["text"] and first["text"].startswith("And God")
    assert len(first["generated"]) == 30 and first["tokens"] == 30  # characters: one token each
    assert other["generated"] != first["generated"]  # a hot, untrained model: another seed, another text
    greedy = [_generate(capsys, gpt_run, "--prompt", "And God", "--length", "10", "--temperature", "0",
                        "--seed", str(s))["generated"] for s in (1, 2)]
    assert greedy[0] == greedy[1]


def test_generate_skips_unknown_characters_and_says_so(gpt_run, capsys):
    result = _generate(capsys, gpt_run, "--prompt", "And ☃God", "--length", "3", "--temperature", "0")
    assert result["prompt_used"] == "And God"
    assert any("'☃'" in note and "left out" in note for note in result["notes"])


def test_generate_refuses_a_run_that_is_not_a_generator(word2vec_run, capsys):
    assert main(["generate", str(word2vec_run), "--prompt", "x"]) == 1
    err = capsys.readouterr().err
    assert "word2vec run, which cannot generate text" in err and "gpt" in err and "Traceback" not in err


def test_generate_refuses_bad_settings_with_a_sentence(gpt_run, capsys):
    assert main(["generate", str(gpt_run), "--prompt", "x", "--temperature", "-1"]) == 1
    assert "--temperature" in capsys.readouterr().err
    assert main(["generate", str(gpt_run), "--prompt", "x", "--top-k", "-2"]) == 1
    assert "--top-k" in capsys.readouterr().err


def test_predict_text_gives_word2vec_neighbours(word2vec_run, capsys):
    assert main(["predict", str(word2vec_run), "--text", "God said", "--text", "zzqx", "--json"]) == 0
    god, unknown = json.loads(capsys.readouterr().out)
    assert [w["word"] for w in god["words"]] == ["god", "said"]
    cosines = [n["cosine"] for n in god["words"][0]["neighbours"]]
    assert len(cosines) == 10 and cosines == sorted(cosines, reverse=True) and max(cosines) <= 1.0 + 1e-9
    assert unknown["words"] == [] and "not in the vocabulary" in unknown["notes"][0]


def test_predict_text_on_a_run_without_the_hook_is_a_sentence(gpt_run, capsys):
    assert main(["predict", str(gpt_run), "--text", "hello"]) == 1
    err = capsys.readouterr().err
    assert "gpt run, which cannot read text" in err and "bert" in err


def test_an_empty_text_file_is_refused_with_a_sentence(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    assert main(["train", "gpt", "--data", str(empty), *TINY, "--epochs", "1", "--out", str(tmp_path / "r"),
                 "--quiet"]) == 1
    assert "empty or holds only whitespace" in capsys.readouterr().err


def test_predict_without_image_or_text_is_a_sentence(gpt_run, capsys):
    assert main(["predict", str(gpt_run)]) == 1
    assert "--image FILE" in capsys.readouterr().err
