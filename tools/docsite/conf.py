# Sphinx configuration of the hwcloud.roma docsite (`make docs`), modelled on the one that
# `antsibull-docs sphinx-init` writes, plus MyST for the Markdown guide pages in docs/.
# tools/build_docsite.py generates the plugin pages with antsibull-docs and runs Sphinx with it.

import os

project = 'hwcloud.roma'
copyright = 'hwcloud.roma contributors'  # pylint: disable=redefined-builtin

title = 'hwcloud.roma: Ansible collection for Huawei Cloud ROMA Connect'
html_short_title = 'hwcloud.roma'
html_title = title

extensions = ['sphinx.ext.intersphinx', 'sphinx_antsibull_ext', 'myst_parser']

source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
# Headings of the Markdown guide pages become link targets, as they are on GitHub.
myst_heading_anchors = 3

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

# The generated plugin pages link to a few pages of the Ansible documentation.  The docsite is
# built offline, so their inventory is a small local one that tools/build_docsite.py writes.
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', os.environ.get('ROMA_DOCSITE_ANSIBLE_INVENTORY')),
}
intersphinx_disabled_reftypes = []

default_role = 'any'
nitpicky = True
