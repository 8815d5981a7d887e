"""Command line: start the simulator, print ``ROMA simulator listening on <URL>``, serve until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import os
import signal
import ssl
import sys
import tempfile
import threading

from .auth import Accounts
from .datasources import SECRET_MODES
from .server import Simulator, SimulatorServer

EXT_TYPE_FLAGS = {'CDC': 'CDC', 'MULTI': 'MULTI', 'empty': '', 'null': None}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='run_simulator.py', description='Local ROMA Connect + IAM simulator for the hwcloud.roma tests.')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default: %(default)s)')
    parser.add_argument('--port', type=int, default=0, help='port to listen on; 0 picks a free one (default: %(default)s)')
    parser.add_argument('--https', action='store_true', help='serve TLS with a freshly generated CA and server certificate')
    parser.add_argument('--cert-dir', help='where --https writes ca.pem, server.pem and server-key.pem (required with --https)')
    parser.add_argument('--state-file', help='JSON file the tasks are loaded from at start and saved to after every change')
    parser.add_argument('--accounts', help='JSON accounts file replacing the built-in demo account (format: tests/simulator/README.md)')
    parser.add_argument('--token-lifetime', type=float, default=86400, help='IAM token lifetime in seconds (default: %(default)s)')
    parser.add_argument('--url-file', help='also write the URL to this file (atomically) once the server accepts connections')
    parser.add_argument(
        '--not-found',
        choices=('FDI.3021', 'FDI.3081'),
        default='FDI.3021',
        help='how an unknown task or mapping is answered: 400 FDI.3021 or 404 FDI.3081 (default: %(default)s)',
    )
    parser.add_argument(
        '--demo-datasources',
        metavar='INSTANCE_ID',
        action='append',
        default=[],
        help='seed the demo data sources (MySQL mysql-orders, DWS dws-warehouse) into this instance of the default '
        'project, and declare their two databases, at start and after every /_sim/reset; repeatable',
    )
    parser.add_argument(
        '--demo-databases',
        action='store_true',
        help='declare the two demo databases (MySQL 192.168.0.10:3306 shop, DWS 192.168.0.20:8000 warehouse) without '
        'seeding data sources, at start and after every /_sim/reset: data sources created through the API '
        'reach them and get their tables',
    )
    parser.add_argument(
        '--datasource-secrets',
        choices=SECRET_MODES,
        default='omit',
        help='how data-source answers show the secrets in content: left out, masked as ****** or as stored (default: %(default)s)',
    )
    parser.add_argument(
        '--composite-ext-type',
        choices=sorted(EXT_TYPE_FLAGS),
        default='CDC',
        help='the ext_type of composite tasks: CDC (the SDK\'s value), MULTI, empty ("") or null (default: %(default)s)',
    )
    parser.add_argument(
        '--show-stopped-status', choices=('stop', 'stopped'), default='stop', help='the status ShowTask gives a stopped task (default: %(default)s)'
    )
    parser.add_argument(
        '--start-delay', type=float, default=1.0, metavar='SECONDS', help='how long a started task stays WAITING before it is RUNNING (default: %(default)s)'
    )
    parser.add_argument(
        '--latency-ms',
        type=float,
        default=0,
        metavar='MS',
        help='wait this long before answering each ROMA or IAM request, like a remote region (default: %(default)s)',
    )
    parser.add_argument('--log-requests', action='store_true', help='print an access-log line per request to stderr')
    args = parser.parse_args(argv)
    if args.https and not args.cert_dir:
        parser.error('--https needs --cert-dir (the client must be able to trust the generated ca.pem)')
    if args.token_lifetime <= 0:
        parser.error('--token-lifetime must be > 0')
    if args.start_delay < 0:
        parser.error('--start-delay must be >= 0')
    if not 0 <= args.latency_ms <= 60000:
        parser.error('--latency-ms must be from 0 to 60000')
    return args


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp_path = tempfile.mkstemp(prefix='.roma-sim-url-', dir=directory)
    with os.fdopen(handle, 'w', encoding='utf-8') as stream:
        stream.write(text)
    os.replace(temp_path, path)


def build_server(args):
    """The listening server for the parsed options (TLS material generated first with ``--https``)."""
    accounts = Accounts.from_file(args.accounts) if args.accounts else Accounts.default()
    simulator = Simulator(
        accounts,
        token_lifetime=args.token_lifetime,
        state_file=args.state_file,
        not_found=args.not_found,
        demo_instances=args.demo_datasources,
        start_delay=args.start_delay,
        latency_ms=args.latency_ms,
        demo_databases=args.demo_databases,
        datasource_secrets=args.datasource_secrets,
        composite_ext_type=EXT_TYPE_FLAGS[args.composite_ext_type],
        show_stopped_status=args.show_stopped_status,
    )
    ssl_context = None
    if args.https:
        from .certs import generate_certificates  # cryptography is needed only here

        hosts = ['127.0.0.1', 'localhost', '::1'] + ([args.host] if args.host not in ('127.0.0.1', 'localhost', '::1', '0.0.0.0', '::') else [])
        _ca, cert, key = generate_certificates(args.cert_dir, hosts)
        ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_context.load_cert_chain(cert, key)
    return SimulatorServer(simulator, args.host, args.port, ssl_context, log_requests=args.log_requests)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        server = build_server(args)
    except (OSError, ValueError, KeyError, TypeError) as error:  # bad accounts/state file, port in use, ...
        print('run_simulator.py: cannot start: %s: %s' % (type(error).__name__, error), file=sys.stderr)
        return 2
    simulator = server.simulator
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    serving = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.2}, name='roma-sim', daemon=True)
    serving.start()
    if args.url_file:
        write_atomically(args.url_file, server.url + '\n')
    print('ROMA simulator listening on %s' % server.url, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
        simulator.store.save()
    return 0


if __name__ == '__main__':
    sys.exit(main())
