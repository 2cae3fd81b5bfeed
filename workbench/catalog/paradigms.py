"""Catalog section G, part 1: semi-supervised, self-supervised, multi-task, metric learning,
few- and zero-shot learning."""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "G. Learning paradigms"

_M = "workbench.models.paradigms"


def _width(default: int = 16) -> HParam:
    return HParam("width", int, default, "Filters of the encoder's first conv block (units for tabular data)",
                  low=1, high=1024)


register(Entry(
    name="pseudo_label",
    display_name="Pseudo-labelling (semi-supervised, few labels)",
    family=FAMILY,
    task="classification",
    summary=(
        "Semi-supervised learning with a few labels: only labelled_fraction of the training images keep "
        "their label (at least one per class). Each step learns from a batch of them and from a batch of "
        "the unlabelled rest, whose labels are the network's own confident predictions (the pseudo-labels: "
        "argmax where the top probability reaches the threshold, guessed on the clean image and learned on "
        "a distorted copy with dropout), weighted by alpha ramped up from 0 so the early, poor guesses "
        "count little. pseudo_labels=false trains the same net on the few labels "
        "alone, the baseline (benchmarks/semi_supervised.py prints both accuracies). Logs the fraction of "
        "unlabelled samples above the threshold and how many of those pseudo-labels are right."
    ),
    paper="Lee, Pseudo-Label: The Simple and Efficient Semi-Supervised Learning Method for Deep Neural "
          "Networks, ICML workshop 2013",
    builder=f"{_M}.pseudo_label:build_pseudo_label",
    trainer=f"{_M}.pseudo_label:train_pseudo_label",
    hparams=(
        HParam("labelled_fraction", float, 0.05, "Fraction of the training samples whose label is kept",
               low=0.001, high=1.0),
        HParam("threshold", float, 0.9, "Confidence a prediction needs to become a pseudo-label",
               low=0.0, high=1.0),
        HParam("alpha", float, 1.0, "Final weight of the pseudo-label loss (Lee used 3)", low=0.0, high=100.0),
        HParam("ramp_epochs", int, 10, "Epochs over which alpha rises linearly from 0", low=0, high=100000),
        HParam("pseudo_labels", bool, True, "Learn from the unlabelled samples (false: the labelled-only "
               "baseline)"),
        HParam("dropout", float, 0.3, "Dropout before the output layer (the guesses are made without it)",
               low=0.0, high=0.9),
        HParam("augment_strength", float, 0.5, "Distort the images learned from (the guesses are made on the "
               "clean ones; 0 = none)", low=0.0, high=3.0),
        _width(),
    ),
    data_kinds=("image", "tabular"),
    smoke={"width": 4},
))

register(Entry(
    name="simclr",
    display_name="SimCLR (contrastive self-supervised learning, NT-Xent)",
    family=FAMILY,
    task="embedding",
    summary=(
        "Self-supervised: no labels. Two random views of each image (affine crop, brightness/contrast, "
        "noise, cut-out) pass through the encoder and a projection head; the NT-Xent loss makes each "
        "view pick out its partner among the 2N-1 other views of the batch (the in-batch negatives), a "
        "softmax over cosine similarities divided by the temperature. The encoder's features are then "
        "judged by a linear probe (logistic regression on the frozen features, logged as "
        "probe_accuracy) and shown as a PCA projection coloured by class."
    ),
    paper="Chen, Kornblith, Norouzi, Hinton, A Simple Framework for Contrastive Learning of Visual "
          "Representations, ICML 2020",
    builder=f"{_M}.simclr:build_simclr",
    trainer=f"{_M}.encoders:train_bundle",
    hparams=(
        HParam("temperature", float, 0.5, "Softmax temperature tau of NT-Xent", low=0.01, high=10.0),
        HParam("feature_dim", int, 64, "Encoder features h (what the probe reads)", low=2, high=4096),
        HParam("projection_dim", int, 32, "Projection head output z (what the loss compares)", low=2, high=4096),
        HParam("augment_strength", float, 1.0, "Scale of every augmentation (0 = none)", low=0.0, high=3.0),
        _width(),
    ),
    data_kinds=("image",),
    smoke={"width": 4, "feature_dim": 8, "projection_dim": 4},
))

