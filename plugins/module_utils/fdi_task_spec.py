# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of a composite task, written once: the argument specs of fdi_composite_task and fdi_composite_tasks.

``fdi_composite_task`` takes the task options at the top level, ``fdi_composite_tasks``
as the suboptions of each ``config`` item; only their defaults differ (an item leaves
``auto_mapping`` and ``repulling_snapshot`` unset rather than false, and adds ``status``).
A unit test holds both modules' DOCUMENTATION to these specs, option by option.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

STATES = ('present', 'absent', 'started', 'stopped')
RESOURCE_STATES = ('merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered')
OPERATION_TYPE_CHOICES = ['INSERT', 'UPDATE', 'DELETE']
ITEM_STATUSES = ['running', 'stopped']
DEFAULT_WAIT_TIMEOUT = 300
DEFAULT_PARALLELISM = 8


def mapping_argument_spec() -> dict[str, dict[str, Any]]:
    """Suboptions of the ``mappings`` option."""
    column = dict(
        source=dict(type='str', required=True),
        target=dict(type='str'),
        source_type=dict(type='str'),
        source_length=dict(type='raw'),
        target_type=dict(type='str'),
        target_length=dict(type='raw'),
    )
    return dict(
        source_table=dict(type='str', required=True),
        target_table=dict(type='str'),
        columns=dict(type='list', elements='dict', options=column),
    )


def task_argument_spec(flag_default: bool | None = False) -> dict[str, dict[str, Any]]:
    """The options of one composite task; ``flag_default`` is the default of ``auto_mapping`` and ``repulling_snapshot``."""
    return dict(
        name=dict(type='str', aliases=['task_name']),
        task_id=dict(type='str'),
        task_type=dict(type='str', choices=['REALTIME', 'TIMING']),
        description=dict(type='str'),
        tag=dict(type='str', aliases=['task_tag']),
        operation_types=dict(type='list', elements='str', choices=OPERATION_TYPE_CHOICES),
        source_app_id=dict(type='str'),
        target_app_id=dict(type='str'),
        source_datasource_id=dict(type='str'),
        target_datasource_id=dict(type='str'),
        server_id=dict(type='raw'),  # a string; a YAML number is taken with a warning (0123 reads as octal 83)
        auto_mapping=dict(type='bool', default=flag_default),
        mappings=dict(type='list', elements='dict', options=mapping_argument_spec()),
        repulling_snapshot=dict(type='bool', default=flag_default),
    )


# The options that only say which task an item is, and those an item of fdi_composite_tasks carries.
IDENTITY_OPTIONS = ('task_id', 'name')
ITEM_OPTIONS = tuple(task_argument_spec()) + ('status',)


def wait_argument_spec() -> dict[str, dict[str, Any]]:
    return dict(
        wait=dict(type='bool', default=False),
        wait_timeout=dict(type='int', default=DEFAULT_WAIT_TIMEOUT),
    )


def single_task_argument_spec() -> dict[str, dict[str, Any]]:
    """fdi_composite_task: one task, its state, and what to do about its mappings and fixed fields."""
    spec = dict(instance_id=dict(type='str', required=True))
    spec.update(task_argument_spec(flag_default=False))
    spec.update(
        purge_mappings=dict(type='bool', default=False),
        recreate=dict(type='bool', default=False),
        state=dict(type='str', choices=list(STATES), default='present'),
    )
    spec.update(wait_argument_spec())
    return spec


def item_argument_spec() -> dict[str, dict[str, Any]]:
    """A ``config`` item of fdi_composite_tasks: the task options without defaults (unset is "don't care"), plus ``status``."""
    spec = task_argument_spec(flag_default=None)
    for option in ('auto_mapping', 'repulling_snapshot'):
        del spec[option]['default']
    spec['status'] = dict(type='str', choices=ITEM_STATUSES)
    return spec


def resource_argument_spec() -> dict[str, dict[str, Any]]:
    """fdi_composite_tasks: a list of tasks and the resource-module state that says what to do with them."""
    spec = dict(
        instance_id=dict(type='str', required=True),
        config=dict(type='list', elements='dict', options=item_argument_spec()),
        state=dict(type='str', choices=list(RESOURCE_STATES), default='merged'),
        scope_tag=dict(type='str'),
        recreate=dict(type='bool', default=False),
        parallelism=dict(type='int', default=DEFAULT_PARALLELISM),
    )
    spec.update(wait_argument_spec())
    return spec
