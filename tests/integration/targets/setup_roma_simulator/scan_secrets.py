# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""python scan_secrets.py SECRETS_FILE OUTPUT_FILE KEPT_AS: fail when any secret, or 12 characters in a row of one, is in the output.

SECRETS_FILE holds one secret value a line; OUTPUT_FILE is what a playbook printed (at -vvv); KEPT_AS names where the
output is kept for reading, for the message.  A message cut short would hold only part of a token, hence the 12.
"""

from __future__ import annotations

import sys


def main(secrets_file, output_file, kept_as):
    with open(secrets_file, encoding='utf-8') as handle:
        secrets = [line.rstrip('\n') for line in handle if line.strip()]
    with open(output_file, encoding='utf-8', errors='replace') as handle:
        lines = handle.read().splitlines()
    text = '\n'.join(lines)
    leaks = 0
    for number, secret in enumerate(secrets, 1):
        width = min(len(secret), 12)
        pieces = set(secret[start : start + width] for start in range(len(secret) - width + 1))
        found = [piece for piece in pieces if piece in text]
        if found:
            where = sorted(set(index + 1 for index, line in enumerate(lines) for piece in found if piece in line))[:5]
            print(
                'secret #%d (%d characters) appears in the output, lines %s (%s)' % (number, len(secret), ', '.join(map(str, where)), kept_as), file=sys.stderr
            )
            leaks += 1
    if leaks:
        return 1
    print(
        'No secret (nor 12 characters in a row of one) among %d values in %d lines of -vvv output of %d tasks.'
        % (len(secrets), len(lines), sum(1 for line in lines if line.startswith('TASK [')))
    )
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
