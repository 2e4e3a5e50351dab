"""metrics: the numbers marketers act on, as pure functions over DataFrames (no I/O).

Every function returns plain data; a number that cannot mean anything is ``None`` with ``status`` "n/a" and a
``reason``, never NaN or infinity. See ``docs/metrics.md`` for each definition.
"""

from metrics.amplification import (
    amplification_asymmetry,
    cascade_roots,
)
from metrics.conversion import cac_change, conversion_change
from metrics.crisis import detect_crises, hourly_counts, incident_drivers, post_summary
from metrics.incremental import incremental_conversions
from metrics.lift import mention_lift, rate_ratio
from metrics.response import is_question, response_summary, response_times
from metrics.roi import earned_media_value, prorated_cost, viral_roi
from metrics.sentiment import net_sentiment, perception_change
from metrics.share_of_voice import share_of_voice
from metrics.spikes import detect_spikes
from metrics.themes import emerging_terms, emerging_themes

__all__ = [
    "amplification_asymmetry", "cac_change", "cascade_roots", "conversion_change",
    "detect_crises", "detect_spikes", "earned_media_value", "emerging_terms", "emerging_themes", "hourly_counts",
    "incident_drivers", "incremental_conversions", "is_question",
    "mention_lift", "net_sentiment", "perception_change", "post_summary", "prorated_cost", "rate_ratio",
    "response_summary", "response_times", "share_of_voice", "viral_roi",
]
