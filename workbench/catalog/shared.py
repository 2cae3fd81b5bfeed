"""Hyperparameters that many entries share, declared once (this module registers no entry)."""

from workbench.catalog.registry import HParam

NORMALIZATIONS = ("batch", "layer", "instance", "group", "none")

NORMALIZATION = HParam("normalization", str, "batch",
                       "Normalization after each convolution (BatchNorm, LayerNorm, InstanceNorm, GroupNorm)",
                       choices=NORMALIZATIONS)
POOLING = HParam("pooling", str, "max", "Down-sampling between stages",
                 choices=("max", "average"))
DROPOUT = HParam("dropout", float, 0.0, "Dropout rate before the classifier", low=0.0, high=0.95)
INPUT_SIZE = HParam("input_size", int, 0,
                    "Resize inputs to this side length inside the model (0 = use the data's size)",
                    low=0, high=1024)
AUGMENT_COPIES = HParam("augment_copies", int, 0,
                        "Randomly flipped and scale-cropped copies of each training image to add "
                        "(boxes and masks move with the image)", low=0, high=16)

#: Hidden activations by their Keras 3 names (catalog A: "activation functions selectable in
#: every builder"); the output layer keeps softmax (or linear for regression).
ACTIVATIONS = ("relu", "leaky_relu", "elu", "selu", "gelu", "swish", "tanh", "sigmoid", "softplus")
ACTIVATION = HParam("activation", str, "relu", "Hidden activation (sigmoid and tanh saturate: "
                    "their gradients fade toward the input of a deep net)", choices=ACTIVATIONS)
#: Kernel initialisers; "default" keeps each builder's own (Keras' glorot_uniform, or the
#: paper's where it names one). Biases always start at zero.
INITIALIZERS = ("default", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
                "lecun_normal", "random_normal", "zeros")
INITIALIZER = HParam("initializer", str, "default",
                     "Initial kernels: default (the builder's own, Keras' glorot_uniform), Glorot, He, "
                     "LeCun, random_normal with init_stddev, or zeros (to see symmetry stop learning)",
                     choices=INITIALIZERS)
INIT_STDDEV = HParam("init_stddev", float, 0.05, "Standard deviation of the random_normal initializer",
                     low=1e-6, high=10.0, log=True)
#: Classifier loss and the label encoding it needs (001 4_3: categorical cross-entropy takes
#: one-hot labels, the sparse one integer labels; the two give equal losses).
LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy", "mse")
LOSS = HParam("loss", str, "sparse_categorical_crossentropy",
              "Classifier loss: sparse cross-entropy on integer labels, cross-entropy or MSE on one-hot labels",
              choices=LOSSES)
LABEL_ENCODING = HParam("label_encoding", str, "auto",
                        "Labels fed to the loss: auto (what the loss needs), integer or one_hot",
                        choices=("auto", "integer", "one_hot"))
GRADIENT_NORMS = HParam("gradient_norms", bool, False,
                        "Show per-layer gradient norms |dL/dW| on a fixed validation batch each epoch")
#: What every classifier of sections A and B trained by fit shares beyond its architecture.
CLASSIFIER_TRAINING = (INITIALIZER, INIT_STDDEV, LOSS, LABEL_ENCODING, GRADIENT_NORMS)

#: The Insight view's sections (``Entry.insight``): ``workbench.models.vision.insight`` functions.
INSIGHT = "workbench.models.vision.insight"
#: The normalisation equalities, shown by every entry with a normalization choice.
NORMALIZATION_INSIGHT = f"{INSIGHT}:normalization"
#: Catalog A's "max / average / global-average pooling": the stage poolings are POOLING; this
#: is how a flattening head (LeNet, AlexNet, VGG) reaches its classifier.
HEAD = HParam("head", str, "flatten",
              "Last feature maps to the classifier: flatten them (the paper's), or one number per map by "
              "global average / global max pooling (far fewer weights)",
              choices=("flatten", "global_average", "global_max"))

#: The detectors' and segmenters' backbones (catalog A: pooling "selectable in every CNN
#: builder"): each stage halves the resolution by a stride-2 convolution, or by 2x2 pooling.
DOWNSAMPLING = HParam("pooling", str, "stride",
                      "How each backbone stage halves the resolution: a stride-2 convolution (the "
                      "default), or a stride-1 convolution followed by 2x2 max or average pooling",
                      choices=("stride", "max", "average"))
#: The head of a network that ends in global average pooling (WRN, PyramidNet, DenseNet-BC,
#: MobileNet, EfficientNet): global max pooling or flattening to compare.
GAP_HEAD = HParam("head", str, "global_average",
                  "Last feature maps to the classifier: global average pooling (the paper's), global "
                  "max pooling, or flatten them (many more weights)",
                  choices=("global_average", "global_max", "flatten"))
#: What every detector and segmenter shares beyond its architecture (catalog A: activation and
#: initialisation "selectable in every builder"); the training job re-draws the kernels.
DETECTOR_TRAINING = (ACTIVATION, INITIALIZER, INIT_STDDEV)
