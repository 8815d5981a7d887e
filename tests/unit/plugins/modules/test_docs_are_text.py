# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every description line of every module is text.

A plain YAML line such as ``- Secret: C(no_log), never returned.`` is a mapping, not a sentence: ansible-doc shows it
mangled and antsibull-docs refuses the collection.  This finds it in a second instead of at the docs stage of
``make test``.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import yaml

from ansible_collections.hwcloud.roma.plugins import modules

MODULES = sorted(info.name for info in pkgutil.iter_modules(modules.__path__))


def not_text(node, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'description' and not isinstance(value, dict):  # a dict: an option or return value named so
                for line in value if isinstance(value, list) else [value]:
                    if not isinstance(line, str):
                        yield '%s: %r' % (where, line)
            yield from not_text(value, '%s.%s' % (where, key))
    elif isinstance(node, list):
        for item in node:
            yield from not_text(item, where)


@pytest.mark.parametrize('name', MODULES)
def test_every_description_line_is_text(name):
    module = importlib.import_module('%s.%s' % (modules.__name__, name))
    problems = []
    for block in ('DOCUMENTATION', 'RETURN'):
        problems += not_text(yaml.safe_load(getattr(module, block)), block)
    assert not problems, '\n'.join(problems)
