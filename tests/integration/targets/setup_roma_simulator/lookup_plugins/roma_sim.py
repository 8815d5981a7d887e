# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator's control API (``/_sim/...``) from the controller, for the integration targets.

``ansible.builtin.uri`` would do the same, but as a module: a process of its own per call, about a third of a
CPU-second each, and the targets make hundreds of these calls (two for each step whose requests they assert on).
A lookup runs inside ansible-playbook.  The modules under test are untouched by this: they talk to the simulator's
ROMA Connect and IAM routes over HTTP as always; this is only how a test reads the request log or sets up faults.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: roma_sim
short_description: Call the ROMA simulator's control API (tests only)
description:
  - Sends one request to the simulator's C(/_sim/...) control API and returns the JSON document it answers.
options:
  _terms:
    description: The control path, such as C(/_sim/requests).
    required: true
  method:
    description: HTTP method.
    default: GET
  body:
    description: A JSON-serialisable request body.
  url:
    description: The simulator's URL; the variable C(roma_sim_url) by default.
  status_code:
    description: The HTTP statuses that count as success.
    type: list
    default: [200]
"""

import json
import ssl
import urllib.error
import urllib.request

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        url = self.get_option('url') or (variables or {}).get('roma_sim_url')
        if not url:
            raise AnsibleError('roma_sim: no simulator URL (set roma_sim_url or url=...)')
        method = self.get_option('method')
        body = self.get_option('body')
        wanted = [int(code) for code in self.get_option('status_code')]
        answers = []
        for path in terms:
            data = None if body is None else json.dumps(body).encode('utf-8')
            request = urllib.request.Request(url.rstrip('/') + path, data=data, method=method, headers={'Content-Type': 'application/json'})
            context = ssl._create_unverified_context()  # the simulator's test certificate; never the real service
            try:
                with urllib.request.urlopen(request, timeout=60, context=context) as response:
                    status, text = response.status, response.read().decode('utf-8')
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode('utf-8', 'replace')
            except OSError as error:
                raise AnsibleError('roma_sim: %s %s: %s' % (method, path, error)) from error
            if status not in wanted:
                raise AnsibleError('roma_sim: %s %s answered %s: %s' % (method, path, status, text[:2000]))
            answers.append(json.loads(text) if text else None)
        return answers
