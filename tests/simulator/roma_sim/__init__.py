"""A local stand-in for Huawei Cloud ROMA Connect (FDI composite tasks) and IAM, for the hwcloud.roma tests.

Standard library only at run time (``cryptography`` only for ``--https``).  Start it with
``python tests/simulator/run_simulator.py --port 0``; see tests/simulator/README.md and docs/api.md.
"""

from __future__ import annotations
