"""IAM accounts, token issue/validation and SDK-HMAC-SHA256 signature verification (docs/api.md: IAM, Common rules).

The verifier rebuilds the canonical request from what was *received* (method, raw
path, query string, the listed headers' values, the body), so any client whose
signer deviates from the official SDK's is rejected exactly as the API gateway would.
"""

from __future__ import annotations

import calendar
import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from datetime import datetime, timezone
from urllib.parse import parse_qsl, quote, unquote

ALGORITHM = 'SDK-HMAC-SHA256'
SDK_DATE_FORMAT = '%Y%m%dT%H%M%SZ'
EMPTY_BODY_HASH = hashlib.sha256(b'').hexdigest()
SIGNATURE_WINDOW_SECONDS = 15 * 60
IAM_PREFIX = 'Incorrect IAM authentication information: '
AUTHORIZATION_RE = re.compile(r'SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*')

DEFAULT_ACCOUNTS = {
    'domains': [
        {
            'id': 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0',
            'name': 'demo-account',
            'projects': [{'id': '0123456789abcdef0123456789abcdef', 'name': 'cn-north-4'}, {'id': 'fedcba9876543210fedcba9876543210', 'name': 'cn-east-3'}],
            'users': [{'id': 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 'name': 'demo-user', 'password': 'Demo-Passw0rd!', 'projects': ['cn-north-4', 'cn-east-3']}],
            'access_keys': [
                {'access': 'AKEXAMPLE0123456789', 'secret': 'SKEXAMPLEsecret0123456789', 'user': 'demo-user'},
                {
                    'access': 'AKTEMPEXAMPLE0000001',
                    'secret': 'SKTEMPEXAMPLEsecret0000001',
                    'user': 'demo-user',
                    'security_token': 'STSEXAMPLEsecuritytoken0123456789',
                },
            ],
        }
    ],
}


class AuthError(Exception):
    """Authentication failed; ``message`` is the full APIG.0301 error_msg."""

    def __init__(self, detail):
        super().__init__(IAM_PREFIX + detail)
        self.message = IAM_PREFIX + detail


def iam_time(epoch):
    """``2024-01-01T00:00:00.000000Z``: the IAM token body's time format."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


class Accounts:
    """Domains (accounts) with their projects, IAM users and access keys; see tests/simulator/README.md."""

    def __init__(self, document):
        self.document = document
        self.projects = {}  # project id -> {id, name, domain}
        self.users = {}  # (domain name, user name) -> user; user['projects'] holds project ids
        self.users_by_id = {}
        self.access_keys = {}  # AK -> {access, secret, security_token, user}
        for domain in document['domains']:
            brief_domain = {'id': domain['id'], 'name': domain['name']}
            names = {}
            for project in domain.get('projects', []):
                self.projects[project['id']] = dict(project, domain=brief_domain)
                names[project['name']] = project['id']
            for user in domain.get('users', []):
                record = dict(user, domain=brief_domain, projects=[names.get(ref, ref) for ref in user.get('projects', list(names))])
                self.users[(domain['name'], user['name'])] = record
                self.users_by_id[user['id']] = record
            for key in domain.get('access_keys', []):
                self.access_keys[key['access']] = dict(key, user=self.users[(domain['name'], key['user'])])

    @classmethod
    def default(cls):
        return cls(copy.deepcopy(DEFAULT_ACCOUNTS))

    @classmethod
    def from_file(cls, path):
        with open(path, encoding='utf-8') as handle:
            return cls(json.load(handle))

    def find_user(self, user_ref):
        """The user a password-auth ``user`` object names (by id, or by name within a domain name/id)."""
        if user_ref.get('id'):
            return self.users_by_id.get(user_ref['id'])
        domain = user_ref.get('domain') or {}
        for (domain_name, user_name), user in self.users.items():
            if user_name == user_ref.get('name') and (domain.get('name') == domain_name or (domain.get('id') and domain['id'] == user['domain']['id'])):
                return user
        return None

    def find_project(self, user, scope):
        """The project a ``{"name"|"id"}`` scope names, if the user is a member of it."""
        for project_id in user['projects']:
            project = self.projects.get(project_id)
            if project and (scope.get('id') == project_id or scope.get('name') == project['name']):
                return project
        return None

    def first_user_of(self, project_id):
        return next((user for user in self.users.values() if project_id in user['projects']), None)


class TokenRegistry:
    """Opaque tokens this simulator issued: token -> {project (or None), domain, user, expires_at}."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}

    def clear(self):
        with self._lock:
            self._tokens.clear()

    def issue(self, user, project, lifetime, now):
        token = 'MIIsim' + secrets.token_urlsafe(240)
        record = {'user': user, 'project': project, 'issued_at': now, 'expires_at': now + lifetime}
        with self._lock:
            self._tokens[token] = record
        return token, record

    def check(self, token, project_id, now):
        """The token's record; AuthError unless it is known, scoped to ``project_id`` and not expired.

        A token scoped to another project (or to the domain) is reported like a token from
        another region: "decrypt token fail".
        """
        with self._lock:
            record = self._tokens.get(token)
        if record is None or record['project'] is None or record['project']['id'] != project_id:
            raise AuthError('decrypt token fail')
        if now >= record['expires_at']:
            raise AuthError('token expires, expires_at: %s' % iam_time(record['expires_at']))
        return record


