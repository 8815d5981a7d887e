#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: iam_token
short_description: Log in to Huawei Cloud IAM once and return a token for later tasks
version_added: 0.1.0
description:
  - Exchanges O(user_name), O(password) and O(domain_name) for an IAM token scoped to a project
    (C(POST /v3/auth/tokens)).
  - Pass the token to the other modules of this collection through C(module_defaults) and
    C(group/hwcloud.roma.roma), so that a play logs in once instead of in every task.
  - Always uses the password login, whatever O(auth_token) or O(access_key) are set (for example by
    C(module_defaults)); the other connection options are accepted so the module can share group defaults.
  - The token is valid for 24 hours; a password change or a permission change invalidates it sooner.
author:
  - hwcloud.roma maintainers (@hwcloud)
extends_documentation_fragment:
  - hwcloud.roma.connection
  - hwcloud.roma.attributes
  - hwcloud.roma.attributes.info_module
options: {}
notes:
  - "Set C(no_log: true) on the task, or the token is printed with the task result (for example with C(-v)).
    Later tasks receive it as O(auth_token), which is never printed."
  - The token is scoped to O(project_id) when it is set, otherwise to the project named after O(region).
seealso:
  - module: hwcloud.roma.fdi_composite_task
"""

EXAMPLES = r"""
- name: Manage composite tasks with one IAM login per play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Log in to IAM (the token must not be printed)
      hwcloud.roma.iam_token:
        region: cn-north-4
        user_name: "{{ iam_user }}"
        password: "{{ iam_password }}"
        domain_name: "{{ iam_account }}"
      no_log: true
      register: roma_login

    - name: Use the token for every following ROMA Connect task
      module_defaults:
        group/hwcloud.roma.roma:
          region: cn-north-4
          project_id: "{{ roma_login.project_id }}"
          auth_token: "{{ roma_login.token }}"
      block:
        - name: Ensure the composite task exists
          hwcloud.roma.fdi_composite_task:
            instance_id: "{{ roma_instance_id }}"
            name: orders-to-warehouse
            operation_types: [INSERT, UPDATE, DELETE]

        - name: Read the instance's composite tasks
          hwcloud.roma.fdi_composite_task_info:
            instance_id: "{{ roma_instance_id }}"
          register: roma_tasks
"""

RETURN = r"""
token:
  description:
    - The IAM token (value of the C(X-Subject-Token) response header). Treat it like a password.
  returned: success
  type: str
  sample: MIIEhwYJKoZIhvcNAQcCoIIEeDCCBHQCAQExDTALBglghkgBZQMEAgEwggLXBgkqhkiG9w0BBwGgggLIBIICxHsidG9rZW4iOnsiZXhwaXJlc19hdCI6Ij...
expires_at:
  description: When the token expires (ISO 8601, UTC), as IAM reports it.
  returned: success
  type: str
  sample: '2026-11-30T09:05:22.701000Z'
project_id:
  description: ID of the project the token is scoped to; use it as O(project_id) for later tasks.
  returned: success
  type: str
  sample: 0123456789abcdef0123456789abcdef
status:
  description: HTTP status of the failed IAM call.
  returned: on API failure
  type: int
  sample: 401
error_code:
  description: Error code from IAM or its API gateway.
  returned: on API failure, when the service sent one
  type: str
error_msg:
  description: Error message from IAM.
  returned: on API failure
  type: str
  sample: The username or password is wrong.
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
  sample: /v3/auth/tokens
attempts:
  description: How many times the request was sent, when transient failures made the module retry it.
  returned: on failure after retries
  type: int
  sample: 4
"""

from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.module import RomaModule, build_client

PASSWORD_OPTIONS = ('user_name', 'password', 'domain_name')


def password_client(params) -> RomaClient:
    """A client that logs in with the password even when a token or AK/SK is also configured."""
    missing = [option for option in PASSWORD_OPTIONS if not params.get(option)]
    if missing:
        raise RomaInputError(
            'iam_token logs in with user_name, password and domain_name; missing: %s (or set HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME).' % ', '.join(missing)
        )
    password_only = dict(params, auth_token=None, access_key=None, secret_key=None, security_token=None)
    return build_client(password_only, needs_roma=False)


def login(module):
    """One IAM password login; returns the token with its expiry and project."""
    client = password_client(module.params)
    client.authenticate()
    auth = client.auth
    return {'changed': False, 'token': auth.token, 'expires_at': auth.expires_at, 'project_id': auth.project_id}


def main():
    module = RomaModule(argument_spec={}, supports_check_mode=True)
    module.run(login)


if __name__ == '__main__':
    main()
