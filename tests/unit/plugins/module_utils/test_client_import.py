# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""client.py imports requests without the modules it never uses (docs/performance.md), and stays correct when it cannot.

Each case runs in a fresh interpreter, as a module run does: in this test process requests is imported already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ansible_collections.hwcloud.roma.plugins.module_utils import client

# the directory that holds ansible_collections/, so that a fresh interpreter imports the same collection
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(client.__file__), *(['..'] * 5)))

PROBE = r"""
import json, sys, warnings
warnings.simplefilter('error')  # requests' "no character detection" warning must not escape
from ansible_collections.hwcloud.roma.plugins.module_utils import client
outcome = {'error': client.REQUESTS_IMPORT_ERROR is not None,
           'loaded': [name for name in client.UNUSED_BY_REQUESTS if sys.modules.get(name) is not None],
           'blocked': [name for name in client.UNUSED_BY_REQUESTS if name in sys.modules and sys.modules[name] is None]}
if not outcome['error']:
    outcome['session'] = type(client.requests.Session()).__name__
    outcome['fake'] = getattr(client.requests, 'FAKE', False)
print(json.dumps(outcome))
"""


def probe(extra_path=None):
    path = [extra_path] if extra_path else []
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path + [COLLECTIONS_ROOT] + sys.path))
    done = subprocess.run([sys.executable, '-c', PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_requests_comes_without_the_modules_the_client_never_uses():
    outcome = probe()
    assert outcome == {'error': False, 'loaded': [], 'blocked': [], 'session': 'Session', 'fake': False}


def test_they_stay_importable_afterwards():
    code = 'from ansible_collections.hwcloud.roma.plugins.module_utils import client\nimport charset_normalizer\nprint(charset_normalizer.__name__)'
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([COLLECTIONS_ROOT] + sys.path))
    assert subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, check=True).stdout.strip() == 'charset_normalizer'


def test_a_requests_that_needs_a_detector_is_imported_as_it_is(tmp_path):
    package = tmp_path / 'requests'
    package.mkdir()
    (package / '__init__.py').write_text(
        'import charset_normalizer  # no fallback, unlike requests itself\nfrom requests.sessions import Session\nFAKE = True\n'
    )
    (package / 'sessions.py').write_text('class Session:\n    pass\n')
    outcome = probe(str(tmp_path))
    assert outcome == {'error': False, 'loaded': ['charset_normalizer'], 'blocked': [], 'session': 'Session', 'fake': True}


def test_a_missing_requests_is_reported_as_missing(tmp_path):
    package = tmp_path / 'requests'
    package.mkdir()
    (package / '__init__.py').write_text('raise ImportError("No module named requests")\n')
    assert probe(str(tmp_path)) == {'error': True, 'loaded': [], 'blocked': []}
