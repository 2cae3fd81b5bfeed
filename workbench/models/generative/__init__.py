"""Catalog section E: generative models (autoencoders, VAE, VQ-VAE, GANs, ...).

Each model is a ``keras.Model`` with its own ``train_step``; its networks are listed by
``named_networks()`` and saved as ``RUN/NAME.keras``. ``sampling.sample_images`` draws a
grid from any generator's run (``keras-workbench sample``).
"""
