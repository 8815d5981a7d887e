# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The task options are written once (fdi_task_spec): both task modules' DOCUMENTATION must say the same, option by option."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.hwcloud.roma.plugins.module_utils import fdi_task_spec
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task, fdi_composite_tasks

KEYS = ('type', 'choices', 'aliases', 'elements', 'no_log', 'default', 'required')


def documented(module):
    return yaml.safe_load(module.DOCUMENTATION)['options']


def differences(spec, doc, where):
    """Every way the argument spec ``spec`` and the documented options ``doc`` disagree, recursively."""
    problems = ['%s%s: in the argument spec, not documented' % (where, name) for name in sorted(set(spec) - set(doc))]
    problems += ['%s%s: documented, not in the argument spec' % (where, name) for name in sorted(set(doc) - set(spec))]
    for name in sorted(set(spec) & set(doc)):
        wanted, said = spec[name], doc[name]
        for key in KEYS:
            value, text = wanted.get(key), said.get(key)
            if key == 'type':
                value, text = value or 'str', text or 'str'
            if key in ('no_log', 'required'):
                value, text = bool(value), bool(text)
            if value != text:
                problems.append('%s%s.%s: argument spec %r, documentation %r' % (where, name, key, value, text))
        if wanted.get('options') or said.get('suboptions'):
            problems += differences(wanted.get('options') or {}, said.get('suboptions') or {}, '%s%s.' % (where, name))
    return problems


def test_fdi_composite_task_documents_its_argument_spec():
    assert differences(fdi_task_spec.single_task_argument_spec(), documented(fdi_composite_task), '') == []


def test_fdi_composite_tasks_documents_its_argument_spec():
    assert differences(fdi_task_spec.resource_argument_spec(), documented(fdi_composite_tasks), '') == []


@pytest.mark.parametrize('option', sorted(fdi_task_spec.task_argument_spec()))
def test_each_task_option_is_the_same_in_both_modules(option):
    """A config item of fdi_composite_tasks is the task of fdi_composite_task: same type, choices, aliases and suboptions."""
    single, item = documented(fdi_composite_task)[option], documented(fdi_composite_tasks)['config']['suboptions'][option]
    for key in ('type', 'choices', 'aliases', 'elements'):
        assert single.get(key) == item.get(key), key
    spec = fdi_task_spec.task_argument_spec()[option].get('options') or {}
    assert differences(spec, single.get('suboptions') or {}, option + '.') == []
    assert differences(spec, item.get('suboptions') or {}, option + '.') == []


def test_only_the_defaults_differ_between_the_task_and_an_item():
    task, item = fdi_task_spec.task_argument_spec(flag_default=False), fdi_task_spec.item_argument_spec()
    for name in task:
        assert dict(task[name], default=None) == dict(item[name], default=None)
    assert set(item) - set(task) == {'status'}
