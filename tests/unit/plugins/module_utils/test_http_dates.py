# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP dates as the retry policy (Retry-After) and the clock-skew advice (Date) read them."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.http_dates import seconds_from_now


@pytest.mark.parametrize(
    'date, seconds',
    [
        (None, None),
        ('', None),
        ('garbage', None),
        ('Thu, 01 Jan 1970 01:00:00 GMT', 3600.0),
        ('Thu, 01 Jan 1970 01:00:00', 3600.0),  # no zone: HTTP dates are UTC
        ('Thu, 01 Jan 1970 00:00:00 GMT', -7200.0),
    ],
)
def test_seconds_from_now(date, seconds):
    now = 0 if date != 'Thu, 01 Jan 1970 00:00:00 GMT' else 7200
    assert seconds_from_now(date, now=now) == seconds
