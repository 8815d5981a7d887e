"""The /_sim controls (request log, faults, seeding, config, reset), keep-alive, and the real command line (HTTP and HTTPS)."""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time

import pytest
from sim_helpers import INSTANCE_ID, PROJECT_ID, SIMULATOR_DIR, SimClient, SimulatorProcess, api_path, password_body

VALID = {'task_name': 'orders-sync', 'operation_types': ['INSERT']}


def task_names(client):
    return [task['task_name'] for task in client.control('GET', 'tasks')['tasks']]


def add_fault(client, **fault):
    return client.control('POST', 'faults', fault)['faults']


# -- request log -----------------------------------------------------------------------------------------


def test_request_log_records_every_api_request_in_order(client):
    client.request('POST', '/v3/auth/tokens', password_body(), query='nocatalog=true')
    client.request('POST', api_path('multi-tasks'), VALID)
    client.request('GET', api_path('tasks'), query={'name': 'orders', 'limit': 999})
    client.request('PUT', api_path('multi-tasks', 'nope'), raw=b'plain text', headers={'Content-Type': 'text/plain'})
    client.request('GET', '/nowhere', auth=False)
    log = client.requests_log()
    assert [(e['method'], e['route'], e['status'], e['auth']) for e in log] == [
        ('POST', 'iam_token', 201, 'password'),
        ('POST', 'create_multi_task', 200, 'token'),
        ('GET', 'list_tasks', 200, 'token'),
        ('PUT', 'update_multi_task', 400, 'token'),
        ('GET', 'unknown', 404, 'none'),
    ]
    assert [e['seq'] for e in log] == sorted(e['seq'] for e in log) and all(isinstance(e['time'], float) for e in log)
    create = log[1]
    assert create['path'] == api_path('multi-tasks') and create['query'] == {} and create['body'] == VALID
    assert create['headers']['x-auth-token'] == client.token and create['headers']['content-type'] == 'application/json;charset=UTF-8'
    assert log[0]['query'] == {'nocatalog': ['true']} and log[2]['query'] == {'name': ['orders'], 'limit': ['999']}
    assert log[3]['body'] == 'plain text' and log[4]['body'] is None and 'fault' not in create
    assert [e['route'] for e in client.requests_log(since=log[2]['seq'])] == ['update_multi_task', 'unknown']
    assert client.control('DELETE', 'requests') == {'requests': log} and client.requests_log() == []  # what it removed
    assert client.control('DELETE', 'requests') == {'requests': []}
    assert client.requests_log() == []  # /_sim calls are never logged


# -- faults ------------------------------------------------------------------------------------------------


def test_respond_fault_with_headers_count_and_match(client):
    faults = add_fault(
        client,
        count=2,
        match={'method': 'get', 'route': 'list_tasks'},
        status=503,
        headers={'Retry-After': '2'},
        body={'error_code': 'APIG.0203', 'error_msg': 'busy'},
    )
    assert faults[0]['count'] == 2 and faults[0]['action'] == 'respond'
    assert client.request('POST', api_path('multi-tasks'), VALID).status == 200  # not matched
    for attempt in (1, 2):
        response = client.request('GET', api_path('tasks'))
        assert (response.status, response.headers['Retry-After'], response.json()) == (503, '2', {'error_code': 'APIG.0203', 'error_msg': 'busy'})
        assert response.headers['Content-Type'] == 'application/json;charset=UTF-8' and response.request_id, attempt
    assert client.request('GET', api_path('tasks')).status == 200
    assert client.control('GET', 'faults') == {'faults': []}
    log = client.requests_log()
    assert [(e['route'], e['status'], e.get('fault')) for e in log] == [
        ('create_multi_task', 200, None),
        ('list_tasks', 503, 'respond'),
        ('list_tasks', 503, 'respond'),
        ('list_tasks', 200, None),
    ]


def test_respond_fault_text_body_default_body_and_path_match(client):
    add_fault(client, match={'path_contains': '/tasks/abc'}, status=502, body='<html>Bad Gateway</html>', content_type='text/html')
    add_fault(client, status=500)
    response = client.request('GET', api_path('tasks', 'abc'))
    assert (response.status, response.body, response.headers['Content-Type']) == (502, b'<html>Bad Gateway</html>', 'text/html')
    response = client.request('GET', '/v3/anything')
    assert response.status == 500
    assert response.json() == {'error_code': 'SIM.FAULT', 'error_msg': 'Fault injected by the ROMA simulator.', 'request_id': response.request_id}


