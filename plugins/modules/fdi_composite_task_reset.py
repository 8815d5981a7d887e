#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fdi_composite_task_reset
short_description: Replay a ROMA Connect composite task's source from a point in time
version_added: 0.3.0
description:
  - Makes a composite task read its source again from O(position_time) (C(POST .../multi-tasks/{task_id}/reset)), for example
    after the target was restored from a backup, or to repair a gap in the replicated data.
  - An action, not a desired state. A run that resets the task always reports C(changed=true). Check mode sends no write and
    returns the requests a real run would send (RV(commands)).
  - ROMA Connect resets only a stopped task. A running task is stopped, read until it reports stopped, reset, and started
    again (O(restart=true), the default). It is started again also when the reset fails, and when the run is interrupted
    (Ctrl-C, or SIGTERM); an AWX cancel kills C(ansible-playbook)'s process group, not the module, which finishes the
    replay. A stopped task is reset and stays stopped.
  - Only composite tasks are reset. An ordinary FDI task is refused, whether it is named by O(task_id) or by O(name).
author:
  - hwcloud.roma maintainers (@hwcloud)
extends_documentation_fragment:
  - hwcloud.roma.connection
  - hwcloud.roma.attributes
  - hwcloud.roma.attributes.actions
options:
  instance_id:
    description:
      - ID of the ROMA Connect instance that holds the task.
    type: str
    required: true
  task_id:
    description:
      - ID of the composite task. When set, it identifies the task.
    type: str
  name:
    description:
      - Exact name of the composite task; identifies it when O(task_id) is not set.
      - With O(task_id) as well, it must be that task's name (a mismatch fails and nothing is reset).
    type: str
    aliases: [task_name]
  position_time:
    description:
      - Where the task resumes reading its source, either an ISO 8601 date-time with its time zone (V(2026-11-30T02:00:00+08:00),
        V(2026-11-29T18:00:00Z); fractions of a second are kept to the millisecond), or epoch milliseconds (V(1795975200000)).
      - A date-time without a zone is refused, because it would mean a different instant on each controller. A time in the
        future is refused, and so is a number that looks like epoch B(seconds) (before 1973 as milliseconds).
      - Required. A reset without a start point is not documented by ROMA Connect, so it is never sent.
    type: raw
    required: true
  restart:
    description:
      - V(true) stops a running task, resets it and starts it again. V(false) refuses to reset a running task (the module fails
        with advice and changes nothing). A stopped task stays stopped either way.
    type: bool
    default: true
  wait:
    description:
      - After starting a running task again, wait until its sync job runs (its monitor reports V(RUNNING)), as
        M(hwcloud.roma.fdi_composite_task) does with O(hwcloud.roma.fdi_composite_task#module:wait).
    type: bool
    default: false
  wait_timeout:
    description:
      - How long O(wait) waits, in seconds, 1 to 3600, the confirmation that the task stopped included.
    type: int
    default: 300
notes:
  - The reset replays the source's changes from O(position_time); what the target holds from that moment on is written again.
    Make sure the source still has its change log (for example the MySQL binlog) back to that time.
seealso:
  - module: hwcloud.roma.fdi_composite_task
  - module: hwcloud.roma.fdi_composite_task_info
"""

EXAMPLES = r"""
- name: Replay the orders source from 02:00 Beijing time after the warehouse was restored
  hwcloud.roma.fdi_composite_task_reset:
    region: cn-north-4
    project_id: "{{ roma_project_id }}"
    instance_id: "{{ roma_instance_id }}"
    name: orders-to-warehouse
    position_time: "2026-11-30T02:00:00+08:00"
    wait: true
  register: replay

- name: Show where the task resumes
  ansible.builtin.debug:
    msg: "Reset to {{ replay.reset_to.iso }}; restarted: {{ replay.restarted }}"

- name: Reset a stopped task by its ID to an instant given in epoch milliseconds (a job template survey's integer field)
  hwcloud.roma.fdi_composite_task_reset:
    region: cn-north-4
    project_id: "{{ roma_project_id }}"
    instance_id: "{{ roma_instance_id }}"
    task_id: "{{ roma_task_id }}"
    position_time: 1795975200000
    restart: false
"""

RETURN = r"""
task:
  description:
    - The task after the reset, as M(hwcloud.roma.fdi_composite_task) returns it (read with the show API, so with its description
      and operation types). With O(wait), C(task.monitor) is what its monitor reported.
  returned: when the task was found
  type: dict
  sample: {"task_id": "9d2a8c8e5b0f4a7e9a0c6f3d1b2e4c5a", "task_name": "orders-to-warehouse", "status": "running"}
reset_to:
  description: The position sent.
  returned: when the position is valid
  type: dict
  contains:
    epoch_ms:
      description: Epoch milliseconds, UTC (the API's C(date_from)).
      type: int
      sample: 1795975200000
    iso:
      description: The same instant in ISO 8601, UTC, with milliseconds.
      type: str
      sample: "2026-11-29T18:00:00.000Z"
restarted:
  description: Whether a running task was stopped for the reset and started again (in check mode, whether it would be).
  returned: when the task was found
  type: bool
  sample: true
reset:
  description: Whether the reset itself went through, when the module failed after or around it.
  returned: on failure after the task was found
  type: bool
  sample: false
commands:
  description: The write requests sent, or in check mode those a real run would send, each C(method), C(path) and C(body).
  returned: when the task was found
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/v2/0123456789abcdef0123456789abcdef/fdi/instances/demo-instance/multi-tasks/9d2a/reset",
            "body": {"date_from": 1795975200000}}]
done:
  description: The write steps that succeeded before a step failed (for example V([stop])).
  returned: when a step failed
  type: list
  elements: str
invalid_options:
  description: One message per invalid option (each names the option and the rule); nothing was sent.
  returned: when options are invalid
  type: list
  elements: str
  sample: ["position_time '2026-11-30T02:00:00' has no time zone: it would mean a different instant on each controller. ..."]
status:
  description: HTTP status of the failed API call.
  returned: on API failure
  type: int
  sample: 400
error_code:
  description: Error code from ROMA Connect, its API gateway or IAM.
  returned: on API failure, when the service sent one
  type: str
  sample: FDI.3023
error_msg:
  description: Error message from the service.
  returned: on API failure
  type: str
  sample: One or more tasks are running.
request_id:
  description: C(X-Request-Id) of the failed call, for Huawei Cloud support.
  returned: on API failure, when the service sent one
  type: str
  sample: 5f2c1e0d9a8b47c6b5a4d3c2e1f00123
method:
  description: HTTP method of the request that failed.
  returned: on API or connection failure
  type: str
  sample: POST
path:
  description: Path of the request that failed, without the query string.
  returned: on API or connection failure
  type: str
  sample: /v2/0123456789abcdef0123456789abcdef/fdi/instances/demo-instance/multi-tasks/9d2a/reset
attempts:
  description: How many times the request was sent, when transient failures made the module retry it.
  returned: on failure after retries
  type: int
  sample: 4
"""

from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_reset import reset_task
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule


def main():
    module = RomaModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            task_id=dict(type='str'),
            name=dict(type='str', aliases=['task_name']),
            position_time=dict(type='raw', required=True),
            restart=dict(type='bool', default=True),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=300),
        ),
        required_one_of=[('name', 'task_id')],
        supports_check_mode=True,
    )
    module.run(reset_task)


if __name__ == '__main__':
    main()
