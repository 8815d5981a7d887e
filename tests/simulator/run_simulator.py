"""Start the bundled ROMA Connect + IAM simulator: ``python tests/simulator/run_simulator.py --port 0``.

Puts this directory on ``sys.path`` so the ``roma_sim`` package is found from any working directory.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from roma_sim.__main__ import main  # noqa: E402  pylint: disable=wrong-import-position

if __name__ == '__main__':
    sys.exit(main())
