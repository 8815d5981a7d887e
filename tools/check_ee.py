#!/usr/bin/env python
"""`make ee-check`: an execution environment built with hwcloud.roma gets exactly its Python dependencies (none).

    python tools/check_ee.py --definition docs/execution-environment.yml \
        --collections-path build/package/collections --context build/ee

No container runtime is needed: the script does what ``ansible-builder build`` does, minus the
container and the download from Galaxy.

1. ``ansible-builder create`` validates the EE definition and writes the build context
   (Containerfile and _build/), which must ask for hwcloud.roma in its galaxy requirements.
2. The collection must declare its Python dependencies in meta/execution-environment.yml,
   in a file that is part of the collection (today it lists none: the modules need only
   the standard library).
3. The context's own ``_build/scripts/introspect.py`` (the script the image build runs after
   installing the collections) is run on the collections path where the built tarball is
   installed; exactly the requirements of the collection must come out of it, attributed to
   hwcloud.roma, in the pip requirements file the image build would install.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

import yaml

COLLECTION = 'hwcloud.roma'


def fail(message: str) -> int:
    print(f'ee-check: FAILED: {message}', file=sys.stderr)
    return 1


def requirement_lines(path: str) -> list[str]:
    with open(path, encoding='utf-8') as handle:
        return [line.split('#', 1)[0].strip() for line in handle if line.split('#', 1)[0].strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--definition', required=True, help='EE definition (version 3) that includes the collection')
    parser.add_argument('--collections-path', required=True, help='collections path with the built tarball installed')
    parser.add_argument('--context', required=True, help='directory for the build context (recreated)')
    args = parser.parse_args()

    bin_dir = os.path.dirname(sys.executable)
    context = os.path.abspath(args.context)
    shutil.rmtree(context, ignore_errors=True)

    # 1. The build context.
    subprocess.run(
        [os.path.join(bin_dir, 'ansible-builder'), 'create', '--file', args.definition, '--context', context, '--output-filename', 'Containerfile'], check=True
    )
    containerfile = os.path.join(context, 'Containerfile')
    introspect_script = os.path.join(context, '_build', 'scripts', 'introspect.py')
    galaxy_requirements = os.path.join(context, '_build', 'requirements.yml')
    for path in (containerfile, introspect_script, galaxy_requirements):
        if not os.path.isfile(path):
            return fail(f'ansible-builder create did not write {os.path.relpath(path)}')
    with open(galaxy_requirements, encoding='utf-8') as handle:
        names = [entry.get('name') for entry in (yaml.safe_load(handle) or {}).get('collections') or []]
    if COLLECTION not in names:
        return fail(f'{os.path.relpath(galaxy_requirements)} does not install {COLLECTION}: {names}')

    # 2. The collection's metadata.
    collection_root = os.path.join(os.path.abspath(args.collections_path), 'ansible_collections', *COLLECTION.split('.'))
    metadata_path = os.path.join(collection_root, 'meta', 'execution-environment.yml')
    if not os.path.isfile(metadata_path):
        return fail(f'the installed collection has no meta/execution-environment.yml ({metadata_path})')
    with open(metadata_path, encoding='utf-8') as handle:
        metadata = yaml.safe_load(handle)
    python_file = ((metadata or {}).get('dependencies') or {}).get('python')
    if metadata.get('version') != 1 or not isinstance(python_file, str):
        return fail('meta/execution-environment.yml must be version 1 with dependencies.python naming a requirements file')
    wanted = requirement_lines(os.path.join(collection_root, python_file))

    # 3. What the image build would install, found by the context's own introspection script.
    pip_file = os.path.join(context, 'introspected', 'requirements.txt')
    bindep_file = os.path.join(context, 'introspected', 'bindep.txt')
    os.makedirs(os.path.dirname(pip_file))
    subprocess.run(
        [sys.executable, introspect_script, 'introspect', f'--write-pip={pip_file}', f'--write-bindep={bindep_file}', os.path.abspath(args.collections_path)],
        check=True,
    )
    introspected = []
    if os.path.exists(pip_file):  # not written when no collection needs a Python package
        with open(pip_file, encoding='utf-8') as handle:
            introspected = [line.strip() for line in handle if line.strip()]
    found = sorted(line.split('#', 1)[0].strip() for line in introspected if COLLECTION in line)
    if found != sorted(wanted):
        return fail(f'the introspected requirements of {COLLECTION} are {found}, its {python_file} lists {wanted}: {introspected}')
    print(
        f'ee-check: OK: build context in {os.path.relpath(context)}; the image would pip-install '
        f'{", ".join(wanted) or "nothing"} for {COLLECTION} (from meta/execution-environment.yml -> {python_file})'
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
