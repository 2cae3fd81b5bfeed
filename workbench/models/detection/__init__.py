"""Detector and segmenter models (catalog section C): one module per technique.

Each detector is a registered ``keras.Model`` subclass of ``base.Detector`` with its own
``train_step`` loss, ``encode_targets`` and ``predict_candidates``; ``backbones`` holds
the small convolutional backbone and the feature pyramid the one-stage detectors share.
"""