def test_body_match_faults_one_batch_action_and_not_the_other(client):
    created = client.control('POST', 'seed', {'project_id': PROJECT_ID, 'instance_id': INSTANCE_ID, 'count': 1})['task_ids']
    add_fault(
        client, match={'route': 'batch_tasks', 'body_contains': '"action_id":"stop"'}, status=400, body={'error_code': 'FDI.3150', 'error_msg': 'refused'}
    )
    start = {'action_id': 'start', 'list': [{'task_id': created[0]}]}
    assert client.request('POST', api_path('batch-operation', 'tasks'), start).status == 200  # compact JSON, another action
    stop = json.dumps({'action_id': 'stop', 'list': [{'task_id': created[0]}]}, separators=(',', ':'))
    assert (
        client.request('POST', api_path('batch-operation', 'tasks'), raw=stop.encode(), headers={'Content-Type': 'application/json;charset=UTF-8'}).status
        == 400
    )
    assert client.control('GET', 'faults') == {'faults': []}
    for bad in ({'body_contains': 1}, {'body': 'x'}):
        assert client.request('POST', '/_sim/faults', {'match': bad}).status == 400


def test_respond_fault_can_hit_iam(anonymous):
    add_fault(anonymous, match={'route': 'iam_token'}, status=429, body={'error_code': 'APIG.0308', 'error_msg': 'The throttling threshold has been reached.'})
    assert anonymous.request('POST', '/v3/auth/tokens', password_body()).status == 429
    assert anonymous.request('POST', '/v3/auth/tokens', password_body()).status == 201


def test_delay_then_respond(client):
    add_fault(client, status=504, delay=0.3)
    started = time.monotonic()
    assert client.request('GET', api_path('tasks')).status == 504
    assert time.monotonic() - started >= 0.3


def test_reset_fault_closes_without_response_and_does_not_process(client):
    add_fault(client, action='reset', match={'route': 'create_multi_task'})
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        client.request('POST', api_path('multi-tasks'), VALID)
    client.close()
    assert task_names(client) == []
    entry = client.requests_log()[-1]
    assert (entry['fault'], entry['status'], entry['route']) == ('reset', None, 'create_multi_task')


def test_timeout_fault(server, client):
    add_fault(client, action='timeout', delay=1.0)
    slow = SimClient(server.url, token=client.token, timeout=0.3)
    with pytest.raises(socket.timeout):
        slow.request('GET', api_path('tasks'))
    slow.close()
    assert client.requests_log()[-1]['fault'] == 'timeout'
    time.sleep(0.8)  # the server closes the connection once the delay is over
    assert client.request('GET', api_path('tasks')).status == 200


def test_process_then_drop_creates_the_task_but_sends_nothing(client):
    add_fault(client, action='process_then_drop')
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        client.request('POST', api_path('multi-tasks'), VALID)
    client.close()
    assert task_names(client) == ['orders-sync']
    entry = client.requests_log()[-1]
    assert (entry['fault'], entry['status'], entry['processed_status']) == ('process_then_drop', None, 200)
    duplicate = client.request('POST', api_path('multi-tasks'), VALID)  # a blind retry would now fail
    assert duplicate.json()['error_msg'] == 'Invalid parameter [task_name].'


def test_process_then_respond(client):
    add_fault(client, action='process_then_respond', status=503, headers={'Retry-After': '1'})
    response = client.request('POST', api_path('multi-tasks'), VALID)
    assert (response.status, response.headers['Retry-After'], response.json()['error_code']) == (503, '1', 'SIM.FAULT')
    assert task_names(client) == ['orders-sync']
    assert client.requests_log()[-1]['processed_status'] == 200


