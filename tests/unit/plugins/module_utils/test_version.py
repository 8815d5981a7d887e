# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The version sent in the User-Agent is the collection's version."""

from __future__ import annotations

import os

import yaml

from ansible_collections.hwcloud.roma.plugins.module_utils.version import COLLECTION_VERSION

GALAXY_YML = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'galaxy.yml')


def test_version_matches_galaxy_yml():
    with open(GALAXY_YML, encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    assert (galaxy['namespace'], galaxy['name']) == ('hwcloud', 'roma')
    assert COLLECTION_VERSION == galaxy['version']
