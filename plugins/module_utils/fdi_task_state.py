# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The facts of a run: which tasks it is about, what they are now, and how a task is shown.

Finding tasks costs the least when it is done one way for one task and another for
many: one task is shown by its ID (one request) or looked up by its exact name (the
list API's name filter); many tasks are matched against one list of the instance
(every page).  Either way each item ends up as a :class:`Current`, read further only
as far as its plan needs (:func:`fdi_plan.reads_needed`), and only composite tasks are
ever acted on: their kind comes from the list entity's ``ext_type`` or, when that is
empty, from one composite-only read (:meth:`FdiTaskApi.establish_kind`).

The views at the end are the two shapes of a task the modules return: the ``task``
return value (the API's field names) and the config item (the option names), which is
also what the diffs and ``gathered`` show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import FIXED_SOURCE_FIELDS, reads_needed
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import not_composite_error

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import FdiMappingApi
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import Desired
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_start_stop import FdiStartStopApi
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi, ListedTask

ALL_TASKS = '*'  # scope_tag for every composite task of the instance


class TaskApis:
    """The APIs a run reads and writes tasks with, for one instance: tasks, mappings, start/stop.

    The mapping and start/stop APIs are made on first use, so a run that needs neither (a
    no-op or a plain create) does not import them.
    """

    def __init__(self, tasks: FdiTaskApi, mappings: FdiMappingApi | None = None, start_stop: FdiStartStopApi | None = None) -> None:
        self.tasks = tasks
        self._mappings = mappings
        self._start_stop = start_stop

    @property
    def mappings(self) -> FdiMappingApi:
        if self._mappings is None:
            from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import FdiMappingApi

            self._mappings = FdiMappingApi(self.tasks.client, self.tasks.instance_id)
        return self._mappings

    @property
    def start_stop(self) -> FdiStartStopApi:
        if self._start_stop is None:
            from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_start_stop import FdiStartStopApi

            self._start_stop = FdiStartStopApi(self.tasks)
        return self._start_stop


class Current:
    """What is known of one task: its list entry (if it was listed), and its details and mappings when they were read.

    ``kind_known`` is False for a task that was only shown by its ID (the show API does not
    say whether a task is composite): the kind is then established before any write.
    """

    def __init__(self, listed: ListedTask | None = None, task: dict[str, Any] | None = None, detailed: bool = False, kind_known: bool = True) -> None:
        self.listed = listed
        self.task = dict(listed.task) if listed is not None else task
        self.detailed = detailed
        self.kind_known = kind_known
        self.mappings = None
        self.error = None

    def read(self, apis: TaskApis, desired: Desired | None = None) -> Current:
        """The reads ``desired`` needs (the plan core's rule): the details first, then the mappings if they turn out needed.

        Without ``desired`` (gathered), everything.  A task that a read finds gone (the show or
        the mapping list answers "not found") is absent from then on, whichever read found it.
        """
        try:
            detail, mappings = reads_needed(desired, self.task, self.detailed) if desired else (not self.detailed, True)
            if detail and self.task is not None and not self.detailed:
                self.task = apis.tasks.add_detail(self.task)
                self.detailed = True
                if desired:
                    detail, mappings = reads_needed(desired, self.task, detailed=True)  # e.g. a recreate needs the old mappings
            if mappings and self.task is not None:
                self.mappings = apis.mappings.list_mappings(self.task['task_id'])
                if self.mappings is None:
                    self.task = None  # deleted meanwhile
        except RomaError as error:
            self.error = error
        return self

    def full(self) -> dict[str, Any] | None:
        """The task with what its mapping list told (mappings and data sources), for views."""
        if self.task is None or self.mappings is None:
            return self.task
        task = dict(self.task, mappings=self.mappings.mappings)
        for field in FIXED_SOURCE_FIELDS:
            if not task.get(field) and getattr(self.mappings, field):
                task[field] = getattr(self.mappings, field)
        return task


def find_one(apis: TaskApis, desired: Desired) -> Current:
    """The task one item names: shown by ``task_id`` (one request, kind established later, before any write), or found by name."""
    if desired.task_id:
        return Current(task=apis.tasks.get_task(desired.task_id), detailed=True, kind_known=False)
    listed = apis.tasks.find_listed(name=desired.name)
    return Current(listed) if listed is not None else Current()


def confirm_composite(apis: TaskApis, current: Current) -> None:
    """Before a write to a task found by its ID: the list entity (``task_id`` filter) says whether it is composite.

    Refuses an ordinary task (a RomaError naming it), as a lookup by name does.
    """
    if current.kind_known or current.task is None:
        return
    listed = apis.tasks.find_listed(task_id=current.task['task_id'])  # raises for an ordinary task
    if listed is None:
        raise RomaError('Task %s was shown but is not listed by ROMA Connect (deleted meanwhile?): nothing was changed; run again.' % current.task['task_id'])
    current.kind_known = True


def in_scope(listed: ListedTask, scope_tag: str | None) -> bool:
    """Whether a listed composite task is one ``scope_tag`` covers (never one without an ID)."""
    return listed.composite is True and bool(listed.task_id) and (scope_tag == ALL_TASKS or listed.task.get('task_tag') == scope_tag)


def refuse_ordinary(listed: ListedTask, instance_id: str) -> str:
    """The problem for an item that names an ordinary task, in the words of the one-task lookup."""
    return not_composite_error(listed.task, instance_id).message


# -- views ------------------------------------------------------------------------------------------------

# option name -> task field, in the order a config item lists them
CONFIG_FIELDS = (
    ('name', 'task_name'),
    ('task_id', 'task_id'),
    ('task_type', 'task_type'),
    ('description', 'description'),
    ('tag', 'task_tag'),
    ('operation_types', 'operation_types'),
    ('source_app_id', 'source_app_id'),
    ('target_app_id', 'target_app_id'),
    ('source_datasource_id', 'source_datasource_id'),
    ('target_datasource_id', 'target_datasource_id'),
    ('server_id', 'server_id'),
)


def config_item(task: Mapping[str, Any] | None, with_mappings: bool = True, for_diff: bool = False) -> dict[str, Any]:
    """A task as a ``config`` item (option names), leaving out every field that is not known (or could not be fed back).

    ``for_diff`` writes each column as one line that names both tables ("orders.id -> orders.id"):
    a diff shows a changed line with three lines around it, and sorts keys, so a column written
    as a dict could never show which table it belongs to.
    """
    if not task:
        return {}
    item = {}
    for option, field in CONFIG_FIELDS:
        value = task.get(field)
        if value not in (None, '', []):
            item[option] = list(value) if isinstance(value, list) else value
    mappings = task.get('mappings')
    if with_mappings and mappings is not None and (for_diff or (item.get('source_datasource_id') and item.get('target_datasource_id'))):
        item['mappings'] = [mapping_item(mapping, for_diff) for mapping in sorted(mappings, key=_pair)]
    if task.get('status') in ('running', 'stopped'):
        item['status'] = task['status']
    return item


def _pair(mapping: Mapping[str, Any]) -> tuple[str, str]:
    return (mapping['source_table'], mapping['target_table'])


def mapping_item(mapping: Mapping[str, Any], for_diff: bool = False) -> dict[str, Any]:
    item = {'source_table': mapping['source_table'], 'target_table': mapping['target_table']}
    columns = [
        dict((key, value) for key, value in column.items() if value is not None)
        for column in sorted(mapping.get('columns') or [], key=lambda column: (column.get('target') or '', column.get('source') or ''))
    ]
    if columns:
        item['columns'] = [_column_line(mapping, column) for column in columns] if for_diff else columns
    return item


def _column_line(mapping: Mapping[str, Any], column: Mapping[str, Any]) -> str:
    def side(which: str) -> str:
        details = '/'.join(str(column[key]) for key in (which + '_type', which + '_length') if column.get(key) is not None)
        return '%s.%s%s' % (mapping[which + '_table'], column.get(which), ' (%s)' % details if details else '')

    return '%s -> %s' % (side('source'), side('target'))


def task_result(task: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``task`` return value: the task dict, its mappings (when read) in their documented shape, ordered by pair."""
    if not task:
        return {}
    result = dict((key, value) for key, value in task.items() if key != 'mappings')
    if task.get('mappings') is not None:
        from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import mapping_view  # only a run that read mappings

        result['mappings'] = [mapping_view(mapping) for mapping in sorted(task['mappings'], key=_pair)]
    return result


def task_diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, name: str | None, with_mappings: bool = True) -> dict[str, Any]:
    """The diff of one task: ``{before, after, before_header, after_header}``, config-shaped.

    A recreate is two entries, a delete and a create, so that nobody mistakes it for an update.
    """
    header = 'composite task %s' % name
    before_view = config_item(before, with_mappings, for_diff=True)
    after_view = config_item(after, with_mappings, for_diff=True)
    return {'before': before_view, 'after': after_view, 'before_header': header, 'after_header': header}


def recreate_diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, name: str | None, with_mappings: bool = True) -> list[dict[str, Any]]:
    header = 'composite task %s' % name
    return [
        {
            'before': config_item(before, with_mappings, for_diff=True),
            'after': {},
            'before_header': header + ' (deleted: recreate)',
            'after_header': header + ' (deleted: recreate)',
        },
        {
            'before': {},
            'after': config_item(after, with_mappings, for_diff=True),
            'before_header': header + ' (created: recreate)',
            'after_header': header + ' (created: recreate)',
        },
    ]
