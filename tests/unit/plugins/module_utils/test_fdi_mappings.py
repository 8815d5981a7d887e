# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.roma contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The mapping resource: normalisation, comparison, and the exact requests of its API calls."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.roma.plugins.module_utils.errors import RomaApiError, RomaResponseError
from ansible_collections.hwcloud.roma.plugins.module_utils.fdi_mappings import (
    FdiMappingApi,
    columns_differ,
    mapping_body,
    normalize_mapping,
    normalize_wanted_mappings,
)
from ansible_collections.hwcloud.roma.tests.unit.plugins import fake_http
from ansible_collections.hwcloud.roma.tests.unit.plugins.fake_http import NO_BODY, Call
from ansible_collections.hwcloud.roma.tests.unit.plugins.roma_api import INSTANCE_ID, TASK_ID, TOKEN_HEADERS, api_url, fdi_error, token_client

SRC, DST = 'ds-mysql', 'ds-dws'
BODY = {'source_datasource_id': SRC, 'target_datasource_id': DST, 'source_table': 'orders', 'target_table': 'orders'}


def element(source, target=None, mapping_id='m-1', pairs=(('id', 'id'),)):
    """A MultiTaskMappingElement as the list API reports it."""
    return {
        'id': mapping_id,
        'source_table': source,
        'target_table': target or source,
        'status': 'USING',
        'updated_time': 1,
        'mapping_percent': 100,
        'source_columns': [{'field_name': s, 'field_type': 'int', 'field_length': '11'} for s, _t in pairs],
        'target_columns': [{'field_name': t, 'field_type': 'int4', 'field_length': '11'} for _s, t in pairs],
        'mapping': [
            {
                'source_column': s,
                'source_column_type': 'int',
                'source_column_length': '11',
                'target_column': t,
                'target_column_type': 'int4',
                'target_column_length': '11',
            }
            for s, t in pairs
        ],
    }


def mapping_page(elements, total=None, server_id='1'):
    return {
        'ext_info': {'server_id': server_id},
        'task_id': TASK_ID,
        'source_datasource_id': SRC,
        'target_datasource_id': DST,
        'source_datasource_name': 'orders-mysql',
        'target_datasource_name': 'warehouse-dws',
        'mappings': list(elements),
        'mappings_total_count': len(elements) if total is None else total,
    }


def list_call(elements, offset=0, total=None, **filters):
    query = dict(filters, offset=offset, limit=1000)
    return Call('GET', api_url('multi-tasks', TASK_ID, 'mappings'), query=query, headers=TOKEN_HEADERS).reply(200, json=mapping_page(elements, total))


def api():
    return FdiMappingApi(token_client(), INSTANCE_ID)


class TestShapes:
    def test_normalize_reads_column_pairs_sorted_by_target(self):
        mapping = normalize_mapping(element('orders', pairs=(('b', 'b2'), ('a', 'a2'))))
        assert mapping == {
            'mapping_id': 'm-1',
            'source_table': 'orders',
            'target_table': 'orders',
            'status': 'USING',
            'mapping_percent': 100,
            'columns': [
                {'source': 'a', 'target': 'a2', 'source_type': 'int', 'source_length': '11', 'target_type': 'int4', 'target_length': '11'},
                {'source': 'b', 'target': 'b2', 'source_type': 'int', 'source_length': '11', 'target_type': 'int4', 'target_length': '11'},
            ],
        }

    def test_wanted_defaults_and_lengths_as_text(self):
        assert normalize_wanted_mappings([{'source_table': 'o', 'columns': [{'source': 'x', 'target_length': 12}]}]) == [
            {'source_table': 'o', 'target_table': 'o', 'columns': [{'source': 'x', 'target': 'x', 'target_length': '12'}]}
        ]
        assert normalize_wanted_mappings(None) is None and normalize_wanted_mappings([]) == []

    @pytest.mark.parametrize(
        'wanted, differ',
        [
            (None, False),
            ([{'source': 'id', 'target': 'id'}], False),
            ([{'source': 'id', 'target': 'id', 'target_type': 'int4'}], False),
            ([{'source': 'id', 'target': 'id', 'target_type': 'int8'}], True),
            ([{'source': 'other', 'target': 'id'}], True),
            ([{'source': 'id', 'target': 'id'}, {'source': 'x', 'target': 'x'}], True),
            ([], True),
        ],
    )
    def test_columns_compare_by_target_and_only_given_details(self, wanted, differ):
        current = normalize_mapping(element('orders'))['columns']
        assert columns_differ(wanted, current) is differ

    def test_body_without_columns_lets_the_service_map_same_names(self):
        assert mapping_body({'source_table': 'o', 'target_table': 'p', 'columns': None}, SRC, DST) == {
            'source_datasource_id': SRC,
            'target_datasource_id': DST,
            'source_table': 'o',
            'target_table': 'p',
        }


