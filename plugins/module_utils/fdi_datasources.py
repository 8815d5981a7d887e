# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The FDI data-source resource: its connection settings and their secrets, validation, and the data-source API.

A data source's ``content`` holds its connection settings, and with them the
database password, access keys, key stores and the like.  Everything a module
returns or prints is the dict built by :func:`normalize_datasource`, in which
:func:`redact_secrets_in` has removed every field whose name says it holds a secret
(and masked credentials written inside other strings, such as a URL's
``user:password@``).  The values removed are handed to a ``secret_sink`` (the module
adds them to ``no_log_values``), so that nothing the module prints can echo them.

Secrets are write-only: the API does not say whether it returns them, and an update
replaces the whole ``content``.  So a data source read for an update is kept twice
(:class:`StoredDatasource`): the view above, and its settings without the secret
fields, which is what an update sends back together with the secrets the task gives.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import (
    REDACTED,
    RomaApiError,
    RomaError,
    RomaResponseError,
    absent_when,
    register_secret,
    safe_snippet,
)
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import RULES as TASK_RULES
from ansible_collections.hwcloud.roma.plugins.module_utils.rules import PATH_ID_RULE, check_rules, raise_for_problems

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

    from ansible_collections.hwcloud.roma.plugins.module_utils.client import RomaClient
    from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_tasks import FdiTaskApi

# The SDK's DatasourceInfo.datasource_type tokens: the values on the wire.  (The current documentation lists display names,
# and some newer kinds, whose tokens are not published.)
DATASOURCE_TYPES = (
    'DWS',
    'MYSQL',
    'KAFKA',
    'API',
    'OBS',
    'SAP',
    'MRSHBASE',
    'MRSHDFS',
    'MRSHIVE',
    'WEBSOCKET',
    'SQLSERVER',
    'ORACLE',
    'POSTGRESQL',
    'REDIS',
    'MONGODB',
    'DIS',
    'HL7',
    'RABBITMQ',
    'SNMP',
    'IBMMQ',
    'CUSTOMIZED',
    'ACTIVEMQ',
    'ARTEMISMQ',
    'FTP',
    'HIVE',
    'HANA',
    'FIKAFKA',
    'MRSKAFKA',
    'FIHDFS',
    'FIHIVE',
    'GAUSS200',
    'GAUSS100',
    'LDAP',
    'DB2',
    'TAURUS',
)
DATASOURCE_FIELDS = ('datasource_id', 'datasource_name', 'datasource_type', 'app_id', 'app_name', 'description', 'create_time', 'update_time')
# What identifies a data source and what filters match on: never masked, or a name such as "etl-key=2" could not be found.
IDENTITY_FIELDS = ('datasource_id', 'datasource_name', 'datasource_type', 'app_id')
TABLE_POSITIONS = ('SOURCE', 'TARGET')
ROLES = ('source', 'target')  # the ends of a task a data source can be

# option name -> (pattern, human rule).  datasource_name: the SDK's DatasourceInfo says 1-255 characters without & < > " ' ( ).
NAME_RULE = (re.compile(r'^[^&<>"\'()\x00-\x1f\x7f]{1,255}$'), '1-255 characters without &, <, >, ", \', (, ) or control characters')
RULES = {
    'instance_id': PATH_ID_RULE,
    'datasource_id': PATH_ID_RULE,  # a path segment, like the instance ID
    'app_id': TASK_RULES['source_app_id'],
    'datasource_type': (re.compile(r'^[A-Za-z0-9_]{1,64}$'), '1-64 letters, digits and "_", such as MYSQL or DWS'),
    'name': NAME_RULE,
    'name_contains': NAME_RULE,
    'tables_position': (re.compile(r'^(?:SOURCE|TARGET)$'), 'SOURCE or TARGET'),
}

# "This data source does not exist".  The reference documents no code for it (FDI.3021 and FDI.3081 are about tasks), so
# the form is the one the bundled simulator defines and documents: 400 FDI.3033 "Invalid parameter [datasource_id]."
# (an ID that is well-formed, which the module checks first, is invalid only because nothing has it).  Nothing else is
# absent: another invalid parameter, FDI.3021/FDI.3081, or a 404 without an FDI code (a wrong endpoint or base path).
DATASOURCE_NOT_FOUND = (400, 'FDI.3033', 'Invalid parameter [datasource_id]')


