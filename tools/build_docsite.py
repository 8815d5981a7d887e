#!/usr/bin/env python
"""`make docs`: render the hwcloud.roma docsite (HTML) with antsibull-docs and Sphinx.

    python tools/build_docsite.py --collections-path PATH --dest DIR

PATH is a collections path in which hwcloud.roma is installed (``make docs`` installs the
built tarball there, so the site documents what is shipped).  The script

1. writes the plugin, index and environment-variable pages with ``antsibull-docs collection``
   (failing on any documentation error instead of writing error pages),
2. adds the Markdown guide pages of the collection's ``docs/`` (rendered with MyST; links that
   leave docs/ point at the repository, from galaxy.yml's ``repository``), the playbooks they
   link to, and the site's root page (tools/docsite/index.rst),
3. runs ``sphinx-build -W`` with tools/docsite/conf.py, so any warning fails the build.

The generated pages link to a few pages of the Ansible documentation.  The site is built
offline, so a small local intersphinx inventory of those targets is written first.
Output: DIR/html/index.html.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import zlib

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
DOCSITE_CONFIG = os.path.join(TOOLS_DIR, 'docsite')
OUTSIDE_DOCS_LINK = re.compile(r'\]\(\.\./([^)\s]+)')

# Labels of docs.ansible.com that antsibull-docs' generated pages refer to, with their pages.
ANSIBLE_LABELS = {
    'ansible_configuration_settings': ('reference_appendices/config.html#ansible-configuration-settings', 'Ansible Configuration Settings'),
    'common_return_values': ('reference_appendices/common_return_values.html#common-return-values', 'Return Values'),
    'module_defaults': ('playbook_guide/playbooks_module_defaults.html#module-defaults', 'Module defaults'),
    'check_mode_dry': ('playbook_guide/playbooks_checkmode.html#check-mode-dry', 'Validating tasks: check mode and diff mode'),
    'playbooks_intro': ('playbook_guide/playbooks_intro.html#playbooks-intro', 'Ansible playbooks'),
    'collections_installing': ('collections_guide/collections_installing.html#collections-installing', 'Installing collections'),
}


def repository_file_url(collection_root: str) -> str:
    """Base URL of the files of the collection's repository (galaxy.yml's ``repository``, branch main)."""
    with open(os.path.join(collection_root, 'MANIFEST.json'), encoding='utf-8') as handle:
        repository = json.load(handle)['collection_info']['repository'].rstrip('/')
    return repository + '/blob/main'


def write_ansible_inventory(path: str) -> None:
    """A Sphinx (version 2) object inventory with the labels above."""
    lines = ''.join(f'{name} std:label -1 {uri} {title}\n' for name, (uri, title) in sorted(ANSIBLE_LABELS.items()))
    header = '# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n'
    with open(path, 'wb') as handle:
        handle.write(header.encode('utf-8') + zlib.compress(lines.encode('utf-8')))


def run(command: list[str], **kwargs) -> None:
    print('+ ' + ' '.join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collections-path', required=True, help='collections path with hwcloud.roma installed')
    parser.add_argument('--dest', required=True, help='output directory (html/ is created in it)')
    args = parser.parse_args()

    collections_path = os.path.abspath(args.collections_path)
    collection_root = os.path.join(collections_path, 'ansible_collections', 'hwcloud', 'roma')
    if not os.path.isfile(os.path.join(collection_root, 'MANIFEST.json')):
        parser.error(f'hwcloud.roma is not installed (from a tarball: no MANIFEST.json) in {collections_path}')
    dest = os.path.abspath(args.dest)
    rst = os.path.join(dest, 'rst')
    html = os.path.join(dest, 'html')
    for old in (rst, html, os.path.join(dest, 'doctrees')):
        shutil.rmtree(old, ignore_errors=True)
    os.makedirs(rst, mode=0o700)
    os.chmod(rst, 0o700)  # antsibull-docs refuses a destination that others can write to

    bin_dir = os.path.dirname(sys.executable)
    env = dict(
        os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false', PATH=bin_dir + os.pathsep + os.environ.get('PATH', '')
    )
    env.pop('ANSIBLE_CONFIG', None)

    # 1. Plugin pages, collection index and environment variables of hwcloud.roma.
    run(
        [
            os.path.join(bin_dir, 'antsibull-docs'),
            '--config-file',
            os.path.join(DOCSITE_CONFIG, 'antsibull-docs.cfg'),
            'collection',
            '--use-current',
            '--fail-on-error',
            '--cleanup',
            'everything',
            '--dest-dir',
            rst,
            'hwcloud.roma',
        ],
        env=env,
    )

    # 2. The guide pages (Markdown, as on GitHub), the playbooks they link to, and the root page.
    docs_dir = os.path.join(collection_root, 'docs')
    pages = sorted(glob.glob(os.path.join(docs_dir, '*.md')))
    if not pages:
        raise SystemExit(f'no guide pages in {docs_dir}')
    for path in sorted(glob.glob(os.path.join(docs_dir, '*.yml'))):
        shutil.copy(path, rst)
    source_url = repository_file_url(collection_root)
    for path in pages:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        # A link out of docs/ (to ../README.md, say) works on GitHub, not in the docsite: point it at the repository.
        text = OUTSIDE_DOCS_LINK.sub(lambda match: '](%s/%s' % (source_url, match.group(1)), text)
        with open(os.path.join(rst, os.path.basename(path)), 'w', encoding='utf-8') as handle:
            handle.write(text)
    shutil.copy(os.path.join(DOCSITE_CONFIG, 'index.rst'), os.path.join(rst, 'index.rst'))

    # 3. Sphinx: every warning is an error.
    inventory = os.path.join(dest, 'ansible_devel.inv')
    write_ansible_inventory(inventory)
    run(
        [
            os.path.join(bin_dir, 'sphinx-build'),
            '-M',
            'html',
            rst,
            dest,
            '-c',
            DOCSITE_CONFIG,
            '-W',
            '--keep-going',
            '-q',
            '-d',
            os.path.join(dest, 'doctrees'),
        ],
        env=dict(env, ROMA_DOCSITE_ANSIBLE_INVENTORY=inventory),
    )
    print(f'Docsite: {os.path.join(html, "index.html")}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
