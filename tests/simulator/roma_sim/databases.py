"""Database servers the simulator "can reach": what test-connect and a starting sync job connect to.

A real data source names a server (host and port, a JDBC URL, or an address list) and
credentials; ROMA Connect connects to it when a data source is tested and when a task
starts.  The simulator has no network, so tests *declare* the servers that exist
(``/_sim/databases``, the state file, ``--demo-databases``): each one is a host and port
with its databases, users (name -> password) and tables.  Settings that point at a
declared server are checked against it; an address nobody declared cannot be reached by
test-connect, and is not checked when a task starts (seeded demo data sources predate
declared servers).
"""

from __future__ import annotations

import re

from .datasources import column_list, demo_tables

# JDBC URLs of the professional mode: (pattern, credentials in the URL?)
_JDBC_PATTERNS = (
    re.compile(r'jdbc:oracle:thin:(?:(?P<user>[^/@]*)/(?P<password>[^@]*))?@(?://)?(?P<host>[^:/]+):(?P<port>\d+)[:/](?P<database>[^?;]+)'),
    re.compile(r'jdbc:sqlserver://(?P<host>[^:/;]+):(?P<port>\d+)(?:;.*?databaseName=(?P<database>[^;]+))?.*', re.IGNORECASE),
    re.compile(r'jdbc:[a-z0-9]+://(?P<host>[^:/?;]+):(?P<port>\d+)(?:/(?P<database>[^?;/]*))?.*', re.IGNORECASE),
)
DEMO_MYSQL = ('192.168.0.10', '3306')
DEMO_DWS = ('192.168.0.20', '8000')


class Unreachable(Exception):
    """The settings cannot be tested: the message is the reason test-connect reports."""


def _port(value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.isdigit() or not 0 <= int(value) <= 65535:
        raise ValueError('port must be a port number (0-65535), as a string or an integer')
    return str(int(value))


def normalize(raw):
    """A declared server as stored; ValueError (answered 400 by the control API) names what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError('a database server must be a JSON object')
    unknown = sorted(set(raw) - {'host', 'port', 'database_name', 'users', 'tables'})
    if unknown:
        raise ValueError('unknown database field(s): %s' % ', '.join(unknown))
    host = raw.get('host')
    if not isinstance(host, str) or not host or len(host) > 255:
        raise ValueError('host must be a non-empty string')
    port = _port(raw.get('port'))
    names = raw.get('database_name')
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not names or not all(isinstance(name, str) and name for name in names):
        raise ValueError('database_name must be a name or a non-empty list of names')
    users = raw.get('users') or {}
    if not isinstance(users, dict) or not all(isinstance(name, str) and isinstance(password, str) for name, password in users.items()):
        raise ValueError('users must be an object: user name -> password')
    tables = raw.get('tables') or {}
    if not isinstance(tables, dict) or not all(isinstance(columns, list) for columns in tables.values()):
        raise ValueError('tables must be an object: table name -> list of columns')
    return {
        'host': host,
        'port': port,
        'database_name': list(dict.fromkeys(names)),
        'users': dict(users),
        'tables': dict((str(table), column_list(table, columns)) for table, columns in tables.items()),
    }


def demo_databases():
    """The two servers behind the demo data sources, with the demo tables and the demo users."""
    mysql_tables, dws_tables = demo_tables()
    return [
        {'host': DEMO_MYSQL[0], 'port': DEMO_MYSQL[1], 'database_name': 'shop', 'users': {'fdi_reader': 'Demo-MySQL-Passw0rd!'}, 'tables': mysql_tables},
        {'host': DEMO_DWS[0], 'port': DEMO_DWS[1], 'database_name': 'warehouse', 'users': {'fdi_writer': 'Demo-DWS-Passw0rd!'}, 'tables': dws_tables},
    ]


def _first_address(value):
    """``host:port`` of the first entry of a comma-separated address list, or None."""
    first = value.split(',')[0].strip()
    if '://' in first:
        first = first.split('://', 1)[1]
    first = first.split('/', 1)[0]
    host, port = first.rpartition(':')[::2]
    return (host, port) if host and port.isdigit() else None


def target(content):
    """Where the settings point: ``{host, port, database, user, password}`` (database/user/password may be None).

    ``host`` + ``port``, else a JDBC ``url``, else the first entry of ``address`` or ``broker``.
    Raises :class:`Unreachable` when no address can be read from them.
    """
    found = {'database': content.get('database_name') or None, 'user': content.get('user_name'), 'password': content.get('password')}
    if content.get('host') and content.get('port'):
        found.update(host=content['host'], port=str(content['port']))
        return found
    url = content.get('url')
    if isinstance(url, str) and url:
        for pattern in _JDBC_PATTERNS:
            matched = pattern.fullmatch(url.strip())
            if matched:
                parts = matched.groupdict()
                found.update(host=parts['host'], port=str(int(parts['port'])))
                found['database'] = parts.get('database') or found['database']
                if parts.get('user'):
                    found.update(user=parts['user'], password=parts.get('password'))
                return found
        raise Unreachable('cannot parse the connection URL %s' % url)
    for field in ('address', 'broker'):
        value = content.get(field)
        if isinstance(value, str) and value and _first_address(value):
            found['host'], found['port'] = _first_address(value)
            return found
    raise Unreachable('the settings give no host and port, URL or address')


def check(servers, content, unknown_host_ok=False):
    """Connect with ``content`` to the declared ``servers`` ({(host, port): server}); returns the server, or None.

    Raises :class:`Unreachable` with the reason (``cannot connect to H:P``, ``Access denied for user 'x'``,
    ``Unknown database 'x'``).  With ``unknown_host_ok`` an address nobody declared is not an
    error (None is returned): a starting task only checks servers the tests declared.
    """
    try:
        where = target(content)
    except Unreachable:
        if unknown_host_ok:
            return None
        raise
    server = servers.get((where['host'], where['port']))
    if server is None:
        if unknown_host_ok:
            return None
        raise Unreachable('cannot connect to %s:%s' % (where['host'], where['port']))
    if server['users']:
        user = where['user'] or ''
        if user not in server['users'] or server['users'][user] != (where['password'] or ''):
            raise Unreachable("Access denied for user '%s' (using password: %s)" % (user, 'YES' if where['password'] else 'NO'))
    if where['database'] is not None and where['database'] not in server['database_name']:
        raise Unreachable("Unknown database '%s'" % where['database'])
    return server


def tables_at(servers, content):
    """The tables (name -> columns) of the declared database the settings point at (host, port, database); {} if none is declared."""
    try:
        where = target(content)
    except Unreachable:
        return {}
    server = servers.get((where['host'], where['port']))
    if server is None or (where['database'] is not None and where['database'] not in server['database_name']):
        return {}
    return server['tables']