def validate_datasource_options(params: Mapping[str, Any]) -> None:
    """Check the data-source lookup options before any request; raise RomaInputError listing every problem.

    (The connection options, project_id included, are checked when the client is built, also before any request.)
    """
    raise_for_problems(check_rules(params, RULES))


# -- secrets in connection settings -------------------------------------------------------------

# The fields the API's documentation marks as secret (reference: docs/api.md, data sources).  connector_params may hold one.
SECRET_CONTENT_FIELDS = (
    'password',
    'sk',
    'ssl_password',
    'trust_store_password',
    'key_store_password',
    'key_store_key_password',
    'snmp_community',
    'config_file_content',
    'key_store',
    'trust_store',
    'connector_params',
)
SECRET_AUTH_DETAIL_FIELDS = ('password', 'app_secret', 'secret', 'client_secret', 'authorization')  # of api_auth_detail


# A field is secret when one of the words of its name (snake_case, camelCase, kebab-case) is one of these ...
SECRET_WORDS = frozenset(
    (
        'password',
        'passwords',
        'passwd',
        'pwd',
        'pw',
        'pass',
        'passphrase',
        'secret',
        'secrets',
        'token',
        'tokens',
        'credential',
        'credentials',
        'key',
        'keys',
        'sk',
        'ak',
        'keytab',
        'authorization',
        'community',
        'cookie',
        'signature',
    )
)
# ... or when its name contains one of these (names written as one word: saslpassword, accesskey, secretkey) ...
SECRET_FRAGMENTS = ('password', 'passwd', 'passphrase', 'secret', 'token', 'credential', 'keytab', 'apikey', 'accesskey', 'privatekey', 'authorization')
# ... or when it is one of the fields the API documents as secret (SDK Content and ApiAuthDetail: reference of docs/api.md),
# among them the key and trust stores, which hold the content of an uploaded file (connector_params is no secret by its
# name: it is a document that may hold some) ...
SECRET_FIELD_NAMES = frozenset(SECRET_CONTENT_FIELDS + SECRET_AUTH_DETAIL_FIELDS) - {'connector_params'}
# ... or when it holds all words of one of these (the content of an uploaded file: a keytab, a key store) ...
SECRET_WORD_SETS = (frozenset(('file', 'content')),)
# ... unless its last word says it only describes a secret (key_store_file_type: JKS; auth_method: basicauth).
DESCRIPTOR_WORDS = frozenset(('type', 'method', 'mode', 'enable', 'enabled', 'algorithm', 'format'))

_URL_USERINFO = re.compile(r'(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:?#]*:)(?P<secret>[^\s/@?#]+)(?P<tail>@)')
# Oracle's user/password@host (jdbc:oracle:thin:scott/tiger@db:1521:orcl, and EZConnect's scott/tiger@//db:1521/orcl)
_SLASH_USERINFO = re.compile(r"""(?P<head>(?:^|(?<=[\s:=@'"(]))[A-Za-z0-9_.$#-]+/)(?P<secret>[^\s/@'"]+)(?P<tail>@(?=[A-Za-z0-9\[(/]))""")
_ASSIGNMENT = re.compile(r"""(?P<head>(?P<name>[A-Za-z_][\w.-]*)\s*=\s*)(?P<secret>"[^"]*"|'[^']*'|[^\s&;,)\]}]+)""")
_JSON_PAIR = re.compile(r"""(?P<head>(?P<quote>["'])(?P<name>[^"'\s]{1,100})(?P=quote)\s*:\s*)(?P<secret>"(?:[^"\\]|\\.)*"|'[^']*')""")


def field_words(name: object) -> list[str]:
    """The lower-case words of a field name: ``sslKeyPassword`` and ``ssl-key_password`` are both ssl, key, password."""
    spaced = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', str(name))
    return [word for word in re.split(r'[^a-z0-9]+', spaced.lower()) if word]