def test_delay_fault_processes_at_once_and_gives_the_real_answer_late(server, client):
    """``delay``: the change is made when the request arrives, the client waits for its real answer (a slow API, a signal's window)."""
    task_id = client.create('orders-sync')
    assert add_fault(client, action='delay')[0]['delay'] == 30.0  # the default wait, as for timeout
    client.control('DELETE', 'faults')
    add_fault(client, action='delay', delay=0.6, match={'route': 'update_multi_task'}, headers={'X-Sim-Slow': 'yes'})
    slow = SimClient(server.url, token=client.token)
    answers = []
    started = time.monotonic()
    update = {'operation_types': ['INSERT', 'DELETE'], 'repulling_snapshot': False}
    waiting = threading.Thread(target=lambda: answers.append(slow.request('PUT', api_path('multi-tasks', task_id), update)))
    waiting.start()
    deadline = time.monotonic() + 5
    while not any('processed_status' in entry for entry in client.requests_log()) and time.monotonic() < deadline:
        time.sleep(0.02)
    # while the answer is held back, the change is already there and other connections are served
    assert [task['operation_types'] for task in client.control('GET', 'tasks')['tasks']] == [['INSERT', 'DELETE']]
    assert client.request('GET', api_path('tasks')).status == 200 and answers == []
    waiting.join(5)
    slow.close()
    assert time.monotonic() - started >= 0.6
    response = answers[0]
    assert (response.status, response.json(), response.headers['X-Sim-Slow']) == (200, {'task_id': task_id}, 'yes')
    entry = [entry for entry in client.requests_log() if entry['route'] == 'update_multi_task'][0]
    assert (entry['fault'], entry['status'], entry['processed_status']) == ('delay', 200, 200)
    assert client.control('GET', 'faults') == {'faults': []}


def test_truncate_fault_keeps_a_consistent_length(client):
    client.create('orders-sync')
    add_fault(client, action='truncate', match={'route': 'list_tasks'})
    response = client.request('GET', api_path('tasks'))
    full = client.request('GET', api_path('tasks')).body  # same connection: still in sync
    assert response.status == 200 and response.body == full[: len(full) // 2] and response.headers['Content-Length'] == str(len(full) // 2)
    with pytest.raises(ValueError):
        response.json()


def test_truncate_fault_declaring_the_full_length(client):
    client.create('orders-sync')
    add_fault(client, action='truncate', declare_full_length=True)
    with pytest.raises(http.client.IncompleteRead):
        client.request('GET', api_path('tasks'))
    client.close()
    assert client.request('GET', api_path('tasks')).status == 200


def test_empty_fault(client):
    add_fault(client, action='empty', match={'route': 'create_multi_task'})
    response = client.request('POST', api_path('multi-tasks'), VALID)
    assert (response.status, response.body, response.headers['Content-Length']) == (200, b'', '0')
    assert response.headers['Content-Type'].startswith('application/json') and task_names(client) == []


def test_echo_request_fault_quotes_the_request_like_a_debugging_proxy(client):
    add_fault(client, status=502, echo_request=True, match={'route': 'create_multi_task'})
    response = client.request('POST', api_path('multi-tasks'), VALID)
    document = response.json()
    assert (response.status, document['error_code'], document['request_id']) == (502, 'SIM.ECHO', response.request_id)
    assert document['request']['headers']['X-Auth-Token'] == client.token and json.loads(document['request']['body']) == VALID
    assert client.token in document['error_msg'] and task_names(client) == []


def test_date_header_follows_the_simulator_clock(client):
    client.control('POST', 'config', {'clock_offset_seconds': 7200})
    served = email.utils.parsedate_to_datetime(client.request('GET', api_path('tasks')).headers['Date']).timestamp()
    assert abs(served - (time.time() + 7200)) < 5


def test_fault_validation_and_clearing(client):
    for fault in ({'action': 'explode'}, {'count': 0}, {'status': 99}, {'delay': -1}, {'match': {'verb': 'GET'}}, {'colour': 'red'}, []):
        response = client.request('POST', '/_sim/faults', fault)
        assert response.status == 400 and 'error' in response.json()
    faults = client.control('POST', 'faults', [{'status': 500}, {'action': 'reset', 'count': 3}])['faults']
    assert [(f['action'], f['count']) for f in faults] == [('respond', 1), ('reset', 3)]
    assert client.control('DELETE', 'faults') == {'faults': []}
    assert client.request('GET', api_path('tasks')).status == 200


# -- seeding, reset, config --------------------------------------------------------------------------------


def test_seed_10000_tasks_and_list_them_fast(client):
    started = time.monotonic()
    seeded = client.control(
        'POST',
        'seed',
        {'project_id': PROJECT_ID, 'instance_id': INSTANCE_ID, 'count': 10000, 'name_prefix': 'bulk-', 'operation_types': ['INSERT', 'UPDATE'], 'status': 0},
    )
    assert seeded['created'] == 10000 and len(set(seeded['task_ids'])) == 10000
    assert time.monotonic() - started < 5

    def timed(query):
        durations = []
        while len(durations) < 15:
            started = time.perf_counter()
            response = client.request('GET', api_path('tasks'), query=query)
            durations.append(time.perf_counter() - started)
        return statistics.median(durations), response.json()

    median, page = timed({'name': 'bulk-09999', 'limit': 999})
    assert (page['total'], page['entities'][0]['task_name']) == (1, 'bulk-09999')
    assert median < 0.02, median
    median, page = timed({'status': 1, 'task_tag': 'none', 'sort_field': 'STATUS'})
    assert page['total'] == 0 and median < 0.02, median
    median, page = timed({'limit': 999, 'offset': 9500})
    assert (page['total'], page['size']) == (10000, 500) and median < 0.1, median
    shown = client.request('GET', api_path('tasks', seeded['task_ids'][42])).json()
    assert json.loads(shown['task_detail'])['operation_types'] == ['INSERT', 'UPDATE']


def test_seed_running_and_name_clash(client):
    seeded = client.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 3, 'name_prefix': 'run-', 'status': 1})
    assert [t['status'] for t in client.control('GET', 'tasks')['tasks']] == [1, 1, 1] and seeded['created'] == 3
    assert client.request('POST', '/_sim/seed', {'instance_id': INSTANCE_ID, 'count': 1, 'name_prefix': 'run-'}).status == 400
    more = client.control('POST', 'seed', {'instance_id': INSTANCE_ID, 'count': 2, 'name_prefix': 'run-', 'start': 3})
    assert more['created'] == 2 and task_names(client)[-1] == 'run-00004'


