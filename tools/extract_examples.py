#!/usr/bin/env python
"""Write every example users copy as a playbook, so ansible-lint can check it.

``python tools/extract_examples.py DEST_DIR`` writes

- ``DEST_DIR/<module>.yml`` with the EXAMPLES of each module in plugins/modules/ (read from
  the source without importing the module), and
- ``DEST_DIR/<page>-<n>.yml`` with the n-th YAML code block of each Markdown page in docs/
  and of README.md that is a list of plays or tasks (blocks that are mappings, such as a requirements.yml,
  are not playbooks and are left out).

An example that is already a playbook (its items have ``hosts``) is written as it is; a list
of tasks is put under one play on ``localhost``, the way a user would paste it.  The text is
copied verbatim (comments and formatting included), so every line the linter reports is a
line of the example, a fixed number of lines further down.
"""

from __future__ import annotations

import ast
import glob
import os
import re
import sys

import yaml


class AnsibleYamlLoader(yaml.SafeLoader):
    """yaml.SafeLoader that also reads the tags Ansible adds to YAML (``!vault`` of ansible-vault encrypt_string, ``!unsafe``)."""


for _tag in ('!vault', '!unsafe'):
    AnsibleYamlLoader.add_constructor(_tag, lambda loader, node: loader.construct_scalar(node))

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES_DIR = os.path.join(REPO_ROOT, 'plugins', 'modules')
DOCS_DIR = os.path.join(REPO_ROOT, 'docs')
YAML_BLOCK = re.compile(r'^```ya?ml[ \t]*\n(.*?)^```[ \t]*$', re.MULTILINE | re.DOTALL)

PLAY_HEADER = """---
# Extracted from {source} by tools/extract_examples.py.
- name: Examples from {source}
  hosts: localhost
  gather_facts: false
  tasks:
"""
PLAYBOOK_HEADER = """---
# Extracted from {source} by tools/extract_examples.py.
"""


def read_examples(path: str) -> str:
    """Return the EXAMPLES string assigned at the top level of a module's source."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), filename=path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == 'EXAMPLES' for target in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f'{path}: no EXAMPLES')


def is_example_list(items) -> bool:
    return isinstance(items, list) and bool(items) and all(isinstance(item, dict) for item in items)


def as_playbook(source: str, examples: str) -> str:
    """Examples as the text of a playbook: as they are, or their tasks under one play."""
    text = re.sub(r'\A---[ \t]*\n', '', examples.strip('\n') + '\n')
    items = yaml.load(text, Loader=AnsibleYamlLoader)
    if not is_example_list(items):
        raise ValueError(f'{source}: examples must be a non-empty YAML list of tasks or plays')
    if all('hosts' in item or 'ansible.builtin.import_playbook' in item for item in items):
        return PLAYBOOK_HEADER.format(source=source) + text
    if any('hosts' in item for item in items):
        raise ValueError(f'{source}: examples mix plays and tasks')
    indented = ''.join(('    ' + line if line.strip() else line) for line in text.splitlines(True))
    return PLAY_HEADER.format(source=source) + indented


def examples() -> list[tuple[str, str, str]]:
    """(file name, source description, playbook text) of every example."""
    found = []
    modules = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith('.py') and name != '__init__.py')
    for module in modules:
        source = f'the EXAMPLES of hwcloud.roma.{module}'
        found.append((f'{module}.yml', source, as_playbook(source, read_examples(os.path.join(MODULES_DIR, module + '.py')))))
    for page in sorted(glob.glob(os.path.join(DOCS_DIR, '*.md'))) + [os.path.join(REPO_ROOT, 'README.md')]:
        with open(page, encoding='utf-8') as handle:
            text = handle.read()
        number = 0
        for match in YAML_BLOCK.finditer(text):
            if not is_example_list(yaml.load(match.group(1), Loader=AnsibleYamlLoader)):
                continue
            number += 1
            line = text.count('\n', 0, match.start(1)) + 1
            source = f'{os.path.relpath(page, REPO_ROOT)} (YAML block at line {line})'
            found.append((f'{os.path.basename(page)[:-3]}-{number}.yml', source, as_playbook(source, match.group(1))))
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print('usage: extract_examples.py DEST_DIR', file=sys.stderr)
        return 2
    dest = argv[0]
    os.makedirs(dest, exist_ok=True)
    for old in os.listdir(dest):
        if old.endswith('.yml'):
            os.remove(os.path.join(dest, old))
    for name, source, playbook in examples():
        with open(os.path.join(dest, name), 'w', encoding='utf-8') as handle:
            handle.write(playbook)
        print(f'{os.path.relpath(os.path.join(dest, name))}: {source}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