def is_secret_field(name: object) -> bool:
    """Whether a field of that name holds a password, secret, key, token or credential (see the word lists above)."""
    if str(name).lower() in SECRET_FIELD_NAMES:
        return True
    words = field_words(name)
    if not words or words[-1] in DESCRIPTOR_WORDS:
        return False
    joined = ''.join(words)
    return (
        any(word in SECRET_WORDS for word in words)
        or any(fragment in joined for fragment in SECRET_FRAGMENTS)
        or any(word_set.issubset(words) for word_set in SECRET_WORD_SETS)
    )


def _leaves(value: object) -> Iterator[str]:
    """Every non-empty scalar in a removed value, as text (booleans and null are not secrets)."""
    if isinstance(value, dict):
        for child in value.values():
            yield from _leaves(child)
    elif isinstance(value, (list, tuple)):
        for child in value:
            yield from _leaves(child)
    elif value is not None and not isinstance(value, bool):
        text = str(value)
        if text.strip():
            yield text


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in '"\'' else text


def _mask_text(text: str, found: list[str]) -> str:
    """Mask credentials written inside a string: ``scheme://user:password@``, ``password=...``, ``"secret": "..."``."""

    def url(match: re.Match[str]) -> str:
        found.append(match.group('secret'))
        return match.group('head') + REDACTED + match.group('tail')

    def named(match: re.Match[str]) -> str:
        if not is_secret_field(match.group('name')):
            return match.group(0)
        secret = _unquote(match.group('secret'))
        if not secret.strip():
            return match.group(0)
        found.append(secret)
        quote = match.group('secret')[0] if match.group('secret')[:1] in ('"', "'") else ''
        return match.group('head') + quote + REDACTED + quote

    text = _URL_USERINFO.sub(url, text)
    text = _SLASH_USERINFO.sub(url, text)
    text = _JSON_PAIR.sub(named, text)
    return _ASSIGNMENT.sub(named, text)


def redact_secrets_in(value: Any, found: list[str] | None = None) -> tuple[Any, list[str]]:
    """Return ``(copy of value without its secrets, [the secret values removed])``.

    In every dict at any depth, a field whose name is secret (:func:`is_secret_field`)
    is removed, unless its value is a boolean or null (``ssl_key_enabled: true`` is
    not a secret).  In every remaining string, credentials written inside it are
    masked.  The removed values are listed so that the caller can keep them out of
    every other output as well.
    """
    found = [] if found is None else found
    if isinstance(value, dict):
        kept = {}
        for key, child in value.items():
            if is_secret_field(key) and child is not None and not isinstance(child, bool):
                found.extend(_leaves(child))
                continue
            kept[key] = redact_secrets_in(child, found)[0]
        return kept, found
    if isinstance(value, (list, tuple)):
        return [redact_secrets_in(child, found)[0] for child in value], found
    if isinstance(value, str):
        return _mask_text(value, found), found
    return value, found


def _content_document(content: object) -> dict[str, Any] | None:
    """``content`` as a dict: the API's object, or one serialised as a JSON string; None for anything else."""
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return None
    return content if isinstance(content, dict) else None


def normalize_datasource(entity: Mapping[str, Any], secret_sink: Callable[[str], object] | None = None) -> dict[str, Any]:
    """Build the collection's data-source dict from a ``DataSourceRsp``, without a secret.

    Secrets are looked for in the whole entity, not only in ``content``, so that a
    secret the API reports anywhere is also handed to ``secret_sink``; only the
    identity fields are taken as they are.  A ``content`` that is neither an object
    nor a JSON object cannot be checked field by field: it is left out (``None``) and
    the whole value is treated as a secret.
    """
    entity = dict(entity)
    identity = dict((field, entity.pop(field, None)) for field in IDENTITY_FIELDS)
    content = entity.pop('content', None)
    document = _content_document(content)
    redacted, found = redact_secrets_in(entity)
    if document is not None:
        redacted_content = redact_secrets_in(document, found)[0]
    else:
        redacted_content = None
        found.extend(_leaves(content))
    for secret in found:
        register_secret(secret)
        if secret_sink is not None:
            secret_sink(secret)
    redacted.update(identity)
    datasource = dict((field, redacted.get(field)) for field in DATASOURCE_FIELDS)
    for field in ('datasource_id', 'datasource_name', 'app_id', 'app_name', 'description'):
        if datasource[field] is not None and not isinstance(datasource[field], str):
            datasource[field] = str(datasource[field])
    if isinstance(datasource['datasource_type'], str):
        datasource['datasource_type'] = datasource['datasource_type'].upper()
    datasource['content'] = redacted_content
    return datasource


