"""Judging a trained classifier: scores per class, the confusion matrix, predictions over
folders, and marks on samples that ``--data-option exclude=FILE`` leaves out next time."""
