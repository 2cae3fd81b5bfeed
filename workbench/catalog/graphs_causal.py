"""Catalog section G (part 2): MAML, graph neural networks and causal inference."""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "G. Learning paradigms"

register(Entry(
    name="maml",
    display_name="MAML (model-agnostic meta-learning)",
    family=FAMILY,
    task="regression",
    summary=(
        "Learn an initialisation that adapts to a new task in a few gradient steps. Inner loop: "
        "from the shared weights theta, K SGD steps on a task's support points give theta'_i = "
        "theta - alpha grad L_support(theta). Outer loop: theta <- theta - beta grad sum_i "
        "L_query(theta'_i), differentiated through the inner steps (second-order, nested "
        "gradient tapes; first_order=true drops the second derivatives). On sine regression, K "
        "steps from the meta-learned theta beat K steps from a net pre-trained on all tasks pooled."
    ),
    paper="Finn, Abbeel & Levine, Model-Agnostic Meta-Learning for Fast Adaptation of Deep "
          "Networks, ICML 2017",
    builder="workbench.models.meta.maml:build_maml_net",
    trainer="workbench.models.meta.maml:train_maml",
    hparams=(
        HParam("inner_lr", float, 0.01, "alpha: step size of the inner (adaptation) SGD steps",
               low=1e-6, high=10.0, log=True),
        HParam("outer_lr", float, 1e-3, "beta: step size of the outer (meta) update (Adam)",
               low=1e-6, high=10.0, log=True),
        HParam("inner_steps", int, 1, "K: SGD steps on the support set per task", low=1, high=20),
        HParam("first_order", bool, False, "First-order MAML: treat the inner gradients as constants"),
        HParam("meta_batch", int, 10, "Tasks per meta-update", low=1, high=1000),
        HParam("hidden_units", str, "40,40", "Units per hidden layer (ReLU), comma separated"),
        HParam("updates_per_epoch", int, 100, "Meta-updates per epoch (capped by steps_per_epoch)", low=1, high=100000),
        HParam("val_tasks", int, 20, "New tasks the validation scores adaptation on", low=1, high=10000),
    ),
    data_kinds=("episodes",),
    default_data="sine_tasks",
    smoke={"hidden_units": "8", "meta_batch": 2, "val_tasks": 2, "updates_per_epoch": 2},
))

_GRAPH_HPARAMS = (
    HParam("hidden_units", int, 16, "Units of the hidden graph layer", low=1, high=4096),
    HParam("dropout", float, 0.5, "Dropout before each graph layer", low=0.0, high=0.95),
    HParam("learning_rate", float, 0.01, "Step size (Adam; the GCN paper's 0.01)", low=1e-6, high=10.0,
           log=True),
)

register(Entry(
    name="gcn",
    display_name="GCN (graph convolutional network)",
    family=FAMILY,
    task="graph",
    summary=(
        "Semi-supervised node classification: two layers of H' = sigma(A_hat H W) with the "
        "renormalised adjacency A_hat = D~^-1/2 (A + I) D~^-1/2, the first-order approximation of a "
        "spectral graph filter. Transductive: every node's features and the whole graph go in, "
        "only the training nodes' labels into the loss. The graph is drawn with the predicted classes."
    ),
    paper="Kipf & Welling, Semi-Supervised Classification with Graph Convolutional Networks, ICLR 2017",
    builder="workbench.models.graphs.gcn:build_gcn",
    trainer="workbench.models.graphs.node_classification:train_gcn",
    hparams=_GRAPH_HPARAMS,
    data_kinds=("graph",),
    default_data="karate",
    smoke={"hidden_units": 4},
))

