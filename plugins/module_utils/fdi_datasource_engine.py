# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine of fdi_datasource: a data source as code, its secrets write-only, and a rotation that keeps jobs running.

validate -> find -> plan -> (who uses it) -> apply -> test -> wait -> report, like the task engine:

- **plan** (:func:`plan_datasource`) is pure: create, update (the whole ``content``, since the API
  replaces it: the settings read back plus those the task gives, secrets only ever from the task),
  delete, or nothing; fixed fields that differ and secrets an update needs but the task does not
  give are refused before any write;
- **who uses it** (:func:`datasource_users`): the task list's data-source filters, two lists;
- **apply** goes through :func:`fdi_apply.apply_plans` when running tasks must be restarted: the
  update is the change the tasks are stopped for, so they are started again however it ends.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.concurrency import Deadline, describe_interruption
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import REDACTED, RomaError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_apply import SharedChange, apply_plans
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasource_spec import (
    REQUIRED_CONTENT,
    SECRET_AUTH_DETAIL_FIELDS,
    SECRET_CONTENT_FIELDS,
    content_problems,
    given_settings,
    secret_fields,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasources import RULES, FdiDatasourceApi, datasource_users, public_users
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_plan import PlanError, restart_plan
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_task_state import TaskApis
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import check_rules, raise_for_problems, show_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_apply import PlanResult
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_datasources import StoredDatasource
    from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule

DESCRIPTION_LENGTH = (4, 1024)
WAIT_TIMEOUT_RANGE = (1, 3600)


class WantedDatasource:
    """The data source the task describes.  None (and a connection field left out) means "don't care"."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.instance_id = params['instance_id']
        self.name = params.get('name')
        self.datasource_id = params.get('datasource_id')
        self.kind = params.get('type')
        self.app_id = params.get('app_id')
        self.description = params.get('description')
        self.settings = given_settings(params.get('connection'))
        self.always_send_secrets = params.get('update_password') == 'always'
        self.absent = params.get('state') == 'absent'

    @property
    def identity(self) -> str | None:
        return self.name or self.datasource_id

    @property
    def secrets(self) -> list[str]:
        return secret_fields(self.settings)


def validate_datasource(params: Mapping[str, Any]) -> WantedDatasource:
    """Every option value, before any request (the client is not even built); RomaInputError lists every problem."""
    problems = check_rules(params, dict((option, RULES[option]) for option in ('instance_id', 'datasource_id', 'name', 'app_id')))
    description = params.get('description')
    if description is not None and not DESCRIPTION_LENGTH[0] <= len(description) <= DESCRIPTION_LENGTH[1]:
        problems.append('description must be %d-%d characters; got %d' % (DESCRIPTION_LENGTH + (len(description),)))
    settings = given_settings(params.get('connection'))
    problems.extend(problem for problem in content_problems(params.get('type'), settings) if not problem.startswith('a '))
    if params.get('wait'):
        low, high = WAIT_TIMEOUT_RANGE
        if not low <= params['wait_timeout'] <= high:
            problems.append('wait_timeout must be %d-%d seconds; got %r' % (low, high, params['wait_timeout']))
    if params.get('state') == 'absent':
        extra = [option for option in ('connection', 'description', 'app_id') if params.get(option) is not None]
        if params.get('test_connection'):
            extra.append('test_connection')
        if extra:
            problems.append('with state absent only name or datasource_id say which data source to delete; remove %s' % ', '.join(extra))
    raise_for_problems(problems)
    return WantedDatasource(params)


# -- the plan -------------------------------------------------------------------------------------------------


class DatasourcePlan:
    """What to do: ``action`` (None, create, update, delete), the request ``body`` (secrets included: never returned), the
    views before and after (no secret), the fields that change and the secrets sent."""

    def __init__(
        self,
        action: str | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        changes: Iterable[str] = (),
        secrets_sent: Iterable[str] = (),
    ) -> None:
        self.action = action
        self.before = before
        self.after = after
        self.body = body
        self.changes = list(changes)
        self.secrets_sent = list(secrets_sent)

    @property
    def changed(self) -> bool:
        return self.action is not None


def _same(current: object, wanted: object) -> bool:
    if isinstance(wanted, bool) or isinstance(current, bool):
        return current == wanted
    if isinstance(wanted, int) or isinstance(current, int):
        return str(current) == str(wanted)
    return current == wanted


def _setting_changes(stored_settings: Mapping[str, Any], given: Mapping[str, Any]) -> list[str]:
    """The non-secret settings the task gives that differ from those read back (api_auth_detail field by field)."""
    changes = []
    for field, value in sorted(given.items()):
        if field in SECRET_CONTENT_FIELDS:
            continue
        if field == 'api_auth_detail':
            current = stored_settings.get(field) or {}
            changes.extend(
                'connection.api_auth_detail.%s' % key
                for key, item in sorted(value.items())
                if key not in SECRET_AUTH_DETAIL_FIELDS and not _same(current.get(key), item)
            )
        elif not _same(stored_settings.get(field), value):
            changes.append('connection.%s' % field)
    return changes


def _merged(stored_settings: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The content an update sends: what was read back (no secret), with what the task gives on top (its secrets included)."""
    merged = copy.deepcopy(stored_settings)
    for field, value in given.items():
        if field == 'api_auth_detail':
            merged[field] = dict(merged.get(field) or {}, **value)
        else:
            merged[field] = copy.deepcopy(value)
    return merged


def _view(
    name: str | None,
    kind: str | None,
    app_id: str | None,
    description: str | None,
    settings: Mapping[str, Any],
    base: Mapping[str, Any] | None = None,
    datasource_id: str | None = None,
) -> dict[str, Any]:
    """The data source as modules return it, for a plan: the settings without a secret."""
    view = dict(base or {})
    view.update(
        datasource_id=datasource_id if datasource_id is not None else view.get('datasource_id'),
        datasource_name=name,
        datasource_type=kind,
        app_id=app_id,
        description=description,
    )
    for field in ('app_name', 'create_time', 'update_time'):
        view.setdefault(field, None)
    content = dict((key, value) for key, value in settings.items() if key not in SECRET_CONTENT_FIELDS)
    if isinstance(content.get('api_auth_detail'), dict):
        content['api_auth_detail'] = dict((key, value) for key, value in content['api_auth_detail'].items() if key not in SECRET_AUTH_DETAIL_FIELDS)
    view['content'] = content
    return view


def needed_secrets(kind: str | None, settings: Mapping[str, Any], stored: StoredDatasource | None = None) -> list[str]:
    """The secret fields a request with these settings must carry: those the type needs, and those the data source has
    (``api_auth_detail.<name>`` for a secret of api_auth_detail)."""
    rules = REQUIRED_CONTENT.get(kind) or {}
    needed = set(field for field in rules.get(None, rules.get(settings.get('mode') or 'default', ())) if field in SECRET_CONTENT_FIELDS)
    needed.update(stored.secrets_set if stored is not None else ())
    auth_detail = settings.get('api_auth_detail') or {}
    return sorted(
        field for field in needed if (field[len('api_auth_detail.') :] not in auth_detail if field.startswith('api_auth_detail.') else field not in settings)
    )


def plan_datasource(wanted: WantedDatasource, stored: StoredDatasource | None) -> DatasourcePlan:
    """What makes ``stored`` (a StoredDatasource or None) what ``wanted`` says; pure; PlanError for what cannot be done."""
    if stored is not None and wanted.name and wanted.datasource_id and stored.view['datasource_name'] != wanted.name:
        raise PlanError(
            'Data source %s is named %r, not %r: with datasource_id and name both set, they must name the same data source. '
            'Nothing was changed.' % (stored.datasource_id, stored.view['datasource_name'], wanted.name)
        )
    if wanted.absent:
        return DatasourcePlan('delete', before=stored.view, body=None) if stored is not None else DatasourcePlan(None)
    if stored is None:
        return _create_plan(wanted)
    view = stored.view
    conflicts = [
        (option, view[field], value)
        for option, field, value in (('type', 'datasource_type', wanted.kind), ('app_id', 'app_id', wanted.app_id))
        if value is not None and (view[field] or '').upper() != value.upper()
    ]
    if conflicts:
        raise PlanError(
            'Cannot change data source %r (%s): %s. These fields are fixed once a data source is created, and this module '
            'never deletes a data source that tasks may use to create it again. Nothing was changed.'
            % (
                view['datasource_name'],
                stored.datasource_id,
                '; '.join('%s is %s but %s was requested' % (option, show_value(old), show_value(new)) for option, old, new in conflicts),
            ),
            conflicts=dict((option, {'current': old, 'wanted': new}) for option, old, new in conflicts),
        )
    changes = _setting_changes(stored.settings, wanted.settings)
    description = view.get('description') or None
    if wanted.description is not None and wanted.description != (description or ''):
        changes.insert(0, 'description')
        description = wanted.description
    resent = ['connection.%s' % field for field in wanted.secrets] if wanted.always_send_secrets else []
    if not changes and not resent:
        return DatasourcePlan(None, before=view, after=view)
    merged = _merged(stored.settings, wanted.settings)
    missing_secrets = needed_secrets(view['datasource_type'], merged, stored)
    problems = [
        'connection.%s is needed: an update replaces every connection setting, and ROMA Connect does not return a secret to keep '
        '(give it, for example from Ansible Vault)' % field
        for field in missing_secrets
    ]
    named = dict(merged, **dict((field, '<given>') for field in missing_secrets))  # each missing secret named once, above
    problems.extend(problem for problem in content_problems(view['datasource_type'], named) if problem.startswith('a '))
    raise_for_problems(problems, 'Data source %r cannot be updated, nothing was changed' % view['datasource_name'])
    body = _body(view['datasource_name'], view['datasource_type'], view['app_id'], description, merged)
    after = _view(view['datasource_name'], view['datasource_type'], view['app_id'], description, merged, base=view)
    return DatasourcePlan('update', before=view, after=after, body=body, changes=changes + resent, secrets_sent=secret_fields(merged))


def _create_plan(wanted: WantedDatasource) -> DatasourcePlan:
    if wanted.datasource_id:
        raise PlanError(
            'Data source %s does not exist, and ROMA Connect chooses the ID of a new data source: to create it, leave '
            'datasource_id out and say which data source it is by name. Nothing was sent.' % wanted.datasource_id
        )
    missing = [
        option for option, value in (('name', wanted.name), ('type', wanted.kind), ('app_id', wanted.app_id), ('connection', wanted.settings)) if not value
    ]
    if missing:
        raise PlanError('Data source %s does not exist; to create it, set %s.' % (wanted.identity, ' and '.join(missing)))
    raise_for_problems(
        [problem for problem in content_problems(wanted.kind, wanted.settings) if problem.startswith('a ')],
        'Data source %r cannot be created, nothing was sent' % wanted.name,
    )
    body = _body(wanted.name, wanted.kind, wanted.app_id, wanted.description, wanted.settings)
    after = _view(wanted.name, wanted.kind, wanted.app_id, wanted.description, wanted.settings, datasource_id=wanted.datasource_id)
    return DatasourcePlan('create', after=after, body=body, changes=['created'], secrets_sent=wanted.secrets)


def _body(name: str | None, kind: str | None, app_id: str | None, description: str | None, settings: Mapping[str, Any]) -> dict[str, Any]:
    body = {'datasource_name': name, 'datasource_type': kind, 'app_id': app_id, 'content': copy.deepcopy(settings)}
    if description:
        body['description'] = description
    return body


# -- the run ----------------------------------------------------------------------------------------------------


def ensure_datasource(module: RomaModule) -> dict[str, Any]:
    params = module.params
    wanted = validate_datasource(params)
    client = module.client
    api = FdiDatasourceApi(client, wanted.instance_id, secret_sink=module.no_log_values.add)
    stored = api.get_stored(wanted.datasource_id) if wanted.datasource_id else api.find_stored(wanted.name)
    plan = plan_datasource(wanted, stored)
    result = {'changed': plan.changed}
    running = []
    if plan.action in ('update', 'delete'):
        tasks = FdiTaskApi(client, wanted.instance_id)
        users = datasource_users(tasks, stored.datasource_id)
        result['used_by'] = public_users(users)
        if plan.action == 'delete' and users:
            raise RomaError(
                'Data source %r (%s) is used by %s: delete or change those tasks first. Nothing was deleted.'
                % (stored.view['datasource_name'], stored.datasource_id, _describe_users(users)),
                used_by=result['used_by'],
            )
        running = _running_composite(users, tasks)
        if running and not params['restart_tasks']:
            module.warn(
                'Data source %r is used by running tasks that keep its old settings until they are restarted: %s. Set '
                'restart_tasks: true to stop and start them with the update.' % (stored.view['datasource_name'], _describe_users(running))
            )
    if module._diff:
        result['diff'] = {
            'before': plan.before or {},
            'after': _diff_after(plan),
            'before_header': 'data source %s' % wanted.identity,
            'after_header': 'data source %s' % wanted.identity,
        }
    test_body = None
    if params['test_connection']:
        test_body = (
            plan.body
            if plan.body is not None
            else _body(
                stored.view['datasource_name'],
                stored.view['datasource_type'],
                stored.view['app_id'],
                stored.view.get('description'),
                _merged(stored.settings, wanted.settings),
            )
        )
        missing = needed_secrets(test_body['datasource_type'], test_body['content'], stored)
        if missing:
            raise_for_problems(
                ['test_connection needs connection.%s: the test sends every setting, and ROMA Connect does not return a secret' % field for field in missing]
            )
    if module.check_mode:
        result['datasource'] = plan.after if plan.after is not None else {}  # absent: {} as a real run returns
        if running and params['restart_tasks']:
            result['restarted_tasks'] = [user['task_id'] for user in running]
        return result
    deadline = Deadline(params['wait_timeout'], sleep=client.retry_policy.sleep) if params['wait'] else None  # the run's one deadline
    restarted, restarted_tasks, started_at_ms = _apply(module, wanted, plan, api, stored, running, result, deadline)
    if test_body is not None and result.get('datasource'):
        outcome = api.test_connection(result['datasource']['datasource_id'], test_body)
        refusal = outcome.pop('error', None)
        result['connection_test'] = outcome
        if not outcome['result']:
            api_details = {}
            if refusal is not None:  # ROMA Connect's code, status and request ID, as for any API failure
                api_details = dict((key, value) for key, value in refusal.details.items() if key != 'attempts')
            raise RomaError(
                'The connection test of data source %r failed: %s%s. The data source itself was %s.'
                % (
                    result['datasource']['datasource_name'],
                    '%s ' % refusal.error_code if refusal is not None else '',
                    outcome['message'].rstrip('.'),
                    {'create': 'created', 'update': 'updated'}.get(plan.action, 'saved as it was'),
                ),
                **dict(api_details, **result),
            )
    if params['wait'] and restarted:
        _wait(module, wanted, restarted, restarted_tasks, result, deadline, started_at_ms)
    return result


def _diff_after(plan: DatasourcePlan) -> dict[str, Any]:
    if plan.action == 'delete':
        return {}
    after = copy.deepcopy(plan.after or {})
    if after and plan.secrets_sent:
        after['content'] = dict(after.get('content') or {}, **dict((field, REDACTED) for field in plan.secrets_sent if '.' not in field))
    return after


def _describe_users(users: Iterable[Mapping[str, Any]]) -> str:
    return ', '.join('%s %r (%s, %s)' % ('task', user['task_name'], user['task_id'], user['role']) for user in users)


def _apply(
    module: RomaModule,
    wanted: WantedDatasource,
    plan: DatasourcePlan,
    api: FdiDatasourceApi,
    stored: StoredDatasource | None,
    running: list[dict[str, Any]],
    result: dict[str, Any],
    deadline: Deadline | None,
) -> tuple[list[str | None], list[dict[str, Any]], int | None]:
    """Send the plan; returns (the task IDs stopped and started again, the tasks they are, when the starts were asked for)."""
    if plan.action == 'create':
        result['datasource'] = api.create_datasource(plan.body).view
        return [], [], None
    if plan.action == 'delete':
        api.delete_datasource(stored.datasource_id)
        result['datasource'] = {}
        return [], [], None
    if plan.action is None:
        result['datasource'] = stored.view if stored is not None else {}
        return [], [], None
    if not (running and module.params['restart_tasks']):
        updated = api.update_datasource(stored.datasource_id, plan.body)
        if updated is None:
            raise RomaError(
                'Data source %r (%s) was deleted by someone else while this run was updating it.' % (stored.view['datasource_name'], stored.datasource_id)
            )
        result['datasource'] = updated.view
        return [], [], None
    return _rotate(module, wanted, plan, api, stored, running, result, deadline)


def _running_composite(users: Iterable[dict[str, Any]], tasks_api: FdiTaskApi) -> list[dict[str, Any]]:
    """The users that are running composite tasks, each once (a task may use one data source at both ends)."""
    running, seen = [], set()
    for user in users:
        if user['status'] != 'running' or user['task_id'] in seen:
            continue
        if tasks_api.establish_kind(user['_listed']).composite:
            seen.add(user['task_id'])
            running.append(user)
    return running


def _rotate(
    module: RomaModule,
    wanted: WantedDatasource,
    plan: DatasourcePlan,
    api: FdiDatasourceApi,
    stored: StoredDatasource,
    running: list[dict[str, Any]],
    result: dict[str, Any],
    deadline: Deadline | None,
) -> tuple[list[str | None], list[dict[str, Any]], int]:
    """Stop exactly the running tasks that use the data source, update it, start exactly those: the one stop/change/start rule."""
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import now_ms

    tasks_api = FdiTaskApi(module.client, wanted.instance_id)
    updated = {}

    def update() -> None:
        stored_now = api.update_datasource(stored.datasource_id, plan.body)
        if stored_now is None:
            raise RomaError(
                'Data source %r (%s) was deleted by someone else while this run was updating it.' % (stored.view['datasource_name'], stored.datasource_id)
            )
        updated['datasource'] = stored_now

    started_at_ms = now_ms()  # before the start requests: monitor records older than this are of the runs before
    change = SharedChange(update)
    tasks = [dict(user['_listed'].task) for user in running]
    results = apply_plans(TaskApis(tasks_api), [restart_plan(task) for task in tasks], parallelism=8, deadline=deadline, change=change)
    restarted = [outcome.task_id for outcome in results if outcome.plan.actions[-1] in outcome.done or outcome.restarted]
    result['restarted_tasks'] = restarted
    result['datasource'] = updated['datasource'].view if 'datasource' in updated else stored.view
    failed = [outcome for outcome in results if outcome.error is not None]
    interruption = next((outcome.interrupted for outcome in results if outcome.interrupted is not None), None)
    if interruption is not None:
        raise RomaError(
            'Interrupted by %s. The data source %s; the tasks stopped for it were started again: %s.'
            % (describe_interruption(interruption), 'was updated' if change.sent else 'was not updated', ', '.join(restarted) or 'none'),
            **dict(result, changed=change.sent or bool(restarted)),
        )
    left_stopped = [outcome for outcome in failed if outcome.restarted is False]  # stopped for the update, their start refused
    advice = _start_advice(left_stopped)
    if change.withheld:
        not_stopped = [outcome for outcome in failed if outcome.restarted is not True and outcome not in left_stopped]
        raise RomaError(
            'ROMA Connect could not stop %s: %s. The data source was not changed, since a task that uses it may still run; '
            '%s.%s Run again once the tasks can be stopped.'
            % (_describe_outcomes(not_stopped or failed), _reasons(not_stopped or failed), _restarted_words(restarted), advice),
            **dict(result, changed=bool(restarted), failed_tasks=[outcome.task_id for outcome in failed]),
        )
    if change.error is not None:
        raise RomaError(
            '%s. The data source was not changed; %s.%s' % (change.error.message.rstrip('.'), _restarted_words(restarted), advice),
            **dict(
                change.error.details, **dict(result, changed=bool(restarted), **({'failed_tasks': [outcome.task_id for outcome in failed]} if failed else {}))
            ),
        )
    if failed:
        others = [outcome for outcome in failed if outcome not in left_stopped]
        words = []
        if left_stopped:
            words.append('ROMA Connect could not start %s again: %s.%s' % (_describe_outcomes(left_stopped), _reasons(left_stopped), advice))
        if others:
            words.append('%s.' % '; '.join(outcome.error.message.rstrip('.') for outcome in others))
        raise RomaError(
            'Data source %r was updated, but %s' % (stored.view['datasource_name'], ' '.join(words)),
            **dict(result, failed_tasks=[outcome.task_id for outcome in failed]),
        )
    return restarted, tasks, started_at_ms


def _describe_outcomes(outcomes: Iterable[PlanResult]) -> str:
    return ', '.join('%r (task_id %s)' % (outcome.task()['task_name'], outcome.task_id) for outcome in outcomes)


def _reasons(outcomes: Iterable[PlanResult]) -> str:
    """Each failure's reason once (a batch refused as a whole gives every task of it the same one)."""
    reasons = []
    for outcome in outcomes:
        reason = (outcome.cause.message if outcome.cause is not None else outcome.error.message).rstrip('.')
        if reason not in reasons:
            reasons.append(reason)
    return '; '.join(reasons)


def _restarted_words(restarted: list[str | None]) -> str:
    if not restarted:
        return 'no task had been stopped for it'
    return 'the %d tasks stopped for the update were started again: %s' % (len(restarted), ', '.join(restarted))


def _start_advice(left_stopped: list[PlanResult]) -> str:
    """What to do about the tasks a rotation stopped and could not start again (a re-run of fdi_datasource does not: they no
    longer run, so they are not among the tasks it restarts)."""
    if not left_stopped:
        return ''
    return (
        ' These tasks are stopped now: start them with hwcloud.roma.fdi_composite_task (state: started) or '
        'hwcloud.roma.fdi_composite_tasks (status: running), as running this data source task again does not start tasks '
        'that do not run.'
    )


def _wait(
    module: RomaModule,
    wanted: WantedDatasource,
    restarted: list[str | None],
    tasks: list[dict[str, Any]],
    result: dict[str, Any],
    deadline: Deadline | None,
    started_at_ms: int | None,
) -> None:
    """Wait until every restarted task runs again (its monitor says RUNNING), within what is left of the run's deadline."""
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_monitor import FdiMonitorApi

    waiting = [task for task in tasks if task['task_id'] in restarted]
    outcomes = FdiMonitorApi(module.client, wanted.instance_id).wait_for_many(waiting, 'running', deadline, started_at_ms=started_at_ms)
    result['monitors'] = dict((outcome.task_id, outcome.monitor) for outcome in outcomes)
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    if failed:
        raise RomaError(
            'The data source was updated and its tasks restarted, but not every task runs again: %s. Those tasks still count '
            'as running: correct the settings (the password the database accepts, for example) and run again with '
            'restart_tasks: true, which restarts them with the correction.' % '; '.join(outcome.error.message.rstrip('.') for outcome in failed),
            **result,
        )
