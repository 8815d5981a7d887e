# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() the way Ansible does (arguments in, one JSON document out) and parse what it printed."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import CONNECTION, INSTANCE_ID


class ModuleRunner:
    """Calls ``main`` with the options given (token auth and the test instance by default) and returns the parsed result.

    ``output`` keeps the raw JSON the module printed, for checks on everything it returned.
    """

    def __init__(self, capsys, main):
        self.capsys = capsys
        self.main = main
        self.output = None

    def __call__(self, args, check_mode=False, diff=False, connection=None, instance_id=INSTANCE_ID):
        module_args = dict(CONNECTION if connection is None else connection)
        if instance_id is not None:
            module_args['instance_id'] = instance_id
        module_args.update(args)
        module_args.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
        for name in ('_global_warnings', '_global_deprecations'):  # one module run per process in Ansible: none left from a test before
            getattr(ansible_warnings, name, {}).clear()
        with patch_module_args(module_args):
            with pytest.raises(SystemExit) as caught:
                self.main()
        self.output = self.capsys.readouterr().out
        result = json.loads(self.output)
        assert (caught.value.code == 0) is not result.get('failed', False), self.output
        return result


def warning_texts(result):
    """The module's warnings as text: ansible-core 2.19 and later return each as a structured summary, older ones as a string."""
    texts = []
    for warning in result.get('warnings') or []:
        if isinstance(warning, dict):
            warning = (warning.get('event') or {}).get('msg', warning.get('msg'))
        texts.append(warning)
    return texts