class TestList:
    def test_one_page(self, http):
        http.expect(list_call([element('orders'), element('customers', mapping_id='m-2')]))
        found = api().list_mappings(TASK_ID)
        assert [m['mapping_id'] for m in found.mappings] == ['m-1', 'm-2']
        assert (found.source_datasource_id, found.target_datasource_id, found.server_id) == (SRC, DST, '1')

    def test_pages_of_1000(self, http):
        first = [element('t%d' % index, mapping_id='m%d' % index) for index in range(1000)]
        http.expect(list_call(first, total=1001), list_call([element('last', mapping_id='m-last')], offset=1000, total=1001))
        assert len(api().list_mappings(TASK_ID).mappings) == 1001

    @pytest.mark.parametrize('status, code', [(400, 'FDI.3021'), (404, 'FDI.3081')])
    def test_unknown_task_in_either_documented_form_is_none(self, http, status, code):
        http.expect(
            Call('GET', api_url('multi-tasks', TASK_ID, 'mappings'), query={'offset': 0, 'limit': 1000}).reply(
                status, json=fdi_error(code, 'The task does not exist.')
            )
        )
        assert api().list_mappings(TASK_ID) is None

    def test_a_404_without_an_fdi_code_is_an_error(self, http):
        http.expect(
            Call('GET', api_url('multi-tasks', TASK_ID, 'mappings'), query={'offset': 0, 'limit': 1000}).reply(
                404, body=b'<html>Not Found</html>', headers={'Content-Type': 'text/html'}
            )
        )
        with pytest.raises(RomaApiError):
            api().list_mappings(TASK_ID)

    def test_a_page_without_mappings_list_is_an_error(self, http):
        http.expect(Call('GET', api_url('multi-tasks', TASK_ID, 'mappings'), query={'offset': 0, 'limit': 1000}).reply(200, json={'mappings': 'nope'}))
        with pytest.raises(RomaResponseError, match='without a "mappings" list'):
            api().list_mappings(TASK_ID)


class TestWrites:
    def test_create(self, http):
        http.expect(Call('POST', api_url('multi-tasks', TASK_ID, 'mappings'), json=BODY, headers=TOKEN_HEADERS).reply(200, json={'mapping_id': 'm-9'}))
        assert api().create_mapping(TASK_ID, BODY) == 'm-9'

    def test_create_lost_in_flight_is_looked_up_not_resent(self, http):
        http.expect(
            Call('POST', api_url('multi-tasks', TASK_ID, 'mappings'), json=BODY).fail(fake_http.read_timeout()),
            list_call([element('orders', mapping_id='m-7')], source_table='orders', target_table='orders'),
        )
        assert api().create_mapping(TASK_ID, BODY) == 'm-7'

    def test_create_lost_and_not_there_fails_without_resending(self, http):
        http.expect(
            Call('POST', api_url('multi-tasks', TASK_ID, 'mappings'), json=BODY).reply(502, json=fdi_error('APIG.0201', 'bad gateway')),
            list_call([], source_table='orders', target_table='orders'),
        )
        with pytest.raises(RomaApiError, match='502'):
            api().create_mapping(TASK_ID, BODY)

    def test_create_answered_without_an_id_finds_it(self, http):
        http.expect(
            Call('POST', api_url('multi-tasks', TASK_ID, 'mappings'), json=BODY).reply(200, json={}),
            list_call([element('orders', mapping_id='m-8')], source_table='orders', target_table='orders'),
        )
        assert api().create_mapping(TASK_ID, BODY) == 'm-8'

    def test_a_refused_create_is_not_looked_up(self, http):
        http.expect(
            Call('POST', api_url('multi-tasks', TASK_ID, 'mappings'), json=BODY).reply(400, json=fdi_error('FDI.3023', 'One or more tasks are running.'))
        )
        with pytest.raises(RomaApiError, match='FDI.3023'):
            api().create_mapping(TASK_ID, BODY)

    def test_update(self, http):
        http.expect(Call('PUT', api_url('multi-tasks', TASK_ID, 'mappings', 'm-1'), json=BODY, headers=TOKEN_HEADERS).reply(200, json={'mapping_id': 'm-1'}))
        api().update_mapping(TASK_ID, 'm-1', BODY)

    @pytest.mark.parametrize('status, code', [(400, 'FDI.3021'), (404, 'FDI.3081')])
    def test_delete_of_a_gone_mapping_counts_as_deleted(self, http, status, code):
        http.expect(Call('DELETE', api_url('multi-tasks', TASK_ID, 'mappings', 'm-1'), json=NO_BODY).reply(status, json=fdi_error(code, 'gone')))
        api().delete_mapping(TASK_ID, 'm-1')

    def test_delete(self, http):
        http.expect(
            Call('DELETE', api_url('multi-tasks', TASK_ID, 'mappings', 'm-1'), json=NO_BODY, headers=TOKEN_HEADERS).reply(200, json={'mapping_id': 'm-1'})
        )
        api().delete_mapping(TASK_ID, 'm-1')

    def test_init_returns_the_assigned_id(self, http):
        body = {'task_id': TASK_ID, 'source_datasource_id': SRC, 'target_datasource_id': DST, 'auto_mapping': True}
        http.expect(
            Call('POST', api_url('multi-tasks', 'init'), json=body, headers=TOKEN_HEADERS).reply(
                200, json=[dict(mapping_page([element('orders')]), mappings_total_count=1)]
            )
        )
        assert api().init_task(body) == TASK_ID

    def test_init_is_retried_like_a_read(self, http):
        body = {'task_id': TASK_ID, 'source_datasource_id': SRC, 'target_datasource_id': DST, 'auto_mapping': False}
        http.expect(
            Call('POST', api_url('multi-tasks', 'init'), json=body).reply(503, json=fdi_error('FDI.9999', 'Network error.')),
            Call('POST', api_url('multi-tasks', 'init'), json=body).reply(200, json=[{'task_id': TASK_ID}]),
        )
        assert api().init_task(body) == TASK_ID
