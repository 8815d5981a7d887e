# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reusable attribute blocks (check mode, diff mode, action group)."""

from __future__ import annotations


class ModuleDocFragment:
    """Split by concern so a module states only what applies to it."""

    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/hwcloud.roma.roma) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - hwcloud.roma.roma
"""

    ACTIONS = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
    support: full
    details: Check mode sends only GET requests (and the IAM login, if a password is used).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: full
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
    support: full
    details: This action does not modify state.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: N/A
    details: This action does not modify state.
"""
