# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection and authentication options shared by every hwcloud.roma module."""

from __future__ import annotations


class ModuleDocFragment:
    """Documented once here; the argument spec lives in module_utils/module.py."""

    DOCUMENTATION = r"""
options:
  region:
    description:
      - Huawei Cloud region ID, for example V(cn-north-4).
      - Used to derive O(endpoint) and O(iam_endpoint) when they are not set, and to scope a password login
        when O(project_id) is not set.
      - If not set, the value of the E(HUAWEICLOUD_REGION) or E(HW_REGION_NAME) environment variable is used.
    type: str
  project_id:
    description:
      - ID of the project that owns the ROMA Connect instance.
      - Required with O(auth_token) and with O(access_key)/O(secret_key). With a password login it may be omitted;
        it is then taken from the IAM token (C(token.project.id)).
      - If not set, the value of the E(HUAWEICLOUD_SDK_PROJECT_ID) or E(HW_PROJECT_ID) environment variable is used.
    type: str
  endpoint:
    description:
      - Base URL of the ROMA Connect API, with scheme and optional port and path.
      - Defaults to C(https://roma.{region}.myhuaweicloud.com).
      - If not set, the value of the E(HUAWEICLOUD_ROMA_ENDPOINT) environment variable is used.
    type: str
  iam_endpoint:
    description:
      - Base URL of IAM, used only for a password login.
      - Defaults to C(https://iam.{region}.myhuaweicloud.com).
      - If not set, the value of the E(HUAWEICLOUD_SDK_IAM_ENDPOINT) environment variable is used.
    type: str
  auth_token:
    description:
      - An IAM token, sent as C(X-Auth-Token). Takes precedence over the other credentials set the same way (see the notes).
      - Get one per play with M(hwcloud.roma.iam_token) and pass it through C(module_defaults).
      - If not set, the value of the E(HUAWEICLOUD_AUTH_TOKEN) environment variable is used.
    type: str
  access_key:
    description:
      - Access key ID (AK). With O(secret_key), every request is signed with SDK-HMAC-SHA256.
      - Used when no O(auth_token) is set the same way (see the notes).
      - If not set, the value of the E(HUAWEICLOUD_SDK_AK) or E(HW_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret access key (SK) that belongs to O(access_key).
      - If not set, the value of the E(HUAWEICLOUD_SDK_SK) or E(HW_SECRET_KEY) environment variable is used.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials, sent as C(X-Security-Token). Only used with O(access_key).
      - If not set, the value of the E(HUAWEICLOUD_SDK_SECURITY_TOKEN) environment variable is used.
    type: str
  user_name:
    description:
      - IAM user name for a password login (a token is fetched from O(iam_endpoint) once per module run).
      - Used when neither O(auth_token) nor O(access_key)/O(secret_key) is set the same way (see the notes).
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(user_name).
      - If not set, the value of the E(HW_PASSWORD) environment variable is used.
    type: str
  domain_name:
    description:
      - Account (domain) name that O(user_name) belongs to.
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificates of O(endpoint) and O(iam_endpoint).
      - Set to V(false) only for testing.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM CA bundle (or a directory of CA certificates) used to verify the endpoints' certificates, for
        private or test endpoints. It must exist when O(validate_certs=true).
      - Without it, the CA bundle that E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) names is used, else the system's trust
        store (as C(ansible.builtin.uri) uses it; E(SSL_CERT_FILE) and E(SSL_CERT_DIR) move it).
    type: path
  timeout:
    description:
      - Seconds to wait for a connection and for each response, more than 0 and at most 86400.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is re-sent after a transient failure (connection error, timeout, HTTP 429, 500,
        502, 503 or 504), with exponential backoff and jitter, honouring C(Retry-After).
      - A 5xx whose error code states a permanent condition (C(ROMA.00110002), the instance does not exist) is not
        retried; the module fails at once and says what to check.
      - GET, PUT and DELETE are retried, and so are the IAM login, start/stop requests (repeating them is
        harmless) and any request the gateway throttled with HTTP 429 (nothing processed it).
        A create is never re-sent blindly; it carries its task ID, and after an ambiguous failure the module shows the
        task by that ID first, so that a retry cannot create a duplicate.
      - Between 0 and 10.
    type: int
    default: 3
notes:
  - "Credentials set in the task (directly or through C(module_defaults)) always win over credentials found in
    environment variables, whatever their kind: a token left in E(HUAWEICLOUD_AUTH_TOKEN) never overrides keys written
    in the playbook. Among credentials set the same way the order is O(auth_token); O(access_key) with O(secret_key);
    O(user_name) with O(password) and O(domain_name). A credential set in the task may take its companion
    (O(secret_key), O(security_token), O(password), O(domain_name)) from the environment. With no credentials at all
    the module fails before sending any request."
  - All modules of this collection are in the action group C(hwcloud.roma.roma), so the connection options can
    be set once per play with C(module_defaults) and C(group/hwcloud.roma.roma).
  - Requests go through the proxy that E(https_proxy) (for an C(https://) endpoint, tunnelled with C(CONNECT)),
    E(http_proxy) or E(all_proxy) names, unless E(no_proxy) lists the host; the proxy URL must be C(http://) and may
    hold C(user:password). The modules need no Python package beyond the standard library.
"""
