#!/usr/bin/env python
"""Offline stand-in for the ``get-pip.py`` that ``ansible-test --venv`` downloads.

ansible-test bootstraps pip into each of its virtual environments by running a
``get-pip`` script that it fetches from a host this network cannot reach.  ``make``
copies this file to ``~/.ansible/test/cache/get_pip_<version>.py`` so ansible-test
finds it in its cache and never downloads anything: we seed pip from the
interpreter's own ``ensurepip`` and let that pip install the exact packages
(``pip==X``) ansible-test asked for from the package index.

``--no-setuptools`` and ``--no-wheel`` are options of the real get-pip only; plain
``pip install`` does not know them, so they are dropped.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel'))


def main() -> int:
    """Seed pip with ensurepip, then install what ansible-test requested."""
    subprocess.run([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'], check=True, stdout=subprocess.DEVNULL)
    pip_args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    return subprocess.run([sys.executable, '-m', 'pip', 'install'] + pip_args, check=False).returncode


if __name__ == '__main__':
    sys.exit(main())
