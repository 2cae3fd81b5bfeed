"""Sampling text from a language model, and what a text run keeps beside its model.

Next-token sampling (the notes' "temperature" and "top-k"):

    p_i = softmax(z / T)_i   over the k largest logits z only (top_k > 0), 0 elsewhere

``temperature = 0`` is greedy decoding (argmax: the same text every time); a higher T
flattens the distribution, a lower one sharpens it. ``<pad>`` and ``<unk>`` are never
sampled: they are not text. Every draw comes from ``numpy.random.default_rng(seed)``, so
the same seed gives the same text.

A text run keeps its vocabulary and tokenisation in ``RUN/text_model.json`` (``save_meta``):
the hooks (``generate``, ``predict --text``, the Text tab) turn text into ids with it.
"""

from __future__ import annotations

import os

import numpy as np

from workbench.errors import WorkbenchError

META_FILE = "text_model.json"
#: The ids a sampler never picks: <pad> (0) and <unk> (1) of workbench.data.text's vocabularies.
NOT_TEXT = (0, 1)
MAX_LENGTH = 5000


def save_meta(run_dir: str, entry: str, **meta) -> None:
    from workbench.runs.atomic import write_json

    os.makedirs(run_dir, exist_ok=True)
    write_json(os.path.join(run_dir, META_FILE), {"entry": entry, **meta})


def load_meta(run_dir: str, entry: str | None = None) -> dict:
    """The run's text metadata; a sentence when the run is not a finished text run."""
    from workbench.runs.atomic import read_json

    path = os.path.join(run_dir, META_FILE)
    if not os.path.isfile(path):
        raise WorkbenchError(f"{run_dir} has no {META_FILE}: it is not a finished run of a text model "
                             "(train one first, e.g. keras-workbench train gpt --data genesis)")
    try:
        meta = read_json(path)
    except (OSError, ValueError) as error:
        raise WorkbenchError(f"{path} is damaged ({error}); train the run again") from None
    if entry and meta.get("entry") != entry:
        raise WorkbenchError(f"{run_dir} is a {meta.get('entry')} run, not {entry}")
    return meta


#: Models loaded lately, by (path, modification time): the Text tab asks one run many times.
_LOADED: dict = {}
_KEEP_LOADED = 4


def load_run_model(run_dir: str, name: str = "model"):
    """``RUN/NAME.keras`` without its compiled loss (inference only); a file loaded before and
    unchanged since is not read again."""
    import keras

    from workbench.quiet import import_tensorflow

    path = os.path.abspath(os.path.join(run_dir, f"{name}.keras"))
    if not os.path.isfile(path):
        raise WorkbenchError(f"{run_dir} has no {name}.keras: the run has not finished training")
    key = (path, os.path.getmtime(path))
    if key in _LOADED:
        return _LOADED[key]
    import_tensorflow()
    import workbench.models.sequence.multihead  # noqa: F401  (registers the custom layers)

    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as error:  # noqa: BLE001 - a truncated or foreign file: say which
        raise WorkbenchError(f"{path} could not be loaded ({type(error).__name__}); train the run again") from None
    if len(_LOADED) >= _KEEP_LOADED:
        _LOADED.pop(next(iter(_LOADED)))
    _LOADED[key] = model
    return model


def sample_next(logits, temperature: float, top_k: int, rng: np.random.Generator) -> int:
    """One token id from ``logits`` (1-D): argmax at temperature 0, else softmax(z / T)
    restricted to the ``top_k`` largest (all where top_k is 0)."""
    z = np.array(logits, np.float64).ravel()
    z[[i for i in NOT_TEXT if i < len(z) - 1]] = -np.inf  # keep at least one candidate
    if temperature <= 0:
        return int(np.argmax(z))
    z = z / temperature
    if 0 < top_k < len(z):
        keep = np.argpartition(-z, top_k - 1)[:top_k]  # exactly k ids, ties broken by position
        cut = np.full_like(z, -np.inf)
        cut[keep] = z[keep]
        z = cut
    p = np.exp(z - np.max(z))
    p /= p.sum()
    return int(rng.choice(len(p), p=p))


