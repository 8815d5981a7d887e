# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Option rules: how a value is checked and how a broken rule is said, before any request is sent.

Every resource file states its rules as (pattern, description) pairs and reports all
broken rules of a run at once, each naming the option and the rule, so a user fixes a
playbook in one go.  This file is the lowest floor of the collection (it imports
nothing of Ansible and nothing of HTTP), so the resource files can use it without
standing on the module layer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaInputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError

# The IDs that become path segments (project_id, instance_id, datasource_id): option -> (pattern, rule).
PATH_ID_RULE = (re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'), '1-64 characters: letters, digits, "-" and "_", starting with a letter or digit')


def show_value(value: object, limit: int = 60) -> str:
    """A value quoted for an error message, shortened when long (then with its length, which a length rule is about)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return text[: limit - 4] + '...' + text[-1] + (' (%d characters)' % len(value) if isinstance(value, str) else '')


def check_rule(option: str, value: object, rule: tuple[re.Pattern[str], str]) -> str | None:
    """Return an error message for ``value`` of ``option`` under ``rule`` (pattern, description), or None when fine or unset."""
    if value is None:
        return None
    pattern, description = rule
    if not isinstance(value, str) or not pattern.fullmatch(value):  # fullmatch: "$" alone would accept a trailing newline
        return '%s must be %s; got %s' % (option, description, show_value(value))
    return None


def check_rules(params: Mapping[str, Any], rules: Mapping[str, tuple[re.Pattern[str], str]], prefix: str = '') -> list[str]:
    """The messages of every rule in ``rules`` ({option: rule}) that ``params`` breaks."""
    return [problem for problem in (check_rule(prefix + option, params.get(option), rule) for option, rule in rules.items()) if problem]


def raise_for_problems(problems: Iterable[str | None], what: str = 'Invalid options', key: str = 'invalid_options') -> None:
    """Raise one RomaInputError listing every problem (``key`` carries them as a list), or nothing when there are none."""
    problems = [problem for problem in problems if problem]
    if problems:
        raise RomaInputError('%s: %s.' % (what, '; '.join(problem.rstrip('.') for problem in problems)), **{key: problems})


def problems_of(error: RomaError) -> list[str]:
    """The single problems an earlier RomaInputError listed (or its message), to be reported together with others."""
    return error.details.get('invalid_options') or error.details.get('invalid_items') or [error.message]