register(Entry(
    name="chebnet",
    display_name="ChebNet (Chebyshev spectral graph convolution)",
    family=FAMILY,
    task="graph",
    summary=(
        "The spectral filter U g(Lambda) U^T x approximated by a Chebyshev polynomial of the scaled "
        "Laplacian L~ = 2L/lambda_max - I: y = sum_(k<K) T_k(L~) X Theta_k with T_k = 2 L~ T_(k-1) - "
        "T_(k-2), no eigendecomposition, O(K E). T_k is zero beyond k hops, so order K mixes each "
        "node with its (K-1)-hop neighbourhood (K=1: a linear layer on X); the receptive field per K is shown."
    ),
    paper="Defferrard, Bresson & Vandergheynst, Convolutional Neural Networks on Graphs with Fast "
          "Localized Spectral Filtering, NeurIPS 2016",
    builder="workbench.models.graphs.chebnet:build_chebnet",
    trainer="workbench.models.graphs.node_classification:train_chebnet",
    hparams=(HParam("k", int, 3, "K: Chebyshev order (the filter sees K-1 hops)", low=1, high=20),
             *_GRAPH_HPARAMS),
    data_kinds=("graph",),
    default_data="karate",
    smoke={"hidden_units": 4, "k": 2},
))

register(Entry(
    name="rgcn",
    display_name="R-GCN (relational graph convolutional network)",
    family=FAMILY,
    task="graph",
    summary=(
        "Graph convolution over typed edges: h_i' = sigma(W_0 h_i + sum_r sum_(j in N_i^r) W_r h_j / "
        "|N_i^r|), one weight matrix per relation, optionally shared through a basis decomposition "
        "W_r = sum_b a_rb V_b. The communities graph types its edges inside / between communities; "
        "an edge-list CSV may have a type column."
    ),
    paper="Schlichtkrull et al., Modeling Relational Data with Graph Convolutional Networks, ESWC 2018",
    builder="workbench.models.graphs.rgcn:build_rgcn",
    trainer="workbench.models.graphs.node_classification:train_rgcn",
    hparams=(HParam("bases", int, 0, "Basis matrices shared by the relations (0 = one full W_r each)",
                    low=0, high=1000),
             *_GRAPH_HPARAMS),
    data_kinds=("graph",),
    default_data="communities",
    smoke={"hidden_units": 4, "bases": 1},
))

_CAUSAL_HPARAMS = (
    HParam("representation_units", str, "100,100", "Units of the shared representation Phi (ELU), comma separated"),
    HParam("head_units", str, "50", "Units of each outcome head (ELU), comma separated"),
    HParam("reweight", bool, True, "Weight samples by the treated share u: t/(2u) + (1-t)/(2(1-u))"),
)

register(Entry(
    name="tarnet",
    display_name="TARNet (treatment-agnostic representation network)",
    family=FAMILY,
    task="causal",
    summary=(
        "Individual treatment effects from observational data: a shared representation Phi(x) and "
        "two outcome heads h_0, h_1, each trained only on the factual outcomes of its arm; the "
        "estimated effect is h_1(Phi(x)) - h_0(Phi(x)). Scored on held-out units with known "
        "potential outcomes: PEHE (root mean squared error of the individual effects) and the "
        "error of the average effect."
    ),
    paper="Shalit, Johansson & Sontag, Estimating individual treatment effect: generalization "
          "bounds and algorithms, ICML 2017",
    builder="workbench.models.causal.tarnet:build_tarnet",
    trainer="workbench.models.causal.tarnet:train_tarnet",
    hparams=_CAUSAL_HPARAMS,
    data_kinds=("causal",),
    default_data="causal",
    smoke={"representation_units": "8", "head_units": "4"},
))

register(Entry(
    name="cfr",
    display_name="CFR (counterfactual regression with an IPM penalty)",
    family=FAMILY,
    task="causal",
    summary=(
        "TARNet plus alpha times an integral probability metric between the representations of "
        "the treated and the control units (MMD with an RBF kernel, or the Wasserstein distance by "
        "Sinkhorn iterations): balancing Phi makes the counterfactual head's extrapolation to the "
        "other arm's units cheaper, and bounds the PEHE."
    ),
    paper="Shalit, Johansson & Sontag, Estimating individual treatment effect: generalization "
          "bounds and algorithms, ICML 2017",
    builder="workbench.models.causal.tarnet:build_tarnet",
    trainer="workbench.models.causal.cfr:train_cfr",
    hparams=(HParam("ipm", str, "wasserstein", "The imbalance penalty", choices=("mmd", "wasserstein")),
             HParam("alpha", float, 1.0, "Weight of the IPM penalty", low=0.0, high=1e4),
             *_CAUSAL_HPARAMS),
    data_kinds=("causal",),
    default_data="causal",
    smoke={"representation_units": "8", "head_units": "4"},
))