def test_reset_restores_start_up_state(client):
    client.create('orders-sync')
    add_fault(client, status=500, match={'route': 'show_task'})
    client.control('POST', 'config', {'max_limit': 5, 'clock_offset_seconds': 99, 'known_instances': ['x']})
    assert client.control('POST', 'reset') == {'reset': True}
    assert client.control('GET', 'tasks') == {'tasks': []} and client.control('GET', 'faults') == {'faults': []}
    assert client.control('GET', 'config') == {
        'token_lifetime': 86400,
        'clock_offset_seconds': 0,
        'known_instances': None,
        'max_limit': 999,
        'not_found': 'FDI.3021',
        'start_delay_seconds': 1.0,
        'latency_ms': 0,
        'datasource_secrets': 'omit',
        'composite_ext_type': 'CDC',
        'show_stopped_status': 'stop',
    }
    assert client.requests_log() == []


def test_config_validation_and_unknown_control_route(client):
    for body in (
        {'token_lifetime': 0},
        {'max_limit': 0},
        {'known_instances': 'inst-1'},
        {'speed': 'fast'},
        {'not_found': 'FDI.9999'},
        {'start_delay_seconds': -1},
        {'start_delay_seconds': 'soon'},
        {'latency_ms': -1},
        {'latency_ms': 60001},
    ):
        assert client.request('POST', '/_sim/config', body).status == 400
    assert client.request('GET', '/_sim/nothing').status == 404
    assert client.request('POST', '/_sim/tokens', {'project_id': 'f' * 32}).status == 400
    assert client.request('POST', '/_sim/faults', raw=b'{not json').status == 400


# -- connections -------------------------------------------------------------------------------------------


def test_keep_alive_one_connection_for_many_requests(server, sim):
    token = SimClient(server.url).control('POST', 'tokens', {})['token']
    connection = http.client.HTTPConnection('127.0.0.1', server.server_address[1], timeout=5)
    headers = {'X-Auth-Token': token, 'Content-Type': 'application/json;charset=UTF-8'}
    statuses, sockets = [], set()
    for method, path, body in (
        ('POST', api_path('multi-tasks'), json.dumps(VALID)),
        ('GET', api_path('tasks'), None),
        ('GET', api_path('tasks', 'missing'), None),
        ('GET', '/nowhere', None),
        ('POST', '/v3/auth/tokens', 'x'),
        ('DELETE', api_path('tasks', 'missing'), None),
    ):
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
        sockets.add(id(connection.sock))
        assert response.getheader('Connection') != 'close'
    tasks = json.loads(SimClient(server.url).request('GET', '/_sim/tasks').body)['tasks']
    connection.request('DELETE', api_path('tasks', tasks[0]['task_id']), headers=headers)
    response = connection.getresponse()
    assert (response.status, response.read()) == (204, b'')
    connection.request('GET', api_path('tasks'), headers=headers)
    assert json.loads(connection.getresponse().read())['total'] == 0
    connection.close()
    assert statuses == [200, 200, 400, 404, 400, 400] and len(sockets) == 1
    clients = {entry['client'] for entry in sim.log.since(0)}
    assert len(clients) == 1