register(Entry(
    name="byol",
    display_name="BYOL (Bootstrap Your Own Latent, no negatives)",
    family=FAMILY,
    task="embedding",
    summary=(
        "Self-supervised without negative pairs: an online network (encoder, projector, predictor) "
        "predicts the target network's projection of another view of the same image, loss 2 - 2 cos. "
        "The target gets no gradient; after each step it follows the online weights by an exponential "
        "moving average with rate tau. The predictor and the slow stop-gradient target keep it from "
        "collapsing. Judged like SimCLR by a linear probe (probe_accuracy) and the embedding projection."
    ),
    paper="Grill et al., Bootstrap Your Own Latent: A New Approach to Self-Supervised Learning, NeurIPS 2020",
    builder=f"{_M}.byol:build_byol",
    trainer=f"{_M}.encoders:train_bundle",
    hparams=(
        HParam("tau", float, 0.99, "EMA rate of the target: xi <- tau xi + (1 - tau) theta", low=0.0, high=1.0),
        HParam("feature_dim", int, 64, "Encoder features (what the probe reads)", low=2, high=4096),
        HParam("projection_dim", int, 32, "Projector and predictor output", low=2, high=4096),
        HParam("augment_strength", float, 1.0, "Scale of every augmentation (0 = none)", low=0.0, high=3.0),
        _width(),
    ),
    data_kinds=("image",),
    smoke={"width": 4, "feature_dim": 8, "projection_dim": 4},
))

register(Entry(
    name="multitask",
    display_name="Multi-task learning (shared trunk, several heads)",
    family=FAMILY,
    task="classification",
    summary=(
        "One shared trunk, one head per task, one weighted sum of the tasks' losses: the class itself "
        "(the digit), its parity (even/odd) and whether it is in the upper half of the classes (digit "
        ">= 5). The tasks share what they need to see; each head's loss and accuracy is logged "
        "separately (class_loss, parity_accuracy, ...) and the per-task validation accuracies are "
        "drawn together. The saved model answers the main task (the class)."
    ),
    paper="Caruana, Multitask Learning, Machine Learning 1997",
    builder=f"{_M}.multitask:build_multitask",
    trainer=f"{_M}.multitask:train_multitask",
    hparams=(
        HParam("tasks", str, "class,parity,upper_half", "Heads, comma separated, from class, parity, upper_half"),
        HParam("loss_weights", str, "1,0.5,0.5", "Weight of each task's loss, in the order of tasks"),
        HParam("feature_dim", int, 64, "Width of the shared trunk's output", low=2, high=4096),
        _width(),
    ),
    data_kinds=("image", "tabular"),
    smoke={"width": 4, "feature_dim": 8},
))

register(Entry(
    name="siamese",
    display_name="Siamese network (contrastive loss)",
    family=FAMILY,
    task="embedding",
    summary=(
        "Metric learning: one shared encoder embeds both members of a pair on the unit sphere; the "
        "contrastive loss pulls pairs of one class together (d^2/2) and pushes pairs of different "
        "classes apart until the margin (max(0, m - d)^2/2). Every pair of each batch is used, the "
        "positive and negative pairs averaged separately. Shows the validation embeddings as a PCA "
        "projection coloured by class, and a linear probe's accuracy on them."
    ),
    paper="Hadsell, Chopra, LeCun, Dimensionality Reduction by Learning an Invariant Mapping, CVPR 2006; "
          "Bromley et al., Signature Verification using a Siamese Time Delay Neural Network, NeurIPS 1993",
    builder=f"{_M}.siamese:build_siamese",
    trainer=f"{_M}.encoders:train_bundle",
    hparams=(
        HParam("margin", float, 1.0, "Distance beyond which different-class pairs cost nothing", low=0.0,
               high=2.0),
        HParam("embedding_dim", int, 16, "Dimensions of the embedding", low=2, high=4096),
        _width(),
    ),
    data_kinds=("image", "tabular"),
    smoke={"width": 4, "embedding_dim": 4},
))

register(Entry(
    name="triplet",
    display_name="Triplet loss (online easy / semi-hard / hard mining)",
    family=FAMILY,
    task="embedding",
    summary=(
        "Metric learning with triplets: an anchor should be closer to a positive of its class than to "
        "a negative, by a margin: max(0, d(a,p) - d(a,n) + m). Triplets are mined online in each batch: "
        "for every anchor-positive pair, mining=hard takes the closest negative, semi_hard the closest "
        "one still farther than the positive (FaceNet), easy the farthest (which teaches almost nothing: "
        "watch active_triplets). Shows the validation embeddings as a PCA projection coloured by class."
    ),
    paper="Schroff, Kalenichenko, Philbin, FaceNet: A Unified Embedding for Face Recognition and "
          "Clustering, CVPR 2015; Hermans, Beyer, Leibe, In Defense of the Triplet Loss, 2017",
    builder=f"{_M}.triplet:build_triplet",
    trainer=f"{_M}.encoders:train_bundle",
    hparams=(
        HParam("mining", str, "semi_hard", "Which negative each anchor-positive pair gets",
               choices=("easy", "semi_hard", "hard")),
        HParam("margin", float, 0.5, "Margin m of the hinge", low=0.0, high=2.0),
        HParam("embedding_dim", int, 16, "Dimensions of the embedding (unit length)", low=2, high=4096),
        _width(),
    ),
    data_kinds=("image", "tabular"),
    smoke={"width": 4, "embedding_dim": 4},
))

