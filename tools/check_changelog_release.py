#!/usr/bin/env python
"""`make changelog-lint`: prove that ``antsibull-changelog release`` can release galaxy.yml's version.

    python tools/check_changelog_release.py DEST_DIR

Copies the collection's sources (the files git tracks or would add) to DEST_DIR, runs
``antsibull-changelog release`` there, and checks that CHANGELOG.rst has the release with its
summary, every fragment's entries and the new modules.  The release consumes the fragments of
the copy only: the checkout is left as it is.  Run it with antsibull-changelog on PATH.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAGMENTS = os.path.join('changelogs', 'fragments')


def source_files() -> list[str]:
    output = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=REPO_ROOT, check=True, capture_output=True).stdout
    return [name for name in output.decode('utf-8').split('\0') if name and os.path.isfile(os.path.join(REPO_ROOT, name))]


def fragment_entries(directory: str) -> tuple[list[str], list[str]]:
    """Names of the fragment files and the text of every entry that the changelog shows (``trivial`` ones it never does)."""
    names = sorted(name for name in os.listdir(directory) if name.endswith(('.yml', '.yaml')))
    entries = []
    for name in names:
        with open(os.path.join(directory, name), encoding='utf-8') as handle:
            for section, value in (yaml.safe_load(handle) or {}).items():
                if section != 'trivial':
                    entries += value if isinstance(value, list) else [value]
    return names, entries


def new_modules(version: str) -> list[str]:
    """The modules whose documentation says they were added in ``version``: the release must announce them."""
    directory = os.path.join(REPO_ROOT, 'plugins', 'modules')
    found = []
    for name in sorted(os.listdir(directory)):
        if name.endswith('.py') and not os.path.islink(os.path.join(directory, name)):
            with open(os.path.join(directory, name), encoding='utf-8') as handle:
                source = handle.read()
            documentation = next(
                node.value.value
                for node in ast.parse(source).body
                if isinstance(node, ast.Assign) and [getattr(target, 'id', None) for target in node.targets] == ['DOCUMENTATION']
            )
            if str((yaml.safe_load(documentation) or {}).get('version_added')) == str(version):
                found.append(name[:-3])
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print('usage: check_changelog_release.py DEST_DIR', file=sys.stderr)
        return 2
    dest = os.path.abspath(argv[0])
    with open(os.path.join(REPO_ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        version = yaml.safe_load(handle)['version']
    fragments, entries = fragment_entries(os.path.join(REPO_ROOT, FRAGMENTS))
    if not fragments:
        print(f'no changelog fragments in {FRAGMENTS}: nothing to release', file=sys.stderr)
        return 1

    shutil.rmtree(dest, ignore_errors=True)
    for name in source_files():
        os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
        shutil.copy2(os.path.join(REPO_ROOT, name), os.path.join(dest, name))
    os.makedirs(os.path.join(dest, FRAGMENTS), exist_ok=True)
    # A repository of its own: inside the checkout's build/, which git ignores, antsibull-changelog
    # would ask the checkout's git which files the collection has, and find none.
    subprocess.run(['git', 'init', '--quiet', dest], check=True)
    subprocess.run(['antsibull-changelog', 'release', '--version', str(version)], cwd=dest, check=True)

    with open(os.path.join(dest, 'CHANGELOG.rst'), encoding='utf-8') as handle:
        changelog = handle.read()
    flat = ' '.join(changelog.split())
    problems = [] if f'\nv{version}\n' in changelog else [f'no section v{version}']
    problems += [f'entry missing: {entry[:70]}...' for entry in entries if ' '.join(str(entry).split()) not in flat]
    modules = new_modules(version)
    problems += [f'new module missing: hwcloud.roma.{module}' for module in modules if f'hwcloud.roma.{module} - ' not in changelog]
    left = fragment_entries(os.path.join(dest, FRAGMENTS))[0]
    problems += [f'fragment not consumed by the release: {name}' for name in left]
    if fragment_entries(os.path.join(REPO_ROOT, FRAGMENTS))[0] != fragments:
        problems.append("the checkout's fragments changed")
    if problems:
        print(f'{os.path.join(dest, "CHANGELOG.rst")}:', *problems, sep='\n  ', file=sys.stderr)
        return 1
    print(
        f'antsibull-changelog release {version}: {os.path.relpath(os.path.join(dest, "CHANGELOG.rst"))} has the release, '
        f'{len(entries)} entries from {len(fragments)} fragments and {len(modules)} new modules'
    )
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