def encode_prompt(prompt: str, vocabulary: list[str], level: str, lowercase: bool = False) -> tuple[list[int], list[str]]:
    """Token ids of ``prompt`` and notes on what was changed: a token the vocabulary lacks
    is replaced by its other case where that is known, else left out (and said so)."""
    from workbench.data.text import tokenize

    index = {t: i for i, t in enumerate(vocabulary)}
    ids, missing, recased = [], [], []
    for token in tokenize(prompt.lower() if lowercase else prompt, level):
        if token in index and index[token] > 1:
            ids.append(index[token])
            continue
        for variant in (token.lower(), token.upper(), token.capitalize()):
            if variant in index and index[variant] > 1:
                ids.append(index[variant])
                recased.append(token)
                break
        else:
            missing.append(token)
    notes = []
    if recased:
        notes.append(f"{len(recased)} token(s) not in the vocabulary were matched in another case: "
                     f"{_listing(recased)}")
    if missing:
        notes.append(f"{len(missing)} token(s) not in the vocabulary were left out: {_listing(missing)}")
    return ids, notes


def generate_ids(model, ids: list[int], length: int, temperature: float, top_k: int, seed: int,
                 context: int) -> list[int]:
    """``length`` new ids after ``ids``, each sampled from the model's last-position logits
    over (at most) the last ``context`` ids."""
    if length < 0 or length > MAX_LENGTH:
        raise WorkbenchError(f"--length {length} must be between 0 and {MAX_LENGTH}")
    if temperature < 0:
        raise WorkbenchError(f"--temperature {temperature} must be 0 (greedy) or more")
    if top_k < 0:
        raise WorkbenchError(f"--top-k {top_k} must be 0 (all tokens) or more")
    rng = np.random.default_rng(seed)
    out = list(ids)
    for _ in range(length):
        window = np.array([out[-context:]], np.int32)
        logits = np.asarray(model(window, training=False))[0, -1]
        out.append(sample_next(logits, temperature, top_k, rng))
    return out[len(ids):]


def join_tokens(tokens: list[str], level: str) -> str:
    """Characters join as they are; words with a space, none before punctuation."""
    if level == "char":
        return "".join(tokens)
    text = ""
    for token in tokens:
        if text and (token[0].isalnum() or token[0] in "(\"'") and not text.endswith(("(", "\n")):
            text += " "
        text += token
    return text


def _listing(tokens: list[str], most: int = 8) -> str:
    unique = list(dict.fromkeys(tokens))
    return ", ".join(repr(t) for t in unique[:most]) + (" ..." if len(unique) > most else "")


def run_hook(run_dir: str, hook: str, what: str):
    """The run's entry and its ``hook`` function; a sentence when the run's entry has none
    (``what`` says what the caller wanted, e.g. "generate text")."""
    from workbench import catalog
    from workbench.runs.rundir import RunDir

    if not os.path.isdir(run_dir):
        raise WorkbenchError(f"run directory not found: {run_dir}")
    model = RunDir(run_dir).read_config().get("model", "")
    entry = catalog.get(model)
    fn = entry.hook(hook)
    if fn is None:
        able = sorted(e.name for e in catalog.all_entries() if hook in e.hooks)
        raise WorkbenchError(f"{run_dir} is a {entry.name} run, which cannot {what}; runs of "
                             f"{', '.join(able) or 'no entry'} can")
    return entry, fn


def text_mode(entry) -> str:
    """What the Text tab offers for a run of ``entry``: "generate", "word2vec", "predict" or ""."""
    if "generate_text" in entry.hooks:
        return "generate"
    if entry.name == "word2vec":
        return "word2vec"
    return "predict" if "predict_text" in entry.hooks else ""


def text_runs(roots) -> list[tuple[str, str, str]]:
    """``(path, entry name, mode)`` of every finished run under ``roots`` whose entry reads
    or writes text (newest first); damaged runs and runs without a model are left out."""
    from workbench.runs.history import runs_with_entries

    return [(record.path, record.model, text_mode(entry))
            for record, entry in runs_with_entries(roots, need_model=True) if text_mode(entry)]