register(Entry(
    name="few_shot",
    display_name="Few-shot learning (prototypical networks or a Siamese embedding)",
    family=FAMILY,
    task="embedding",
    summary=(
        "N-way K-shot classification of classes never seen in training. Training is episodic: each "
        "step samples n_way training classes with k_shot labelled examples (the support) and queries. "
        "method=prototype: each class is the mean of its support embeddings and a query gets the "
        "softmax over negative squared distances to the prototypes, trained by cross-entropy. "
        "method=siamese: the embedding is trained by the contrastive loss on the episode's pairs. "
        "Both classify a query by its nearest prototype; val_episode_accuracy is measured on episodes "
        "of the held-out classes of the few_shot source."
    ),
    paper="Snell, Swersky, Zemel, Prototypical Networks for Few-shot Learning, NeurIPS 2017; Koch, "
          "Zemel, Salakhutdinov, Siamese Neural Networks for One-shot Image Recognition, ICML workshop 2015",
    builder=f"{_M}.prototypical:build_embedding",
    trainer=f"{_M}.prototypical:train_few_shot",
    hparams=(
        HParam("method", str, "prototype", "How the embedding learns", choices=("prototype", "siamese")),
        HParam("n_way", int, 0, "Classes per episode (0 = the source's n_way)", low=0, high=1000),
        HParam("k_shot", int, 0, "Labelled examples per class (0 = the source's k_shot)", low=0, high=1000),
        HParam("episodes_per_epoch", int, 100, "Training episodes (one update each) per epoch", low=1,
               high=100000),
        HParam("val_episodes", int, 50, "Held-out-class episodes averaged per epoch", low=1, high=100000),
        HParam("margin", float, 1.0, "Contrastive margin (method=siamese)", low=0.0, high=2.0),
        HParam("embedding_dim", int, 32, "Dimensions of the embedding", low=2, high=4096),
        _width(),
    ),
    data_kinds=("episodes",),
    default_data="few_shot",
    smoke={"width": 4, "embedding_dim": 4, "val_episodes": 2},
))

register(Entry(
    name="zero_shot",
    display_name="Zero-shot learning (attribute-based, DAP-style)",
    family=FAMILY,
    task="classification",
    summary=(
        "Classifying digits no training image showed: each digit class is described by a vector of "
        "attributes (has a closed loop, a vertical stroke, a horizontal bar, a diagonal, ... the table "
        "is in the code). The network learns image -> attributes on the seen classes only (from distorted "
        "copies, so it reads strokes rather than memorising classes); an image of "
        "an unseen class gets the class whose attribute vector is nearest to its predicted attributes. "
        "val_zero_shot_accuracy is that accuracy on the unseen classes' validation images, among the "
        "unseen classes; the saved model scores all classes by attribute distance."
    ),
    paper="Lampert, Nickisch, Harmeling, Learning to Detect Unseen Object Classes by Between-Class "
          "Attribute Transfer, CVPR 2009",
    builder=f"{_M}.zero_shot:build_zero_shot",
    trainer=f"{_M}.zero_shot:train_zero_shot",
    hparams=(
        HParam("unseen_classes", str, "4,5,6", "Digits left out of training, comma separated"),
        HParam("temperature", float, 0.1, "Softness of the class scores exp(-distance^2 / T)", low=1e-4,
               high=100.0),
        HParam("augment_strength", float, 0.5, "Distort the training images (as SimCLR's views; 0 = none) so the "
               "attributes are read from the strokes", low=0.0, high=3.0),
        HParam("dropout", float, 0.3, "Dropout before the attribute layer", low=0.0, high=0.9),
        HParam("feature_dim", int, 64, "Width of the features before the attribute layer", low=2, high=4096),
        _width(),
    ),
    data_kinds=("image",),
    smoke={"width": 4, "feature_dim": 8},
))
