"""Composite indices configured as data, and a PCA index like CONAPO's.

An index is a tree: indicators (leaves) are normalised to a common scale, oriented so that
a higher score always means more of what the index measures, and aggregated up through
sub-dimensions and dimensions by weighted arithmetic or geometric means. The configuration
(:class:`IndexSpec`) is plain data, so it can be stored next to the result with a
fingerprint that proves the numbers can be computed again.

Normalisations (each gives 0-100 except ``zscore``):

* ``minmax`` -- ``100 (x - lo) / (hi - lo)``; ``lo``/``hi`` are fixed goal-posts when given
  (values outside are clipped, as UN-Habitat's City Prosperity Index does, so scores stay
  comparable across years), otherwise the observed minimum and maximum.
* ``zscore`` -- ``(x - mean) / sd`` (population sd); unbounded, so the index must be
  rescaled (``rescale_output=True``) and aggregated arithmetically.
* ``percentile`` -- ``100 (r - 1) / (n - 1)`` with ``r`` the average rank among present
  values (ties share a rank).
"""

from barrio.core.fingerprint import fingerprint
from barrio.core.indices.composite import Group, IndexResult, IndexSpec, Indicator, compute_index
from barrio.core.indices.pca import PCAResult, pca_index

__all__ = [
    "Group",
    "IndexResult",
    "IndexSpec",
    "Indicator",
    "PCAResult",
    "compute_index",
    "fingerprint",
    "pca_index",
]
