"""The Model tab's layer tree (``workbench.models.summary``): nested models expand into
their own layers, with Keras' own counts and the rows ``model.summary(expand_nested=True)`` prints."""

import keras

from workbench.models.summary import layer_tree


def nested_model():
    block = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, name="conv_a"),
                              keras.layers.Conv2D(5, 3, name="conv_b")], name="backbone")
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.GlobalAveragePooling2D(name="gap")(block(inputs))
    return keras.Model(inputs, keras.layers.Dense(2, name="head")(x), name="outer"), block


def test_a_nested_model_is_a_row_with_its_layers_as_children():
    model, block = nested_model()
    rows = layer_tree(model)
    assert [r.name for r in rows] == [layer.name for layer in model.layers]
    backbone = next(r for r in rows if r.name == "backbone")
    assert backbone.kind == "Sequential" and [c.name for c in backbone.children] == ["conv_a", "conv_b"]
    assert backbone.params == block.count_params() == sum(c.params for c in backbone.children)
    assert backbone.children[0].params == 3 * 3 * 3 * 4 + 4 and backbone.children[1].output_shape == "(None, 4, 4, 5)"
    assert sum(r.params for r in rows) == model.count_params()
    assert sum(r.count() for r in rows) == len(rows) + 2


def test_the_rows_are_the_ones_keras_summary_expands():
    model, _ = nested_model()
    printed = []
    model.summary(expand_nested=True, print_fn=lambda line, **_: printed.append(line))
    text = "\n".join(printed)

    def names(rows):
        for row in rows:
            yield row.name
            yield from names(row.children)

    for name in names(layer_tree(model)):
        assert f"{name} (" in text, name
