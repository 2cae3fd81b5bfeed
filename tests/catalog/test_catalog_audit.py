"""The catalog audit of sections A, B, C and H, done mechanically (issue 18).

For every entry of families A, B and C the shared rows of section A must hold: dropout, L2
weight decay, gradient clipping and early stopping "selectable for every entry" (and honoured
by the entry's trainer), activation and initialisation "selectable in every builder", and for
every CNN builder — an entry on images whose task is classification, detection or segmentation
— pooling (a max and an average choice) and the four normalisations. Where a choice truly does
not apply, the entry says why in a comment of its declaration (``NOT_APPLICABLE`` names them),
so the next entry cannot forget them silently. Section H declares no entry: its methods run on
any trained classifier (``tests/xai``).
"""

import inspect
import json
import pathlib
import re

import pytest

from workbench import catalog
from workbench.catalog.registry import TRAINING_HPARAM_NAMES, load_symbol
from workbench.cli import main

AUDITED = ("A.", "B.", "C.")
ENTRIES = [e for e in catalog.all_entries() if e.family[:2] in AUDITED]
CATALOG_DIR = pathlib.Path(catalog.__file__).parent

#: (entry, hyperparameter) pairs that do not apply, each explained in the declaration's comments.
NOT_APPLICABLE = {
    ("perceptron", "activation"),  # the hard limit is the perceptron
    ("perceptron", "dropout"),  # no hidden layer; the rule updates only on mistakes
    ("linear_regression", "activation"),  # linear by definition
    ("polynomial_regression", "activation"),  # linear in its weights; the powers are fixed features
    ("rnn_bptt", "initializer"),  # W's initialisation is the entry's subject (spectral_radius)
    ("transfer", "activation"),  # keras.applications' pretrained backbone
    ("transfer", "initializer"),  # re-drawing would erase the ImageNet weights
    ("transfer", "normalization"),  # the backbone's own
}
NORMALIZATIONS = {"batch", "layer", "instance", "group"}


def is_cnn(entry) -> bool:
    """A CNN builder, from what the entry declares: image data only, and an image task."""
    return entry.data_kinds == ("image",) and entry.task in ("classification", "detection", "segmentation")


def declaration(entry) -> str:
    """The source of the entry's ``register(Entry(...))`` block in its family module."""
    for path in sorted(CATALOG_DIR.glob("*.py")):
        text = path.read_text()
        start = text.find(f'name="{entry.name}",')
        if start >= 0:
            end = text.find("register(Entry(", start)
            return text[start:end if end > 0 else len(text)]
    raise AssertionError(f"no declaration names {entry.name} literally")


def comments(block: str) -> str:
    return " ".join(line.split("#", 1)[1].strip() for line in block.splitlines() if "#" in line)


def names(entry) -> set:
    return {h.name for h in entry.all_hparams}


def choices(entry, name: str) -> set:
    return set(entry.hparam(name).choices or ()) if name in names(entry) else set()


def required(entry) -> list[str]:
    """The shared hyperparameters the catalog's rows require of ``entry``."""
    wanted = ["optimizer", "dropout", "l2", "clipnorm", "early_stopping", "activation", "initializer"]
    if is_cnn(entry):
        wanted += ["normalization", "pooling"]
    return [name for name in wanted if (entry.name, name) not in NOT_APPLICABLE]


