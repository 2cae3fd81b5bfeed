"""The Export tab's widgets: the verification report of one export, and the before/after
table of every variant of a run."""