def is_datasource_not_found(error: BaseException) -> bool:
    """Whether an API error says that the data source does not exist (only the form in DATASOURCE_NOT_FOUND)."""
    status, code, message = DATASOURCE_NOT_FOUND
    return isinstance(error, RomaApiError) and error.status == status and error.error_code == code and message in (error.error_msg or '')


def is_table_not_found(error: BaseException) -> bool:
    """A columns read of a table (or data source) that does not exist: 400 FDI.3033 naming table_name or datasource_id [OURS]."""
    return is_datasource_not_found(error) or (
        isinstance(error, RomaApiError)
        and error.status == 400
        and error.error_code == 'FDI.3033'
        and 'Invalid parameter [table_name]' in (error.error_msg or '')
    )


def matches_filters(
    datasource: Mapping[str, Any], name: str | None = None, name_contains: str | None = None, datasource_type: str | None = None, app_id: str | None = None
) -> bool:
    """Apply every filter on the client: the API's name filter is fuzzy, and its other filters' rules are undocumented."""
    return (
        (name is None or datasource.get('datasource_name') == name)
        and (name_contains is None or name_contains in (datasource.get('datasource_name') or ''))
        and (datasource_type is None or (datasource.get('datasource_type') or '').upper() == datasource_type.upper())
        and (app_id is None or datasource.get('app_id') == app_id)
    )


