"""The study notes' exercises as presets: declared once here, listed and run by the CLI
(``keras-workbench presets``) and offered by the GUI's Presets menu.

A preset names an entry, a data set, the hyperparameters it fixes and, where the exercise is a
comparison, the trials to compare (each a dict of settings; they run as a search, one run per
trial, every run from the same seed). The numbers are the notes' (001, 4_1 and 4_3 [try]).
This module declares no entries (the catalog imports it with the families; it adds nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.errors import WorkbenchError


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    entry: str
    data: str
    shows: str  # what running it shows, in a sentence or two
    source: str  # where in the notes
    hparams: dict = field(default_factory=dict)  # the same for every run
    trials: tuple = ()  # settings of each run of a comparison; empty: a single run
    epochs: int = 5
    batch_size: int = 32
    metric: str = "val_accuracy"

    @property
    def is_comparison(self) -> bool:
        return len(self.trials) > 1

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "entry": self.entry, "data": self.data,
                "shows": self.shows, "source": self.source, "hparams": dict(self.hparams),
                "trials": [dict(t) for t in self.trials], "epochs": self.epochs,
                "batch_size": self.batch_size, "metric": self.metric}


PRESETS: tuple[Preset, ...] = (
    Preset(
        name="optimizers",
        title="Optimizer comparison (the notes' learning rates)",
        entry="mlp", data="digits",
        shows=("The 3-layer MNIST classifier trained five times from the same initial weights, only the "
               "update rule changing, with the learning rates the notes used: plain gradient descent, "
               "Momentum and AdaGrad take large steps (0.95), RMSProp and Adam small ones (0.001). The "
               "Runs tab overlays their loss curves. (The notes use MNIST: --data mnist where it is "
               "downloaded; digits runs offline.)"),
        source="notes 001, 4_1 [try] optimizerを変更してみる",
        trials=({"optimizer": "sgd", "learning_rate": 0.95},
                {"optimizer": "momentum", "learning_rate": 0.95, "momentum": 0.1},
                {"optimizer": "adagrad", "learning_rate": 0.95},
                {"optimizer": "rmsprop", "learning_rate": 0.001},
                {"optimizer": "adam", "learning_rate": 0.001}),
        epochs=10,
    ),
    Preset(
        name="mlp_sizes",
        title="MLP hidden sizes 150/75 against 2400/1200",
        entry="mlp", data="digits",
        shows=("The 3-layer classifier with two hidden layers of 150 and 75 units against 2400 and 1200: "
               "the wide net has about 20 times the weights, fits the training set faster and gains "
               "little on validation."),
        source="notes 001, 4_1 [try] 隠れ層のサイズを変更してみる",
        trials=({"hidden_units": "150,75"}, {"hidden_units": "2400,1200"}),
        epochs=10,
    ),
    Preset(
        name="perceptron_or",
        title="Perceptron on OR: batch size 10, 100 against 300 epochs",
        entry="perceptron", data="or",
        shows=("The simple perceptron learning OR with batch size 10, as in the notes: the loss after "
               "300 epochs is lower than after 100 (compare the two runs' curves)."),
        source="notes 001, 4_3 [try] バッチサイズを10に / エポック数を300に",
        trials=({"epochs": 100}, {"epochs": 300}),
        epochs=300, batch_size=10, metric="accuracy",
    ),
    Preset(
        name="rnn_dropout",
        title="RNN with 128 units: input dropout 0.5, recurrent dropout 0.3",
        entry="simple_rnn", data="binary_addition",
        shows=("The SimpleRNN of the notes' Keras exercise with 128 units, trained without dropout and "
               "with input dropout 0.5 and recurrent dropout 0.3: the dropped run learns more slowly "
               "and its training accuracy stays below its validation accuracy."),
        source="notes 001, 4_3 [try] RNNの出力ノード数を128に / 入力Dropoutを0.5に / 再帰Dropoutを0.3に",
        hparams={"units": 128},
        trials=({"input_dropout": 0.0, "recurrent_dropout": 0.0},
                {"input_dropout": 0.5, "recurrent_dropout": 0.3}),
        epochs=10,
    ),
)


def all_presets() -> tuple[Preset, ...]:
    return PRESETS


def get(name: str) -> Preset:
    for preset in PRESETS:
        if preset.name == name:
            return preset
    raise WorkbenchError(f"unknown preset {name!r}; known: {', '.join(p.name for p in PRESETS)}")


def check(preset: Preset) -> dict:
    """The preset's fixed hyperparameters resolved by its entry, every trial's values checked
    (a preset naming a key its entry lacks is a sentence, not a failed run)."""
    from workbench import catalog
    from workbench.data import registry as data_registry
    from workbench.training.sweep import key_spec

    data_registry.get(preset.data)
    hparams = catalog.get(preset.entry).resolve(preset.hparams)
    for trial in preset.trials:
        for key, value in trial.items():
            key_spec(preset.entry, key).parse(value)
    return hparams


def train_config(preset: Preset, out: str, data: str = "", epochs: int = 0, steps_per_epoch: int = 0,
                 seed: int = 0):
    """The ``TrainConfig`` every run of the preset shares (``data``/``epochs`` override the preset's)."""
    from workbench.training.config import TrainConfig

    check(preset)
    return TrainConfig(preset.entry, data or preset.data, epochs or preset.epochs, preset.batch_size, seed,
                       dict(preset.hparams), out=out, steps_per_epoch=steps_per_epoch).validate()
