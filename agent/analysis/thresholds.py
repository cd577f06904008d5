"""Every threshold the rules use, in one place, reported with each analysis for transparency."""

from knowledge.trust import STALE_AFTER_DAYS

QUIET_DAYS = 14  # no contact for longer than this: quiet
ACTIVE_DAYS = 30  # contact within this window counts as active
STALLED_DAYS = 30  # no activity for longer than this: stalled
CLOSE_NEAR_DAYS = 30  # expected close within this: near
MOMENTUM_RECENT_DAYS = 7
MOMENTUM_MIN_ACTIVITIES = 3
MIN_ANALYTICS_SAMPLE = 20  # fewer deals than this: the analytics rate is not used
STALE_UPSTREAM_DAYS = 30  # an upstream assessment older than this is flagged stale
UNANSWERED_ATTEMPTS = 2  # this many attempts unanswered since they last took part: silent
# A meeting booked within this many days explains a quiet spell before it: the deal is waiting
# for the meeting, not stalled (a quiet spell past STALLED_DAYS is still one).
BOOKED_SOON_DAYS = 21

THRESHOLDS: dict[str, int] = {
    "quiet_days": QUIET_DAYS,
    "active_days": ACTIVE_DAYS,
    "stalled_days": STALLED_DAYS,
    "close_near_days": CLOSE_NEAR_DAYS,
    "momentum_recent_days": MOMENTUM_RECENT_DAYS,
    "momentum_min_activities": MOMENTUM_MIN_ACTIVITIES,
    "min_analytics_sample": MIN_ANALYTICS_SAMPLE,
    "stale_upstream_days": STALE_UPSTREAM_DAYS,
    "unanswered_attempts": UNANSWERED_ATTEMPTS,
    "booked_soon_days": BOOKED_SOON_DAYS,
    # Battle cards and proof points verified longer ago than this are stale (knowledge/trust.py
    # sets and explains it: the knowledge loader and the coach share it).
    "stale_knowledge_days": STALE_AFTER_DAYS,
}
