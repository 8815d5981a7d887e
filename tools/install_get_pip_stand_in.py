#!/usr/bin/env python
"""Put the offline get-pip stand-in where ``ansible-test`` looks for its cached copy.

The pip version ansible-test bootstraps is hard-coded in its
``python_requirements.py`` (``default_packages = dict(pip='24.2')`` in 2.19); it
differs between ansible-core releases, so it is read from the ansible-test that is
installed in the interpreter running this script rather than written down here.
"""

from __future__ import annotations

import os
import re
import shutil
import sys

import ansible_test


def requested_pip_version() -> str:
    """Return the pip version the installed ansible-test bootstraps into its venvs."""
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        match = re.search(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", handle.read())
    if not match:
        raise SystemExit(f'cannot find the bootstrap pip version in {source}')
    return match.group(1)


def main() -> None:
    """Copy tools/get_pip_offline.py to ~/.ansible/test/cache/get_pip_<version>.py."""
    version = requested_pip_version()
    cache_path = os.path.expanduser(f'~/.ansible/test/cache/get_pip_{version.replace(".", "_")}.py')
    os.makedirs(os.path.dirname(cache_path), exist_ok=True)
    shutil.copyfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'get_pip_offline.py'), cache_path)
    print(f'ansible-test pip {version} bootstrap: {cache_path}')


if __name__ == '__main__':
    main()
    sys.exit(0)
