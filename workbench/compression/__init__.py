"""Making a trained model smaller and faster: knowledge distillation and magnitude
pruning (quantisation is an export option: ``workbench.export.tflite``)."""
