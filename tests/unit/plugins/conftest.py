# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures shared by the module_utils and module tests: the scripted network, no sleeping, a clean environment."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils import client as client_module
from ansible_collections.hwcloud.roma.plugins.module_utils import errors as errors_module
from ansible_collections.hwcloud.roma.plugins.module_utils import fdi_plan
from ansible_collections.hwcloud.roma.plugins.module_utils.module import CREDENTIAL_ENVIRONMENT, connection_argument_spec
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import FakeHttp
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import GENERATED_TASK_ID

CONNECTION_ENV_VARS = sorted(
    set(name for option in connection_argument_spec().values() for name in (option.get('fallback') or (None, []))[1])
    | set(name for names in CREDENTIAL_ENVIRONMENT.values() for name in names)
)
# the transport reads these (the CA bundle, proxies); tests must not depend on the machine's settings
TRANSPORT_ENV_VARS = ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'] + [
    name for scheme in ('http', 'https', 'all', 'no') for name in (scheme + '_proxy', scheme.upper() + '_PROXY')
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # pylint: disable=unused-argument
    """Remember each phase's report on the test item, so fixtures can tell whether the test body failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, 'report_' + report.when, report)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """A test that sends a request without scripting it through the ``http`` fixture fails instead of reaching the network."""

    def refuse(transport, method, url, body=None, headers=None):  # pylint: disable=unused-argument
        raise AssertionError('%s %s sent by a test that does not use the http fixture' % (method, url))

    monkeypatch.setattr(client_module.HttpTransport, 'request', refuse)


@pytest.fixture
def http(request, monkeypatch, no_network):  # pylint: disable=unused-argument,redefined-outer-name
    """The network: script it with ``http.expect(Call(...), ...)``; every request must match, in order.

    After the test, every scripted request must have been sent (checked only when the
    test body passed, so a failure is reported once).
    """
    fake = FakeHttp()

    def send(transport, method, url, body=None, headers=None):
        return fake(transport, method, url, body, headers)

    monkeypatch.setattr(client_module.HttpTransport, 'request', send)
    yield fake
    body = getattr(request.node, 'report_call', None)
    if body is None or body.passed:
        fake.verify_done()


@pytest.fixture(autouse=True)
def sleeps(monkeypatch):
    """Every RetryPolicy built during a test records its waits here instead of sleeping; jitter is fixed at 0.5."""
    slept = []
    original_init = client_module.RetryPolicy.__init__

    def init(self, *args, **kwargs):
        kwargs.setdefault('sleep', slept.append)
        kwargs.setdefault('jitter', lambda: 0.5)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(client_module.RetryPolicy, '__init__', init)
    return slept


@pytest.fixture(autouse=True)
def no_known_secrets(monkeypatch):
    """Every test starts with an empty registry of credential values to mask (errors.register_secret)."""
    monkeypatch.setattr(errors_module, '_KNOWN_SECRETS', set())


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No connection option or requests setting may come from the environment of the machine running the tests."""
    for name in CONNECTION_ENV_VARS + TRANSPORT_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def generated_task_id(monkeypatch):
    """A create without task_id sends an ID derived from the instance and the name: known values here, so scripts can name them.

    The first name gets GENERATED_TASK_ID; another name gets a distinct one after it (its last digits counting up); the same
    name always gets the same ID, as with the real derivation (so a check-mode run foretells the real run's ID).
    """
    known = {}

    def generate(*instance_and_name):
        if instance_and_name not in known:
            number = len(known) + 1
            known[instance_and_name] = GENERATED_TASK_ID if number == 1 else GENERATED_TASK_ID[:-4] + '%04d' % number
        return known[instance_and_name]

    monkeypatch.setattr(fdi_plan, 'new_task_id', generate)
    return GENERATED_TASK_ID
