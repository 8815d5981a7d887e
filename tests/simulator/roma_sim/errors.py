"""FDI business errors and the query-parameter checks every FDI route shares.

FDI errors are answered as exactly ``{"error_code", "error_msg"}`` (no ``request_id``);
an invalid parameter is ``400 FDI.3033 Invalid parameter [<name>].``, a missing required
one ``400 FDI.3002 Invalid parameters.``.
"""

from __future__ import annotations

NOT_FOUND_CODE = 'FDI.3021'


class FdiError(Exception):
    """An FDI business error, answered as ``{"error_code", "error_msg"}`` with ``status``."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def invalid(field):
    return FdiError('FDI.3033', 'Invalid parameter [%s].' % field)


def invalid_parameters():
    return FdiError('FDI.3002', 'Invalid parameters.')


def task_missing():
    """An unknown task or mapping; the server turns it into 404 FDI.3081 when the ``not_found`` switch says so."""
    return FdiError(NOT_FOUND_CODE, 'One or more tasks do not exist.')


def task_running():
    return FdiError('FDI.3023', 'One or more tasks are running.')


def mapping_mismatch():
    return FdiError('FDI.3037', 'The parameter in mapping information is invalid or does not match the task.')


def int_query(query, name, default):
    raw = query.get(name)
    if raw in (None, ''):
        return default
    try:
        return int(raw)
    except ValueError:
        raise invalid(name)


def choice_query(query, name, choices):
    raw = query.get(name)
    if raw in (None, ''):
        return None
    if raw not in choices:
        raise invalid(name)
    return raw


def page_bounds(query, max_limit, default_limit=10):
    """(offset, limit) of a list query: a record offset (negative becomes 0), limit >= 1 clamped to ``max_limit``."""
    offset = max(int_query(query, 'offset', 0), 0)
    limit = int_query(query, 'limit', default_limit)
    if limit < 1:
        raise invalid('limit')
    return offset, min(limit, max_limit)


def monitor_page_bounds(query, max_limit, default_limit=10):
    """(record offset, limit) of the monitor lists, whose ``offset`` is a 1-based record index.

    The SDK says "the query starts from this offset, offset >= 1" and the API reference adds
    "offset starts from 1; 0 behaves like 1": ``offset=1`` (the default) is the first record,
    ``offset=11`` the eleventh; 0 and below are 1.
    """
    offset = max(int_query(query, 'offset', 1), 1)
    limit = int_query(query, 'limit', default_limit)
    if limit < 1:
        raise invalid('limit')
    return offset - 1, min(limit, max_limit)
