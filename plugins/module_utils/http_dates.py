# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP dates (``Date``, ``Retry-After``), read once for the retry policy and the clock-skew advice."""

from __future__ import annotations

import email.utils
import time
from datetime import timezone


def seconds_from_now(http_date: str | None, now: float | None = None) -> float | None:
    """Seconds from ``now`` (this machine's clock) to an HTTP date; negative when it is past, None when unreadable."""
    if not http_date:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp() - (time.time() if now is None else now)
