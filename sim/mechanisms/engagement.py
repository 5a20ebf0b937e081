"""Engagement: the share of an organization's members that take part in a pair's clashes.

A war that grows: when a pair goes to war only a share e0 (engagement_initial) of each
side's members in a plaza fights the other; the share rises towards 1 with the side's
relative grievance against the other (its deaths at the other's hands as shares of its own
members, decaying with grievance_half_life_days), and falls back towards e0 as that
grievance decays when the pair stops killing. docs/model.md, "Engagement".
"""

from __future__ import annotations

from numba import njit

from ..codes import P_ENGAGEMENT_HALF_SHARE, P_ENGAGEMENT_INITIAL


@njit(cache=True, inline="always")
def engaging(prm):
    """Whether engagement is on (engagement_initial below 1)."""
    return prm[P_ENGAGEMENT_INITIAL] < 1.0


@njit(cache=True, inline="always")
def engagement(prm, share):
    """e = e0 + (1 - e0) R / (R + R_half): R the relative grievance ``share``, e0
    engagement_initial, R_half engagement_half_share (R_half = 0: e = 1 once R > 0)."""
    e0 = prm[P_ENGAGEMENT_INITIAL]
    if share <= 0.0:
        return e0
    return e0 + (1.0 - e0) * share / (share + prm[P_ENGAGEMENT_HALF_SHARE])
