"""Keras model code: one module per technique, builders in the keras.applications style."""