def _header_value(headers, name):
    """A received header value as the client signed it (http.server decodes headers as Latin-1; the SDK sends UTF-8)."""
    value = headers.get(name)
    if value is None:
        return None
    try:
        value = value.encode('latin-1').decode('utf-8')
    except UnicodeError:
        pass
    return value.strip()


def same_secret(received, expected):
    """Constant-time comparison that also copes with non-ASCII input."""
    return hmac.compare_digest(received.encode('utf-8', 'replace'), expected.encode('utf-8'))


def canonical_uri(raw_path):
    """Percent-decode, re-encode each segment (RFC 3986, ``~`` safe) and end with ``/``."""
    path = '/'.join(quote(segment, safe='~') for segment in unquote(raw_path).split('/'))
    return path if path.endswith('/') else path + '/'


def canonical_query(query_string):
    """Sorted ``k=v`` pairs, keys and values encoded with ``~`` as the only safe character (space -> %20)."""
    pairs = sorted(parse_qsl(query_string, keep_blank_values=True))
    return '&'.join('%s=%s' % (quote(key, safe='~'), quote(value, safe='~')) for key, value in pairs)


def canonical_request(method, raw_path, query_string, headers, signed_headers, body):
    """The SDK's CanonicalRequest, built from the received request (``headers``: case-insensitive mapping)."""
    canonical_headers = ''.join('%s:%s\n' % (name, _header_value(headers, name)) for name in signed_headers)
    if not body:
        payload_hash = EMPTY_BODY_HASH
    else:
        payload_hash = _header_value(headers, 'x-sdk-content-sha256') or hashlib.sha256(body).hexdigest()
    return '\n'.join([method.upper(), canonical_uri(raw_path), canonical_query(query_string), canonical_headers, ';'.join(signed_headers), payload_hash])


def signature(secret, sdk_date, canonical):
    string_to_sign = '%s\n%s\n%s' % (ALGORITHM, sdk_date, hashlib.sha256(canonical.encode('utf-8')).hexdigest())
    return hmac.new(secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def verify_signature(accounts, method, raw_path, query_string, headers, body, now):
    """The access key of a correctly signed request; AuthError (APIG.0301 wording) otherwise.

    Order of checks: header syntax, known AK, required signed headers, X-Sdk-Date window,
    signature, then the security token of a temporary AK.
    """
    match = AUTHORIZATION_RE.fullmatch(headers.get('Authorization', '').strip())
    if not match:
        raise AuthError('verify aksk signature fail')
    access, signed_list, received_signature = match.groups()
    key = accounts.access_keys.get(access)
    if key is None:
        raise AuthError('Get secretKey failed,ak:******,err:ak not exist')
    signed_headers = signed_list.split(';')
    if 'host' not in signed_headers or 'x-sdk-date' not in signed_headers or any(headers.get(name) is None for name in signed_headers):
        raise AuthError('verify aksk signature fail')
    sdk_date = _header_value(headers, 'x-sdk-date')
    try:
        signed_at = calendar.timegm(time.strptime(sdk_date, SDK_DATE_FORMAT))
    except ValueError:
        raise AuthError('X-Sdk-Date %r is not in the format YYYYMMDDTHHMMSSZ' % sdk_date)
    if abs(now - signed_at) > SIGNATURE_WINDOW_SECONDS:
        raise AuthError(
            'the request time (X-Sdk-Date %s) is more than 15 minutes away from the server time (%s)'
            % (sdk_date, time.strftime(SDK_DATE_FORMAT, time.gmtime(now)))
        )
    expected = signature(key['secret'], sdk_date, canonical_request(method, raw_path, query_string, headers, signed_headers, body))
    if not hmac.compare_digest(expected, received_signature.lower()):
        raise AuthError('verify aksk signature fail')
    if key.get('security_token') and not same_secret(headers.get('X-Security-Token', ''), key['security_token']):
        raise AuthError('verify security token fail')
    return key
