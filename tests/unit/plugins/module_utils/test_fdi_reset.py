# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""position_time: ISO 8601 with a zone or epoch milliseconds, to the millisecond; what is ambiguous or impossible is refused."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_reset import iso_ms, parse_position_time

NOW = 1_800_000_000_000  # 2027-01-15T08:00:00Z: every instant below is before it
BEIJING_2AM = 1795975200000  # 2026-11-30T02:00:00+08:00 == 2026-11-29T18:00:00Z


def utc_ms(*parts, **kwargs):
    return int(datetime(*parts, tzinfo=timezone.utc, **kwargs).timestamp() * 1000)


@pytest.mark.parametrize(
    'value, expected',
    [
        ('2026-11-30T02:00:00+08:00', BEIJING_2AM),
        ('2026-11-29T18:00:00Z', BEIJING_2AM),
        ('2026-11-29T18:00:00z', BEIJING_2AM),
        ('2026-11-29 18:00:00+00:00', BEIJING_2AM),  # a space for the T, as many tools print it
        ('2026-11-30T02:00+08:00', BEIJING_2AM),  # no seconds
        ('2026-11-30T02:00:00+0800', BEIJING_2AM),  # offset without a colon
        ('2026-11-30T02:00:00+08', BEIJING_2AM),  # hours only
        ('2026-11-29T12:00:00-06:00', BEIJING_2AM),
        ('2026-11-29T18:00:00.123Z', BEIJING_2AM + 123),
        ('2026-11-29T18:00:00,5Z', BEIJING_2AM + 500),
        ('2026-11-29T18:00:00.123999999Z', BEIJING_2AM + 123),  # finer than a millisecond is cut, not rounded up into the future
        (BEIJING_2AM, BEIJING_2AM),
        (str(BEIJING_2AM), BEIJING_2AM),
        (' %d ' % BEIJING_2AM, BEIJING_2AM),
    ],
)
def test_accepted_forms(value, expected):
    assert parse_position_time(value, NOW) == (expected, None)


@pytest.mark.parametrize(
    'before, after, seconds_apart',
    [
        # Europe/Berlin springs forward on 2026-03-29 at 02:00 CET (+01:00) to 03:00 CEST (+02:00): with their offsets, one second apart
        ('2026-03-29T01:59:59+01:00', '2026-03-29T03:00:00+02:00', 1),
        # and falls back on 2026-10-25: 02:30 happens twice, told apart only by the offset
        ('2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00', 3600),
        # New York, 2026-03-08 02:00 EST (-05:00) -> 03:00 EDT (-04:00)
        ('2026-03-08T01:59:59-05:00', '2026-03-08T03:00:00-04:00', 1),
    ],
)
def test_daylight_saving_edges_follow_the_offset_given(before, after, seconds_apart):
    first, second = parse_position_time(before, NOW)[0], parse_position_time(after, NOW)[0]
    assert second - first == seconds_apart * 1000


def test_an_offset_is_the_instant_in_utc():
    assert parse_position_time('2026-03-29T03:00:00+02:00', NOW)[0] == utc_ms(2026, 3, 29, 1)


@pytest.mark.parametrize(
    'value, rule',
    [
        (
            '2026-11-30T02:00:00',
            "position_time '2026-11-30T02:00:00' has no time zone: it would mean a different instant on each controller. "
            'Add one, for example 2026-11-30T02:00:00+08:00 or 2026-11-30T02:00:00Z',
        ),
        ('2026-11-30', "position_time '2026-11-30' has no time zone"),
        ('2026-11-30T02:00:00.5', 'has no time zone'),
        ('2027-06-01T00:00:00Z', 'position_time 2027-06-01T00:00:00.000Z is in the future (now is 2027-01-15T08:00:00.000Z)'),
        (NOW + 1, 'is in the future'),
        (1795975200, 'position_time 1795975200 is before 1973 as epoch milliseconds, so it looks like seconds: give milliseconds (1795975200000)'),
        ('0', "position_time must be after 1970-01-01T00:00:00Z; got '0'"),
        (-5000, 'position_time must be after 1970-01-01T00:00:00Z; got -5000'),
        ('\u00b2', 'must be an ISO 8601 date-time with a zone'),  # isdigit() says yes, int() says no
        ('2026-11-30T02:00:0\u0663Z', 'must be an ISO 8601 date-time with a zone'),  # an Arabic-Indic digit
        ('2026-02-30T00:00:00Z', "position_time '2026-02-30T00:00:00Z' is not a date and time that exists"),
        ('2026-11-30T25:00:00Z', 'is not a date and time that exists'),
        ('2026-11-30T02:00:00+25:00', 'is not a date and time that exists'),
        ('yesterday', 'position_time must be an ISO 8601 date-time with a zone, such as 2026-11-30T02:00:00+08:00'),
        ('2026-11-30T02:00:00 Europe/Berlin', 'must be an ISO 8601 date-time with a zone'),
        ('-1795975200000', 'must be an ISO 8601 date-time with a zone'),
        (True, 'position_time must be an ISO 8601 date-time with a zone or epoch milliseconds; got True'),
        (None, 'got None'),
        (1.5, 'must be an ISO 8601'),
    ],
)
def test_refused_before_any_request_naming_the_rule(value, rule):
    epoch_ms, problem = parse_position_time(value, NOW)
    assert epoch_ms is None and rule in problem


def test_iso_ms():
    assert iso_ms(BEIJING_2AM) == '2026-11-29T18:00:00.000Z'
    assert iso_ms(BEIJING_2AM + 7) == '2026-11-29T18:00:00.007Z'


def test_now_is_not_the_future():
    assert parse_position_time(NOW, NOW) == (NOW, None)
