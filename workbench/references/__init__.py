"""Outside references shown to the user, not only tested: each catalog entry that has one
(a parameter count from keras.applications, torchvision or a paper; Grad-CAM against
tf-keras-vis; COCO metrics against pycocotools; a benchmark threshold) can be checked on
the user's machine, in the background, with the result cached.

``keras-workbench verify``, ``catalog --json`` and the Model tab's badge read this package.
"""

from workbench.references.checks import (cached_result, library_version, names_with_references,
                                         reference_for, run_check, summary)
from workbench.references.table import KINDS, REFERENCES, Reference

__all__ = ["KINDS", "REFERENCES", "Reference", "cached_result", "library_version", "names_with_references",
           "reference_for", "run_check", "summary"]
