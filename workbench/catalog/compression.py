"""Catalog section G, compression: knowledge distillation.

(Magnitude pruning is a command on a trained run, ``keras-workbench prune``, and
quantisation an export option, ``keras-workbench export --quantize``.)
"""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "G. Learning paradigms"

register(Entry(
    name="distillation",
    display_name="Knowledge distillation (teacher → student)",
    family=FAMILY,
    task="classification",
    summary=(
        "A small student learns from a large frozen teacher's softened predictions and from the "
        "labels: loss = alpha·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−alpha)·CE(y, s). The soft "
        "targets say which wrong classes look alike, so the student beats the same net trained "
        "alone (alpha = 0) where labels are few: by default it learns from 10% of the training "
        "samples (Hinton et al. used 3%), the teacher from all; compare_alone trains that same "
        "student alone first and shows both accuracies. t and s are logits (read before the "
        "softmax). teacher = a trained classifier run on the same data; left empty, a wide LeNet "
        "is trained first. The run's model is the student."
    ),
    paper="Hinton, Vinyals & Dean, Distilling the Knowledge in a Neural Network, NIPS Deep Learning "
          "Workshop 2015",
    builder="workbench.compression.distillation:build_distiller",
    trainer="workbench.compression.distillation:train_distillation",
    hparams=(
        HParam("teacher", str, "", "Run directory (or .keras file) of the trained teacher classifier; "
                                   "empty: train a wide LeNet teacher first"),
        HParam("temperature", float, 4.0, "Softmax temperature T of both networks' soft targets",
               low=0.5, high=100.0),
        HParam("alpha", float, 0.9, "Weight of the soft (teacher) term; 0 = the student alone",
               low=0.0, high=1.0),
        HParam("transfer_fraction", float, 0.1, "Fraction of each class's training samples the student "
               "learns from (the teacher saw them all); Hinton et al. used 3%. With all of them a small "
               "student alone nears the teacher and the soft targets add little", low=0.001, high=1.0),
        HParam("student", str, "mlp", "Student network (a catalog classifier)", choices=("mlp", "lenet")),
        HParam("student_units", str, "128", "The mlp student's hidden units, comma separated"),
        HParam("student_width", int, 1, "The lenet student's width multiplier", low=1, high=16),
        HParam("teacher_width", int, 4, "Width of the LeNet teacher trained when none is given",
               low=1, high=16),
        HParam("teacher_epochs", int, 20, "Epochs of that teacher", low=1, high=1000),
        HParam("compare_alone", bool, True, "First train the same student alone (alpha 0: same initial "
               "weights, batches and epochs) and show both validation accuracies, epoch by epoch"),
    ),
    data_kinds=("image", "tabular"),
    # 10% of digits is 5 batches an epoch: the students need many epochs to converge
    default_epochs=200,
    smoke={"teacher_epochs": 1, "teacher_width": 1, "student_units": "8"},
))
