"""Test helpers: the default accounts, a keep-alive HTTP client, and an SDK-HMAC-SHA256 signer written from the signing algorithm's description.

The signer is deliberately *not* the simulator's code: it follows the published SDK-HMAC-SHA256 steps
step by step, so signing with it and verifying with the simulator cross-checks both.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import quote, urlencode, urlsplit

SIMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_SIMULATOR = os.path.join(SIMULATOR_DIR, 'run_simulator.py')

PROJECT_ID = '0123456789abcdef0123456789abcdef'
PROJECT_NAME = 'cn-north-4'
OTHER_PROJECT_ID = 'fedcba9876543210fedcba9876543210'
INSTANCE_ID = 'inst-1'
DOMAIN, USER, PASSWORD = 'demo-account', 'demo-user', 'Demo-Passw0rd!'
AK, SK = 'AKEXAMPLE0123456789', 'SKEXAMPLEsecret0123456789'
TEMP_AK, TEMP_SK, SECURITY_TOKEN = 'AKTEMPEXAMPLE0000001', 'SKTEMPEXAMPLEsecret0000001', 'STSEXAMPLEsecuritytoken0123456789'
MYSQL_ID, DWS_ID = 'a5e1b0d2c3f4e5a6b7c8d9e0f1a2b3c4', 'b6f2c1e3d4a5f6b7c8d9e0f1a2b3c4d5'  # the demo data sources
ORDERS_MAPPING = {
    'source_datasource_id': MYSQL_ID,
    'target_datasource_id': DWS_ID,
    'source_table': 'orders',
    'target_table': 'orders',
    'ext_info': {'server_id': '1'},
}


def api_path(*parts, **kwargs):
    """``/v2/{project}/fdi/instances/{instance}/{parts}``."""
    return '/v2/%s/fdi/instances/%s/%s' % (kwargs.get('project_id', PROJECT_ID), kwargs.get('instance_id', INSTANCE_ID), '/'.join(parts))


def password_body(user=USER, password=PASSWORD, domain=DOMAIN, scope=None):
    return {
        'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {'name': user, 'password': password, 'domain': {'name': domain}}}},
            'scope': scope if scope is not None else {'project': {'name': PROJECT_NAME}},
        }
    }


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode('utf-8'))

    @property
    def request_id(self):
        return self.headers.get('X-Request-Id')


class SimClient:
    """One persistent HTTP(S) connection; adds ``X-Auth-Token`` to ``/v2`` requests when ``token`` is set."""

    def __init__(self, url, token=None, ssl_context=None, timeout=10):
        parts = urlsplit(url)
        self.url = url
        self.host, self.port = parts.hostname, parts.port
        self.token = token
        if parts.scheme == 'https':
            self.connection = http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=ssl_context)
        else:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def close(self):
        self.connection.close()

    def request(self, method, path, body=None, headers=None, query=None, raw=None, auth=True):
        headers = dict(headers or {})
        if body is not None:
            raw = json.dumps(body).encode('utf-8')
            headers.setdefault('Content-Type', 'application/json;charset=UTF-8')
        if auth and self.token and path.startswith('/v2/'):
            headers.setdefault('X-Auth-Token', self.token)
        if query:
            path += '?' + (query if isinstance(query, str) else urlencode(query))
        self.connection.request(method, path, body=raw, headers=headers)
        response = self.connection.getresponse()
        return Response(response.status, response.headers, response.read())

    def control(self, method, path, body=None):
        response = self.request(method, '/_sim/' + path, body=body)
        assert response.status == 200, (response.status, response.body)
        return response.json()

    def create(self, name, operation_types=('INSERT',), **fields):
        """Create a task and return its id (asserting success)."""
        response = self.request('POST', api_path('multi-tasks'), dict(fields, task_name=name, operation_types=list(operation_types)))
        assert response.status == 200, response.body
        return response.json()['task_id']

    def create_runnable(self, name, operation_types=('INSERT',), **fields):
        """Create a task that has something to replicate (the demo data sources, seeded if need be, and the orders mapping)."""
        if not any(entry['datasource_id'] == MYSQL_ID for entry in self.control('GET', 'datasources?instance_id=%s' % INSTANCE_ID)['datasources']):
            self.control('POST', 'datasources', {'instance_id': INSTANCE_ID, 'demo': True})
        task_id = self.create(name, operation_types, **fields)
        response = self.request('POST', api_path('multi-tasks', task_id, 'mappings'), ORDERS_MAPPING)
        assert response.status == 200, response.body
        return task_id

    def requests_log(self, since=0):
        return self.control('GET', 'requests?since=%d' % since)['requests']


# -- SDK-HMAC-SHA256, straight from the published signing steps ------------------------------------------------


def reference_canonical_request(method, path, query_pairs, headers, body):
    """Steps 3-8: payload hash, signed headers (no ``_``), canonical headers, URI with ``/``, sorted encoded query."""
    payload_hash = hashlib.sha256(body).hexdigest()
    signed = sorted(name.lower() for name in headers if '_' not in name)
    lowered = dict((name.lower(), str(value).strip()) for name, value in headers.items())
    canonical_headers = ''.join('%s:%s\n' % (name, lowered[name]) for name in signed)
    uri = path if path.endswith('/') else path + '/'
    query = '&'.join('%s=%s' % (quote(key, safe='~'), quote(str(value), safe='~')) for key, value in sorted(query_pairs))
    return '%s\n%s\n%s\n%s\n%s\n%s' % (method, uri, query, canonical_headers, ';'.join(signed), payload_hash), signed


def reference_sign(method, path, query_pairs, headers, body, ak=AK, sk=SK):
    """Steps 9-11: returns (signature, Authorization header value, canonical request)."""
    canonical, signed = reference_canonical_request(method, path, query_pairs, headers, body)
    string_to_sign = 'SDK-HMAC-SHA256\n%s\n%s' % (headers['X-Sdk-Date'], hashlib.sha256(canonical.encode('utf-8')).hexdigest())
    signature = hmac.new(sk.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    return signature, 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s' % (ak, ';'.join(signed), signature), canonical


def signed_request(client, method, path, query_pairs=(), body=None, ak=AK, sk=SK, extra_headers=None, sdk_date=None, host=None):
    """Send a request signed like the SDK (Content-Type, Host, X-Project-Id, X-Sdk-Date + extra headers)."""
    raw = b'' if body is None else json.dumps(body).encode('utf-8')
    headers = {
        'Content-Type': 'application/json;charset=UTF-8' if raw else 'application/json',
        'Host': host or '%s:%d' % (client.host, client.port),
        'X-Project-Id': PROJECT_ID,
        'X-Sdk-Date': sdk_date or time.strftime('%Y%m%dT%H%M%SZ', time.gmtime()),
    }
    headers.update(extra_headers or {})
    _signature, authorization, _canonical = reference_sign(method, path, list(query_pairs), headers, raw, ak, sk)
    headers['Authorization'] = authorization
    query = urlencode(list(query_pairs), quote_via=quote) if query_pairs else None
    return client.request(method, path, raw=raw or None, headers=headers, query=query, auth=False)


class SimulatorProcess:
    """The simulator started through its real command line (``run_simulator.py ... --url-file``)."""

    def __init__(self, *args):
        self.args = list(args)
        self.workdir = tempfile.mkdtemp(prefix='roma-sim-test-')
        self.url_file = os.path.join(self.workdir, 'url')
        self.process = None
        self.url = None
        self.first_line = None

    def start(self, timeout=20):
        command = [sys.executable, RUN_SIMULATOR, '--port', '0', '--url-file', self.url_file] + self.args
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # pylint: disable=consider-using-with
        self.first_line = self.process.stdout.readline().rstrip('\n')
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.url_file):
            assert self.process.poll() is None and time.monotonic() < deadline, self.process.stderr.read()
            time.sleep(0.02)
        with open(self.url_file, encoding='utf-8') as handle:
            self.url = handle.read().strip()
        return self

    def stop(self):
        """SIGTERM and wait; returns the exit status."""
        self.process.terminate()
        try:
            status = self.process.wait(timeout=10)
        finally:
            self.process.stdout.close()
            self.process.stderr.close()
            shutil.rmtree(self.workdir, ignore_errors=True)
        return status


# -- the official SDK's response models --------------------------------------------------------------------

_SCALARS = {'str': str, 'int': int, 'float': (int, float), 'bool': bool, 'object': object, 'date': str, 'datetime': str}


def model_problems(document, model, where='$'):
    """Every way ``document`` departs from the official SDK model named ``model`` (e.g. ``'ListTasksResponse'``).

    A key the model does not know, or a value of another type, is a problem: the SDK
    would drop or mis-read it, so a client written against the SDK's documentation would
    see something else than the simulator sends.  ``None`` is allowed for any field.
    """
    from huaweicloudsdkroma.v2 import model as models  # pylint: disable=import-outside-toplevel

    if document is None:
        return []
    if model.startswith('list['):
        if not isinstance(document, list):
            return ['%s: expected a list for %s, got %r' % (where, model, type(document).__name__)]
        return [problem for index, item in enumerate(document) for problem in model_problems(item, model[5:-1], '%s[%d]' % (where, index))]
    if model.startswith('dict('):
        return [] if isinstance(document, dict) else ['%s: expected an object' % where]
    if model in _SCALARS:
        expected = _SCALARS[model]
        if model == 'int' and isinstance(document, bool) or not isinstance(document, expected):
            return ['%s: expected %s, got %r' % (where, model, document)]
        return []
    cls = getattr(models, model)
    if not isinstance(document, dict):
        return ['%s: expected a %s object, got %r' % (where, model, document)]
    json_names = dict((json_name, attribute) for attribute, json_name in cls.attribute_map.items())
    problems = []
    for key, value in document.items():
        if key not in json_names:
            problems.append('%s.%s: not a field of %s' % (where, key, model))
        else:
            problems.extend(model_problems(value, cls.openapi_types[json_names[key]], '%s.%s' % (where, key)))
    return problems


def assert_model(document, model, required=()):
    """``document`` is an instance of the SDK model ``model`` and has every field in ``required``."""
    problems = model_problems(document, model)
    missing = [field for field in required if field not in document]
    assert not problems and not missing, (problems, missing)


def model_fields_seen(document, model, fields=None):
    """``{"Model.field": carried}``: for every SDK model field met in ``document``, whether some instance carries it."""
    from huaweicloudsdkroma.v2 import model as models  # pylint: disable=import-outside-toplevel

    fields = {} if fields is None else fields
    if model.startswith('list['):
        for item in document or []:
            model_fields_seen(item, model[5:-1], fields)
        return fields
    if model in _SCALARS or model.startswith('dict(') or not isinstance(document, dict):
        return fields
    cls = getattr(models, model)
    for attribute, json_name in cls.attribute_map.items():
        name = '%s.%s' % (model, json_name)
        fields[name] = fields.get(name, False) or json_name in document
        if json_name in document:
            model_fields_seen(document[json_name], cls.openapi_types[attribute], fields)
    return fields