def test_the_audit_covers_every_entry_of_sections_a_b_and_c():
    assert len(ENTRIES) >= 48  # 6 in A, 31 in B, 11 in C today
    assert {e.name for e in ENTRIES if is_cnn(e)} >= {"lenet", "im2col_cnn", "resnet50", "wide_resnet",
                                                      "yolo_v1", "mask_rcnn", "unet", "transfer"}
    assert not {e.name for e in ENTRIES if is_cnn(e)} & {"mlp", "perceptron", "linear_regression", "rnn_bptt"}
    assert not [e for e in catalog.all_entries() if e.family.startswith("H.")]  # methods, not entries


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_entry_declares_the_shared_choices(entry):
    missing = [name for name in required(entry) if name not in names(entry)
               and not (name == "pooling" and "head" in names(entry))]
    assert not missing, f"{entry.name} lacks {missing}"
    # The training rows: never shadowed by an entry's own parameter of the same name.
    for name in ("l2", "clipnorm", "early_stopping"):
        assert entry.hparam(name) in catalog.TRAINING_HPARAMS, (entry.name, name)
    # The optimizer row: the six update rules, whatever default an entry gives them.
    assert set(entry.hparam("optimizer").choices) == {"sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw"}
    if "activation" in required(entry):
        assert {"relu", "sigmoid", "tanh"} <= choices(entry, "activation"), entry.name
    if "initializer" in required(entry):
        assert {"glorot_uniform", "he_normal", "random_normal", "default"} <= choices(entry, "initializer")
        assert "init_stddev" in names(entry), entry.name
    if is_cnn(entry):
        if "normalization" in required(entry):
            assert NORMALIZATIONS <= choices(entry, "normalization"), entry.name
        offered = choices(entry, "pooling") | choices(entry, "head")
        assert {"max", "global_max"} & offered and {"average", "global_average"} & offered, (entry.name, offered)


@pytest.mark.parametrize("entry, name", sorted(NOT_APPLICABLE))
def test_every_exemption_is_explained_in_the_declaration(entry, name):
    entry = catalog.get(entry)
    assert name not in {h.name for h in entry.hparams}, f"{entry.name} now offers {name}: drop the exemption"
    said = comments(declaration(entry))
    assert re.search(rf"\bNo\b[^.:]*\b{name}", said), f"{entry.name}: no comment says why {name} does not apply"


def _trainer_source(entry) -> str:
    """The trainer's whole module: its epoch loop may sit in a helper next to it."""
    return inspect.getsource(inspect.getmodule(load_symbol(entry.trainer)))


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.trainer], ids=lambda e: e.name)
def test_custom_trainers_honour_the_shared_training_choices(entry):
    """Entries trained by ``fit`` get L2, clipping, early stopping and the initializer from
    ``build_compiled`` and ``fit_arrays``; an own trainer must call what they call."""
    source = _trainer_source(entry)
    uses_fit = "fit_arrays" in source or "fit_stream" in source
    compiled = "build_compiled" in source
    assert compiled or ("apply_l2" in source or '"l2"' in source), f"{entry.trainer}: l2 ignored"
    assert compiled or "make_optimizer" in source, f"{entry.trainer}: clipnorm ignored"
    assert uses_fit or "early_stopping" in source, f"{entry.trainer}: early stopping ignored"
    if "initializer" in names(entry):
        assert compiled or "apply_initializer" in source, f"{entry.trainer}: initializer ignored"


def test_every_shared_choice_is_settable_by_set(capsys):
    """Each entry's shared choice parses from the command line's text (``--set k=v``), and
    ``catalog --json`` lists the entry with its own ones."""
    assert main(["catalog", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    rows = {row["name"]: row for row in (listed if isinstance(listed, list) else listed["entries"])}
    for entry in ENTRIES:
        assert entry.name in rows
        own = {h["name"] for h in rows[entry.name]["hparams"]}
        for name in required(entry):
            if name in TRAINING_HPARAM_NAMES:
                value = {"early_stopping": "3", "optimizer": "momentum"}.get(name, "0.5")
                assert entry.resolve({name: value})[name] == entry.hparam(name).parse(value)
                continue
            if name == "pooling" and name not in names(entry):
                name = "head"
            assert name in own, (entry.name, name)
            hp = entry.hparam(name)
            value = str(sorted(hp.choices)[-1]) if hp.choices else "0.25"
            assert entry.resolve({name: value})[name] == hp.parse(value)
