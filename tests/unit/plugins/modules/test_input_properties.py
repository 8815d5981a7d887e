# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property-based tests of every user input: each invalid value is refused before any request, naming its option;
each valid one is accepted.

What is valid is written here from the interface (docs/ and the modules' DOCUMENTATION), independently of the
collection's own patterns, and hypothesis looks for a value on which the two disagree.  Values are drawn from
all of Unicode and from near-misses of valid ones (one character off, a length at a bound, a trailing newline).
"""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ansible_collections.hwcloud.roma.plugins.module_utils.client import HttpTransport, Response
from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaInputError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import validate_task_options
from ansible_collections.hwcloud.roma.plugins.module_utils.module import build_client, resolve_endpoints
from ansible_collections.hwcloud.roma.plugins.modules import fdi_composite_task, fdi_composite_task_info
from ansible_collections.hwcloud.roma.tests.unit.plugins.module_runner import ModuleRunner
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import CONNECTION, PROJECT_ID, TOKEN

# derandomize: the same examples on every run, so that CI never fails on a value that a previous run did not try
# (larger randomized runs were made when these tests were written; raise max_examples and drop it to explore).
PURE = settings(max_examples=200, deadline=None, derandomize=True)
# module runs share the function-scoped capsys/monkeypatch fixtures across examples: that is intended here
MODULE_RUNS = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])

ALNUM = string.ascii_letters + string.digits


# -- the rules, from the interface -----------------------------------------------------------------------------


def spec_name(value):
    """3-100 characters; letters, digits, ".", "_", "-"; starts with a letter or digit."""
    return 3 <= len(value) <= 100 and value[0] in ALNUM and all(char in ALNUM + '._-' for char in value)


def spec_task_id(value):
    """3-50 characters; letters, digits, "_", "-" (no "." : the API refuses it); starts with a letter or digit."""
    return 3 <= len(value) <= 50 and value[0] in ALNUM and all(char in ALNUM + '_-' for char in value)


def spec_tag(value):
    """4-64 characters; letters, digits, "-", "_"."""
    return 4 <= len(value) <= 64 and all(char in ALNUM + '_-' for char in value)


def spec_app_id(value):
    """1-64 characters; letters, digits, ".", "_", "-"."""
    return 1 <= len(value) <= 64 and all(char in ALNUM + '._-' for char in value)


def spec_instance_id(value):
    """1-64 characters; letters, digits, "_", "-"; starts with a letter or digit (it is a URL path segment)."""
    return 1 <= len(value) <= 64 and value[0] in ALNUM and all(char in ALNUM + '_-' for char in value)


def spec_description(value):
    """Up to 1024 characters, anything ("" clears it)."""
    return len(value) <= 1024


def spec_region(value):
    """A region ID such as cn-north-4: lower-case ASCII letters and digits in groups joined by single "-"."""
    groups = value.split('-')
    return 0 < len(value) <= 64 and all(group and all(char in string.ascii_lowercase + string.digits for char in group) for group in groups)


SPECS = {
    'name': spec_name,
    'task_id': spec_task_id,
    'tag': spec_tag,
    'source_app_id': spec_app_id,
    'target_app_id': spec_app_id,
    'instance_id': spec_instance_id,
    'project_id': spec_instance_id,
    'description': spec_description,
}


def near_misses(alphabet, min_size, max_size, first=None):
    """Valid-looking strings around a rule: right alphabet with lengths one past each bound, a bad character
    somewhere, a bad first character, or a trailing newline."""
    body = st.text(alphabet=alphabet, min_size=max(0, min_size - 1), max_size=max_size + 1)
    bad_char = st.sampled_from(' \t\n/\\?#%@:;,+*&$!"\'<>~`^|=()[]{}é中\x00\u200b.')
    return st.one_of(
        body,
        st.builds(lambda text, char, index: text[:index] + char + text[index:], body, bad_char, st.integers(0, max_size)),
        st.builds(lambda text: text + '\n', body),
        st.builds(lambda char, text: char + text, st.sampled_from('._- ' if first is None else first), body),
    )


def candidates(option):
    """Every kind of value for an option: all of Unicode, and near misses of its rule."""
    if option == 'name':
        near = near_misses(ALNUM + '._-', 3, 100)
    elif option == 'task_id':
        near = near_misses(ALNUM + '._-', 3, 50)
    elif option == 'tag':
        near = near_misses(ALNUM + '_-', 4, 64, first='.é ')
    elif option in ('source_app_id', 'target_app_id'):
        near = near_misses(ALNUM + '._-', 1, 64, first=' é/')
    elif option in ('instance_id', 'project_id'):
        near = near_misses(ALNUM + '_-', 1, 64)
    else:  # description
        near = st.text(min_size=1000, max_size=1030)
    return st.one_of(st.text(max_size=120), near)


# -- options of the task: validate_task_options ------------------------------------------------------------------


def check_one(option, value):
    """Validate one option; return (accepted, message).  project_id is a connection option, checked once where the client is built."""
    try:
        if option == 'project_id':
            build_client(dict(region='cn-north-4', auth_token=TOKEN, project_id=value))
        else:
            validate_task_options({option: value})
    except RomaInputError as error:
        return False, error.message
    return True, None


@pytest.mark.parametrize('option', sorted(SPECS))
@PURE
@given(data=st.data())
def test_each_task_option_follows_its_rule(option, data):
    value = data.draw(candidates(option), label=option)
    accepted, message = check_one(option, value)
    assert accepted == SPECS[option](value), (option, value, message)
    if not accepted:
        assert message.startswith('Invalid options: %s must be ' % option), message
        assert '\n' not in message


@PURE
@given(st.lists(st.sampled_from(['INSERT', 'UPDATE', 'DELETE']), min_size=0, max_size=5))
def test_operation_types_are_one_to_three_distinct_items(operation_types):
    accepted, message = check_one('operation_types', operation_types)
    assert accepted == (1 <= len(operation_types) <= 3 and len(set(operation_types)) == len(operation_types)), message
    if not accepted:
        assert message.startswith('Invalid options: operation_types must ')


# -- connection options: build_client / resolve_endpoints ---------------------------------------------------------


def connection(**overrides):
    values = dict(region='cn-north-4', project_id=PROJECT_ID, auth_token=TOKEN, validate_certs=True, timeout=30.0, retries=3)
    values.update(overrides)
    return values


def builds(**overrides):
    try:
        build_client(connection(**overrides))
    except RomaInputError as error:
        return False, error.message
    return True, None


@PURE
@given(st.one_of(st.floats(), st.integers(-10, 10**6).map(float)))
@example(float('inf'))
@example(float('nan'))
@example(1e300)
@example(86400.0)
@example(86400.5)
def test_timeout_is_a_positive_finite_number_of_seconds(timeout):
    accepted, message = builds(timeout=timeout)
    assert accepted == (math.isfinite(timeout) and 0 < timeout <= 86400), (timeout, message)
    if not accepted:
        assert 'timeout must be a number of seconds' in message


@PURE
@given(st.integers(-1000, 1000))
def test_retries_are_between_0_and_10(retries):
    accepted, message = builds(retries=retries)
    assert accepted == (0 <= retries <= 10), message
    if not accepted:
        assert 'retries must be between 0 and 10; got %d' % retries in message


@PURE
@given(st.one_of(st.text(max_size=70), near_misses(string.ascii_lowercase + string.digits + '-', 1, 64, first='-A ')))
@example('cn-north-4')
@example('cn--north-4')
@example('cn-north-4-')
@example('cn-nörth-4')
def test_region_is_a_region_id(region):
    accepted, message = builds(region=region)
    assert accepted == spec_region(region), (region, message)
    if not accepted:
        assert message.startswith('region must be a region ID such as cn-north-4')


# endpoint and iam_endpoint: valid base URLs are built from their parts; invalid ones are valid ones with one fault.
LABEL = st.from_regex(r'[A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?', fullmatch=True)
DNS_NAME = st.lists(LABEL, min_size=1, max_size=4).map('.'.join)
IPV4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda parts: '.'.join(map(str, parts)))
IPV6 = st.sampled_from(['[::1]', '[fe80::1]', '[2001:db8::8a2e:370:7334]'])
HOST = st.one_of(DNS_NAME, IPV4, IPV6)
PORT = st.one_of(st.just(''), st.integers(1, 65535).map(lambda port: ':%d' % port))
PATH_SEGMENT = st.text(alphabet=ALNUM + "-._~!$&'()*+,;=:@", min_size=1, max_size=10)
PATH = st.one_of(st.just(''), st.just('/'), st.lists(PATH_SEGMENT, min_size=1, max_size=3).map(lambda parts: '/' + '/'.join(parts)))
VALID_URL = st.builds(
    lambda scheme, host, port, path: '%s://%s%s%s' % (scheme, host, port, path), st.sampled_from(['http', 'https', 'HTTPS']), HOST, PORT, PATH
)


def _insert(url, text, where):
    return url[:where] + text + url[where:]


BROKEN_URL = st.one_of(
    st.builds(lambda url, scheme: scheme + url.split(':', 1)[1], VALID_URL, st.sampled_from(['ftp:', 'file:', 'htp:', '', 'http:/'])),
    st.builds(lambda url: url.replace('://', '://user:pa55@', 1), VALID_URL),
    st.builds(lambda url, tail: url + tail, VALID_URL, st.sampled_from(['?debug=1', '#top', '?', '#'])),
    st.builds(_insert, VALID_URL, st.sampled_from([' ', '\t', '\n', '\r', '\x00', 'é']), st.integers(0, 60)),
    st.builds(
        lambda scheme, host, port: '%s://%s:%s' % (scheme, host, port),
        st.sampled_from(['http', 'https']),
        DNS_NAME,
        st.sampled_from(['0', '65536', '99999', 'port', '-1', '８０']),
    ),
    st.builds(lambda scheme, path: '%s://%s' % (scheme, path), st.sampled_from(['http', 'https']), PATH),
    st.builds(lambda scheme, host: '%s://-%s' % (scheme, host), st.sampled_from(['http', 'https']), DNS_NAME),
    st.builds(lambda url: url.split('://', 1)[1], VALID_URL),
)


def resolves(option, value):
    try:
        return resolve_endpoints({'region': 'cn-north-4', option: value}, needs_iam=True), None
    except RomaInputError as error:
        return None, error.message


@pytest.mark.parametrize('option', ['endpoint', 'iam_endpoint'])
@PURE
@given(url=VALID_URL)
def test_valid_base_urls_are_accepted_without_a_trailing_slash(option, url):
    endpoints, message = resolves(option, url)
    assert message is None, message
    assert endpoints[0 if option == 'endpoint' else 1] == url.rstrip('/')


@pytest.mark.parametrize('option', ['endpoint', 'iam_endpoint'])
@PURE
@given(url=BROKEN_URL)
@example(url='https://')
@example(url='https:///v3')
@example(url='https://[::1')
@example(url='https://[not-ipv6]:80')
@example(url='https://roma.example.com:')
def test_broken_base_urls_are_refused_naming_the_option(option, url):
    if url == 'https://roma.example.com:':  # an empty port means the default one (RFC 3986)
        assert resolves(option, url)[1] is None
        return
    endpoints, message = resolves(option, url)
    assert endpoints is None, url
    assert message.startswith(option + ' '), message
    assert '\n' not in message


@pytest.mark.parametrize('option', ['endpoint', 'iam_endpoint'])
@PURE
@given(url=st.text(max_size=80))
def test_any_text_is_either_a_base_url_or_refused(option, url):
    endpoints, message = resolves(option, url)
    if endpoints is None:
        assert message.startswith(option + ' ')
    else:
        resolved = endpoints[0 if option == 'endpoint' else 1]
        assert resolved.lower().startswith(('http://', 'https://')) and resolved.isascii() and not any(char in resolved for char in ' \t\n?#@')


# -- through the modules: refused before any request, or accepted ----------------------------------------------------
# ansible-core itself refuses values with a NUL character before a module runs (it cannot log them to syslog), so the
# module-level properties leave NUL out; the rules above are checked with it.


def no_nul(value):
    return '\x00' not in (value if isinstance(value, str) else ''.join(map(str, value)))


INVALID_FOR_THE_MODULE = st.one_of(
    st.tuples(st.just('name'), candidates('name').filter(lambda value: not spec_name(value))),
    st.tuples(st.just('task_id'), candidates('task_id').filter(lambda value: not spec_task_id(value))),
    st.tuples(st.just('tag'), candidates('tag').filter(lambda value: not spec_tag(value))),
    st.tuples(st.just('source_app_id'), candidates('source_app_id').filter(lambda value: not spec_app_id(value))),
    st.tuples(st.just('instance_id'), candidates('instance_id').filter(lambda value: not spec_instance_id(value))),
    st.tuples(st.just('description'), st.text(min_size=1025, max_size=1100)),
    st.tuples(
        st.just('operation_types'),
        st.lists(st.text(max_size=8), min_size=1, max_size=3).filter(lambda values: not set(values) <= {'INSERT', 'UPDATE', 'DELETE'}),
    ),
    st.tuples(st.just('task_type'), st.text(max_size=10).filter(lambda value: value not in ('REALTIME', 'TIMING'))),
    st.tuples(st.just('state'), st.text(max_size=10).filter(lambda value: value not in ('present', 'absent', 'started', 'stopped'))),
    st.tuples(st.just('endpoint'), BROKEN_URL),
    st.tuples(st.just('region'), st.text(max_size=20).filter(lambda value: value and not spec_region(value))),
).filter(lambda case: no_nul(case[1]))


@pytest.fixture
def run_task_module(capsys):
    return ModuleRunner(capsys, fdi_composite_task.main)


@MODULE_RUNS
@given(case=INVALID_FOR_THE_MODULE, check_mode=st.booleans())
def test_the_module_refuses_invalid_input_before_any_request(run_task_module, case, check_mode):
    """The autouse no_network fixture fails the test on any request; the message names the option."""
    option, value = case
    args = dict(name='orders-sync', operation_types=['INSERT'])
    args[option] = value
    instance_id = args.pop('instance_id', 'inst-1')
    result = run_task_module(args, check_mode=check_mode, instance_id=instance_id)
    assert result['failed'] is True
    assert option in result['msg'], result['msg']
    assert 'exception' not in result and 'Traceback' not in run_task_module.output


def answer(method, url, **kwargs):  # pylint: disable=unused-argument
    """A permissive ROMA Connect: no task exists; every write succeeds."""
    headers = {'Content-Type': 'application/json'}
    if method == 'GET' and '/tasks/' in url:
        return Response(400, headers, b'{"error_code": "FDI.3021", "error_msg": "One or more tasks do not exist."}')
    if method == 'GET':
        return Response(200, headers, b'{"total": 0, "size": 0, "entities": []}')
    return Response(200, headers, b'{"task_id": "new-task-id"}')


def valid(first, rest, min_size, max_size):
    """Strings of a rule, built rather than filtered: a first character, then the rest."""
    return st.builds(lambda head, tail: head + tail, st.sampled_from(first), st.text(alphabet=rest, min_size=min_size - 1, max_size=max_size - 1))


VALID = {
    'name': valid(ALNUM, ALNUM + '._-', 3, 100),
    'task_id': valid(ALNUM, ALNUM + '_-', 3, 50),
    'tag': valid(ALNUM + '_-', ALNUM + '_-', 4, 64),
    'app_id': valid(ALNUM + '._-', ALNUM + '._-', 1, 64),
    'instance_id': valid(ALNUM, ALNUM + '_-', 1, 64),
}


@PURE
@given(option=st.sampled_from(sorted(VALID)), data=st.data())
def test_the_valid_strategies_follow_the_rules(option, data):
    """Guards the tests below, not the plugins: "every valid value is accepted" only means something if the
    generated values really are valid by the documented rules."""
    value = data.draw(VALID[option])
    assert (spec_app_id if option == 'app_id' else SPECS[option])(value)


VALID_TASK = st.fixed_dictionaries(
    {
        'name': VALID['name'],
        'operation_types': st.lists(st.sampled_from(['INSERT', 'UPDATE', 'DELETE']), min_size=1, max_size=3, unique=True),
    },
    optional={
        'task_id': VALID['task_id'],
        'tag': VALID['tag'],
        'description': st.text(max_size=1024).filter(no_nul),
        'source_app_id': VALID['app_id'],
        'target_app_id': VALID['app_id'],
        'task_type': st.sampled_from(['REALTIME', 'TIMING']),
        'state': st.sampled_from(['present', 'started', 'stopped']),
        'endpoint': VALID_URL,
        'timeout': st.floats(0.001, 86400),
        'retries': st.integers(0, 10),
    },
)


@MODULE_RUNS
@given(args=VALID_TASK, instance_id=VALID['instance_id'], check_mode=st.booleans())
def test_the_module_accepts_valid_input(run_task_module, monkeypatch, args, instance_id, check_mode):
    monkeypatch.setattr(HttpTransport, 'request', lambda transport, method, url, body=None, headers=None: answer(method, url))
    result = run_task_module(dict(args), check_mode=check_mode, instance_id=instance_id)
    assert result.get('failed') is not True, result
    assert result['changed'] is True and result['task']['task_name'] == args['name']


@pytest.fixture
def run_info_module(capsys):
    return ModuleRunner(capsys, fdi_composite_task_info.main)


@MODULE_RUNS
@given(option=st.sampled_from(['name', 'task_id', 'tag', 'source_app_id', 'target_app_id']), data=st.data())
def test_the_info_module_checks_its_filters_too(run_info_module, monkeypatch, option, data):
    value = data.draw(candidates(option if option != 'target_app_id' else 'source_app_id').filter(no_nul))
    sent = []
    monkeypatch.setattr(HttpTransport, 'request', lambda transport, method, url, body=None, headers=None: sent.append(url) or answer(method, url))
    result = run_info_module({option: value}, connection=dict(CONNECTION))
    valid = SPECS[option](value)
    assert result.get('failed', False) is not valid, result
    if not valid:
        assert option in result['msg'] and sent == []