# -- latency and concurrency ----------------------------------------------------------------------------------


def test_latency_delays_api_requests_but_not_controls(client):
    client.control('POST', 'config', {'latency_ms': 400})
    began = time.monotonic()
    assert client.request('GET', api_path('tasks')).status == 200
    assert time.monotonic() - began >= 0.4
    began = time.monotonic()
    client.control('GET', 'config')
    assert time.monotonic() - began < 0.3


def test_fifty_concurrent_requests_are_served_in_parallel_and_logged_exactly(server, client):
    client.control('POST', 'config', {'latency_ms': 200})
    barrier = threading.Barrier(50)
    results = [None] * 50

    def fire(index):
        own = SimClient(server.url, token=client.token, timeout=30)
        try:
            barrier.wait()
            if index % 2:
                response = own.request('POST', api_path('multi-tasks'), {'task_name': 'parallel-%02d' % index, 'operation_types': ['INSERT']})
            else:
                response = own.request('GET', api_path('tasks'), query={'limit': 999})
            results[index] = (response.status, response.json())
        finally:
            own.close()

    began = time.monotonic()
    threads = [threading.Thread(target=fire, args=(index,)) for index in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    elapsed = time.monotonic() - began
    assert elapsed < 3, elapsed  # one after the other it would take 50 x 0.2 s = 10 s
    assert all(result and result[0] == 200 for result in results), results
    created = sorted(result[1]['task_id'] for result in results[1::2])
    assert len(set(created)) == 25
    tasks = client.control('GET', 'tasks')['tasks']
    assert sorted(task['task_id'] for task in tasks) == created
    assert sorted(task['task_name'] for task in tasks) == ['parallel-%02d' % index for index in range(1, 50, 2)]
    log = client.requests_log()
    assert len(log) == 50 and [entry['seq'] for entry in log] == list(range(log[0]['seq'], log[0]['seq'] + 50))  # no gap, no duplicate
    assert sorted(entry['route'] for entry in log) == ['create_multi_task'] * 25 + ['list_tasks'] * 25
    assert all(entry['status'] == 200 for entry in log) and len({entry['client'] for entry in log}) == 50
    assert sorted(entry['body']['task_name'] for entry in log if entry['body']) == ['parallel-%02d' % index for index in range(1, 50, 2)]
    for _status, document in results[0::2]:  # every list saw a consistent store: whole tasks, total == size
        assert document['total'] == document['size'] == len(document['entities']) <= 25


# -- the command line ----------------------------------------------------------------------------------------


def test_command_line_url_file_accounts_and_token_lifetime(tmp_path):
    accounts = {
        'domains': [
            {
                'id': 'dom-1',
                'name': 'acme',
                'projects': [{'id': 'p' * 32, 'name': 'eu-west-0'}],
                'users': [{'id': 'u-1', 'name': 'robot', 'password': 'pa55-word'}],
                'access_keys': [{'access': 'AKACME', 'secret': 'SKACME', 'user': 'robot'}],
            }
        ]
    }
    accounts_file = tmp_path / 'accounts.json'
    accounts_file.write_text(json.dumps(accounts), encoding='utf-8')
    simulator = SimulatorProcess(
        '--accounts', str(accounts_file), '--token-lifetime', '600', '--not-found', 'FDI.3081', '--latency-ms', '20', '--start-delay', '0.25'
    ).start()
    try:
        assert simulator.first_line == 'ROMA simulator listening on %s' % simulator.url and simulator.url.startswith('http://127.0.0.1:')
        client = SimClient(simulator.url)
        response = client.request('POST', '/v3/auth/tokens', password_body('robot', 'pa55-word', 'acme', {'project': {'name': 'eu-west-0'}}))
        assert response.status == 201 and response.json()['token']['project']['id'] == 'p' * 32
        assert response.json()['token']['expires_at'] > response.json()['token']['issued_at']
        assert client.request('POST', '/v3/auth/tokens', password_body()).status == 401  # the demo account is replaced
        token = response.headers['X-Subject-Token']
        assert client.request('GET', api_path('tasks', project_id='p' * 32), headers={'X-Auth-Token': token}).status == 200
        config = client.control('GET', 'config')
        assert (config['latency_ms'], config['start_delay_seconds'], config['not_found'], config['token_lifetime']) == (20, 0.25, 'FDI.3081', 600)
        missing = client.request('GET', api_path('tasks', 'no-such-task', project_id='p' * 32), headers={'X-Auth-Token': token})
        assert (missing.status, missing.json()['error_code']) == (404, 'FDI.3081')
        client.close()
    finally:
        assert simulator.stop() == 0


def test_python_dash_m_and_state_file_persistence(tmp_path):
    state_file = tmp_path / 'state.json'
    env = dict(os.environ, PYTHONPATH=SIMULATOR_DIR)
    command = [sys.executable, '-m', 'roma_sim', '--port', '0', '--state-file', str(state_file)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        url = process.stdout.readline().strip().rsplit(' ', 1)[1]
        client = SimClient(url)
        client.token = client.control('POST', 'tokens', {})['token']
        client.create('kept-task', ('INSERT', 'DELETE'), description='survives a restart')
        assert json.loads(state_file.read_text(encoding='utf-8'))['tasks'][0]['task_name'] == 'kept-task'  # saved right away
        client.close()
        process.terminate()
        assert process.wait(timeout=10) == 0
    simulator = SimulatorProcess('--state-file', str(state_file)).start()
    try:
        client = SimClient(simulator.url)
        client.token = client.control('POST', 'tokens', {})['token']
        listed = client.request('GET', api_path('tasks')).json()
        assert [entity['task_name'] for entity in listed['entities']] == ['kept-task']
        detail = json.loads(client.request('GET', api_path('tasks', listed['entities'][0]['task_id'])).json()['task_detail'])
        assert (detail['operation_types'], detail['description']) == (['INSERT', 'DELETE'], 'survives a restart')
        assert client.create('second-task')
        client.close()
    finally:
        assert simulator.stop() == 0
    assert [task['task_name'] for task in json.loads(state_file.read_text(encoding='utf-8'))['tasks']] == ['kept-task', 'second-task']


def test_https_with_generated_ca(tmp_path):
    cert_dir = tmp_path / 'certs'
    simulator = SimulatorProcess('--https', '--cert-dir', str(cert_dir)).start()
    try:
        assert simulator.url.startswith('https://127.0.0.1:') and sorted(os.listdir(cert_dir)) == ['ca.pem', 'server-key.pem', 'server.pem']
        trusted = ssl.create_default_context(cafile=str(cert_dir / 'ca.pem'))
        client = SimClient(simulator.url, ssl_context=trusted)
        assert client.request('POST', '/v3/auth/tokens', password_body()).status == 201
        assert client.request('GET', '/_sim/config').status == 200  # keep-alive over TLS
        client.close()
        port = simulator.url.rsplit(':', 1)[1]
        by_name = SimClient('https://localhost:%s' % port, ssl_context=trusted)
        assert by_name.request('GET', '/_sim/config').status == 200
        by_name.close()
        untrusted = SimClient(simulator.url, ssl_context=ssl.create_default_context())
        with pytest.raises(ssl.SSLCertVerificationError):
            untrusted.request('GET', '/_sim/config')
        untrusted.close()
        plain = SimClient(simulator.url.replace('https', 'http'))
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            plain.request('GET', '/_sim/config')
        plain.close()
    finally:
        assert simulator.stop() == 0


def test_chunked_and_oversized_bodies(server, client):
    connection = http.client.HTTPConnection('127.0.0.1', server.server_address[1], timeout=5)
    chunks = iter([b'{"task_name": "chunked-task", ', b'"operation_types": ["INSERT"]}'])
    connection.request(
        'POST',
        api_path('multi-tasks'),
        body=chunks,
        encode_chunked=True,
        headers={'X-Auth-Token': client.token, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'},
    )
    assert connection.getresponse().read() and task_names(client) == ['chunked-task']
    connection.request('GET', api_path('tasks'), headers={'X-Auth-Token': client.token})  # still in sync after the chunked body
    assert json.loads(connection.getresponse().read())['total'] == 1
    connection.close()
    response = client.request('POST', api_path('multi-tasks'), raw=b'x' * (10 * 1024 * 1024 + 1))
    assert (response.status, response.json()['error_code'], response.headers['Connection']) == (413, 'APIG.0201', 'close')


def test_unreadable_state_file_stops_start_up(tmp_path):
    state_file = tmp_path / 'state.json'
    state_file.write_text('{not json', encoding='utf-8')
    result = subprocess.run(
        [sys.executable, os.path.join(SIMULATOR_DIR, 'run_simulator.py'), '--port', '0', '--state-file', str(state_file)],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == '' and 'cannot start' in result.stderr
