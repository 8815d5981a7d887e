# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules need no HTTP library beyond the standard library's (docs/performance.md), nor import one.

Each case runs in a fresh interpreter, as a module run does: this test process has imported much more.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ansible_collections.hwcloud.roma.plugins.module_utils import client

# the directory that holds ansible_collections/, so that a fresh interpreter imports the same collection
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(client.__file__), *(['..'] * 5)))
THIRD_PARTY_HTTP = ('requests', 'urllib3', 'certifi', 'charset_normalizer', 'chardet', 'idna', 'httpx', 'aiohttp')

PROBE = r"""
import json, sys
for name in sys.argv[1:]:
    sys.modules[name] = None  # "import name" raises ImportError: as on a host where it is not installed
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task, fdi_composite_tasks, fdi_datasource, iam_token
from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport
HttpTransport(verify=True).tls_context()
print(json.dumps(sorted(name for name in %r if sys.modules.get(name) is not None)))
""" % (THIRD_PARTY_HTTP,)


def probe(*blocked):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([COLLECTIONS_ROOT] + sys.path))
    done = subprocess.run([sys.executable, '-c', PROBE] + list(blocked), env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_no_third_party_http_library_is_imported():
    assert probe() == []


def test_the_modules_import_where_no_http_library_is_installed():
    assert probe(*THIRD_PARTY_HTTP) == []