class FdiDatasourceApi:
    """Read calls for the data sources of one ROMA Connect instance, returning normalised data-source dicts.

    ``secret_sink`` is called with every secret value removed from a data source.
    """

    def __init__(self, client: RomaClient, instance_id: str, secret_sink: Callable[[str], object] | None = None) -> None:
        self.client = client
        self.instance_id = instance_id
        self.secret_sink = secret_sink

    def _path(self, *parts: str) -> str:
        return '/v2/%s/fdi/instances/%s/%s' % (self.client.project_id, self.instance_id, '/'.join(parts))

    def _normalize(self, entity: Mapping[str, Any]) -> dict[str, Any]:
        return normalize_datasource(entity, self.secret_sink)

    def iter_datasources(self, name: str | None = None, datasource_type: str | None = None, app_id: str | None = None) -> Iterator[dict[str, Any]]:
        """Every data source matching the list API's filters, across all pages, each once (``name`` is a fuzzy match)."""
        query = dict(
            (key, value)
            for key, value in (('name', name), ('datasource_type', datasource_type.upper() if datasource_type else None), ('app_id', app_id))
            if value is not None
        )
        seen = set()
        for entity in self.client.paginate(self._path('datasources'), query):
            if not isinstance(entity, dict):
                continue
            datasource = self._normalize(entity)
            identity = datasource['datasource_id']
            if identity is not None and identity in seen:
                continue  # listed again on a later page because the list changed while it was read
            seen.add(identity)
            yield datasource

    @absent_when(is_datasource_not_found)
    def get_datasource(self, datasource_id: str) -> dict[str, Any]:
        """One data source by ID (one request), or None when it does not exist."""
        path = self._path('datasources', datasource_id)
        shown = self.client.call('GET', path)
        if not isinstance(shown, dict) or not shown:
            raise RomaResponseError(
                'ROMA Connect answered GET %s without a data source object: %s' % (self.client.base_path() + path, safe_snippet(json.dumps(shown)))
            )
        datasource = self._normalize(shown)
        datasource['datasource_id'] = datasource['datasource_id'] or datasource_id
        return datasource

    @absent_when(is_datasource_not_found)
    def list_tables(self, datasource_id: str, position: str = 'SOURCE') -> list[str]:
        """The table names of a data source, as seen from that end of a task; None when the data source does not exist."""
        path = self._path('datasources', datasource_id, 'tables')
        answer = self.client.call('GET', path, {'position': position})
        tables = answer.get('tables') if isinstance(answer, dict) else None
        if not isinstance(tables, list) or not all(isinstance(table, str) for table in tables):
            raise RomaResponseError(
                'ROMA Connect answered GET %s without a "tables" list of names: %s' % (self.client.base_path() + path, safe_snippet(json.dumps(answer)))
            )
        return tables

    @absent_when(is_table_not_found)
    def list_columns(self, datasource_id: str, table: str, position: str = 'SOURCE') -> list[str]:
        """The column names of one table of a data source; None when the data source or the table does not exist."""
        path = self._path('datasources', datasource_id, 'columns')
        answer = self.client.call('GET', path, {'position': position, 'table_name': table})
        columns = answer.get('columns') if isinstance(answer, dict) else None
        if not isinstance(columns, list) or not all(isinstance(column, dict) for column in columns):
            raise RomaResponseError(
                'ROMA Connect answered GET %s without a "columns" list: %s' % (self.client.base_path() + path, safe_snippet(json.dumps(answer)))
            )
        return [str(column.get('field_name')) for column in columns if column.get('field_name') not in (None, '')]

    # -- what an update needs, and writes -------------------------------------------------------------

    @absent_when(is_datasource_not_found)
    def get_stored(self, datasource_id: str) -> StoredDatasource:
        """A data source by ID with its writable settings (:class:`StoredDatasource`), or None when it does not exist."""
        path = self._path('datasources', datasource_id)
        return StoredDatasource(self._entity(self.client.call('GET', path), path), self.secret_sink, datasource_id)

    def find_stored(self, name: str) -> StoredDatasource | None:
        """The one data source named exactly ``name`` (the list filter is fuzzy), with its writable settings; None when there is none.

        The list entities carry the settings (DataSourceRsp), so no show is needed unless one lacks them.
        """
        query = {'name': name}
        found = [
            entity for entity in self.client.paginate(self._path('datasources'), query) if isinstance(entity, dict) and entity.get('datasource_name') == name
        ]
        ids = sorted(set(str(entity.get('datasource_id')) for entity in found))
        if len(ids) > 1:
            raise RomaError(
                'More than one data source in instance %s is named %r (datasource ids %s): set datasource_id to say which '
                'one.' % (self.instance_id, name, ', '.join(ids))
            )
        if not found:
            return None
        if not isinstance(found[0].get('content'), (dict, str)) and found[0].get('datasource_id'):
            return self.get_stored(str(found[0]['datasource_id']))
        return StoredDatasource(found[0], self.secret_sink)

    def _entity(self, answer: object, path: str) -> dict[str, Any]:
        if not isinstance(answer, dict) or not answer:
            raise RomaResponseError(
                'ROMA Connect answered %s without a data source object: %s' % (self.client.base_path() + path, safe_snippet(json.dumps(answer)))
            )
        return answer

    def create_datasource(self, body: Mapping[str, Any]) -> StoredDatasource:
        """POST a data source and return it (StoredDatasource), never creating it twice.

        POST is not idempotent: after a failure the service may have acted on, the data source
        is looked up by its name (unique in an instance) before anything else happens.
        """
        path = self._path('datasources')
        try:
            answer = self.client.call('POST', path, body=body)
        except RomaError as error:
            existing = self.find_stored(body['datasource_name']) if error.may_have_been_processed else None
            if existing is None:
                raise
            return existing
        return StoredDatasource(self._entity(answer, path), self.secret_sink)

    @absent_when(is_datasource_not_found)
    def update_datasource(self, datasource_id: str, body: Mapping[str, Any]) -> StoredDatasource | None:
        """PUT the whole data source (the API replaces ``content``); the data source as answered, or None when it is gone."""
        path = self._path('datasources', datasource_id)
        answer = self.client.call('PUT', path, body=body)
        if not isinstance(answer, dict) or not answer:
            return self.get_stored(datasource_id)  # an update answered without the data source: read it
        return StoredDatasource(answer, self.secret_sink, datasource_id)

    @absent_when(is_datasource_not_found)
    def delete_datasource(self, datasource_id: str) -> None:
        """Delete a data source; one that is already gone (a retried DELETE) counts as deleted."""
        self.client.call('DELETE', self._path('datasources', datasource_id), expect_body=False)

    def test_connection(self, datasource_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST .../test-connect`` with the full settings: ``{result, message}``; a refusal (400 FDI.3016) is a result, not an error.

        A refusal also carries ``error`` (the RomaApiError: its code, status and request ID, for the module's failure).
        Testing twice is harmless, so the request may be retried like a read.
        """
        try:
            answer = self.client.call('POST', self._path('datasources', datasource_id, 'test-connect'), body=body, idempotent=True)
        except RomaApiError as error:
            if error.status == 400 and error.error_code == CONNECTION_TEST_FAILED:
                return {'result': False, 'message': error.error_msg, 'error': error}
            raise
        result = answer.get('result') if isinstance(answer, dict) else None
        if result is not True:
            return {'result': False, 'message': 'ROMA Connect answered the test without "result": true: %s' % safe_snippet(json.dumps(answer))}
        return {'result': True, 'message': 'ROMA Connect reached the data source with these settings.'}


# -- who uses a data source ---------------------------------------------------------------------------


def datasource_users(tasks_api: FdiTaskApi, datasource_id: str) -> list[dict[str, Any]]:
    """``[{task_id, task_name, status, role}]``: every task (composite or not) that reads from or writes to the data source.

    Two list requests (all pages): the task list's source_datasource_id and target_datasource_id filters.
    The kind of each task is kept (``composite``) for the caller: only composite tasks are restarted.
    """
    users = []
    for role in ROLES:
        for listed in tasks_api.iter_listed(**{'%s_datasource_id' % role: datasource_id}):
            users.append(
                {'task_id': listed.task_id, 'task_name': listed.task.get('task_name'), 'status': listed.task.get('status'), 'role': role, '_listed': listed}
            )
    return users


def public_users(users: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [dict((key, value) for key, value in user.items() if not key.startswith('_')) for user in users]


CONNECTION_TEST_FAILED = 'FDI.3016'  # "Failed to test the connectivity." (FDI error codes)


class StoredDatasource:
    """A data source as read: ``view`` (what modules return, without a secret) and ``settings`` (its content minus the
    secret fields, exactly as reported: what an update sends back; never returned nor printed)."""

    def __init__(self, entity: Mapping[str, Any], secret_sink: Callable[[str], object] | None = None, datasource_id: str | None = None) -> None:
        self.view = normalize_datasource(entity, secret_sink)
        self.view['datasource_id'] = self.view['datasource_id'] or datasource_id
        content = _content_document(entity.get('content')) or {}
        # What an update sends back: every field but the documented secrets (the service may mask those, or leave them
        # out).  Not is_secret_field, which masks output and so also takes ak or app_key (identifiers, not secrets).
        self.settings = dict((key, value) for key, value in content.items() if key not in SECRET_CONTENT_FIELDS and key != 'api_auth_detail')
        auth_detail = content.get('api_auth_detail')
        if isinstance(auth_detail, dict):
            self.settings['api_auth_detail'] = dict((key, value) for key, value in auth_detail.items() if key not in SECRET_AUTH_DETAIL_FIELDS)
        # secret fields the service reports as set (masked or in clear): an update must send them again
        self.secrets_set = sorted(key for key, value in content.items() if key in SECRET_CONTENT_FIELDS and value not in (None, ''))
        if isinstance(auth_detail, dict):
            self.secrets_set += sorted(
                'api_auth_detail.%s' % key for key, value in auth_detail.items() if key in SECRET_AUTH_DETAIL_FIELDS and value not in (None, '')
            )

    @property
    def datasource_id(self) -> str | None:
        return self.view['datasource_id']
