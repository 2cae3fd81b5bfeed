"""Tiny models for the explanation tests, trained once per session.

The task is localized on purpose: class 1 images hold a bright 5x5 square somewhere
on dim noise, class 0 images are noise only. A trained GAP CNN must then look at the
square, which gives the faithfulness test something that should hold.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

SIZE = 16


def square_images(count: int, seed: int):
    rng = np.random.default_rng(seed)
    images = rng.uniform(0.0, 0.3, (count, SIZE, SIZE, 3)).astype(np.float32)
    labels = rng.integers(0, 2, count)
    for image, label in zip(images, labels):
        if label:
            row, col = rng.integers(0, SIZE - 5, 2)
            image[row:row + 5, col:col + 5] = rng.uniform(0.8, 1.0)
    return images, labels


def gap_cnn(relu: str = "conv", head: str = "gap", channels: int = 3):
    """conv -> pool -> conv -> (GAP | Flatten | GAP + hidden Dense) -> softmax; ``relu``
    picks how the ReLUs are written (Conv2D argument, Activation layer or ReLU layer)."""
    import keras
    from keras import layers

    def conv(x, filters, name):
        if relu == "conv":
            return layers.Conv2D(filters, 3, padding="same", activation="relu", name=name)(x)
        x = layers.Conv2D(filters, 3, padding="same", name=name)(x)
        return layers.Activation("relu", name=f"{name}_relu")(x) if relu == "activation" else \
            layers.ReLU(name=f"{name}_relu")(x)

    inputs = keras.Input((SIZE, SIZE, channels), name="input")
    x = conv(inputs, 8, "conv1")
    x = layers.MaxPooling2D(name="pool1")(x)
    x = conv(x, 16, "conv2")
    if head == "flatten":
        x = layers.Flatten(name="flatten")(x)
    else:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.1, name="head_dropout")(x)
        if head == "hidden":
            x = layers.Dense(8, activation="relu", name="hidden")(x)
    outputs = layers.Dense(2, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=f"cnn_{relu}_{head}")


@pytest.fixture(scope="session")
def square_data():
    return square_images(512, seed=1)


@pytest.fixture(scope="session")
def trained_cnn(square_data):
    import keras

    keras.utils.set_random_seed(0)
    model = gap_cnn()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    images, labels = square_data
    model.fit(images, labels, epochs=6, batch_size=32, verbose=0)
    test_x, test_y = square_images(64, seed=2)
    accuracy = float((model.predict(test_x, verbose=0).argmax(1) == test_y).mean())
    assert accuracy > 0.9, f"the fixture model did not learn the task (accuracy {accuracy:.2f})"
    return model


@pytest.fixture(scope="session")
def square_image():
    """One class-1 image: bright square at rows 3..7, columns 8..12."""
    rng = np.random.default_rng(7)
    image = rng.uniform(0.0, 0.3, (SIZE, SIZE, 3)).astype(np.float32)
    image[3:8, 8:13] = 0.9
    return image


@pytest.fixture(scope="session")
def make_cnn():
    """The ``gap_cnn`` builder, untrained (for structure and invariants that need no training)."""
    return gap_cnn
