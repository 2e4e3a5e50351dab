"""Diffusion: cascades rebuilt from parent links, their shape and speed, what triggered them, where they go.

Computations over DataFrames and graphs only; nothing here reads or writes the store.
"""

from diffusion.cascades import CASCADE_COLUMNS, cascade_members, cascade_metrics
from diffusion.virality import structural_virality, wiener_index

__all__ = [
    "CASCADE_COLUMNS",
    "cascade_members",
    "cascade_metrics",
    "structural_virality",
    "wiener_index",
]
