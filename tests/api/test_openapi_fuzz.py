"""Schemathesis against our own OpenAPI document: no generated request may cause a server error.

Runs every operation with a handful of generated cases, authenticated as the federation
administrator of the shared test tree. Write operations are included: whatever they
receive, the answer must be a 2xx/4xx that matches the schema, never a 500.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from congdoan.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(tree, admin_user):
    from congdoan.accounts.models import ApiToken

    _token, raw = ApiToken.issue(admin_user)
    return raw


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Calling the WSGI app directly fires request_finished, which would close the test's
    database connection (and with it the test transaction on PostgreSQL); Django's own
    test client disconnects the same handler."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_500(case, bearer):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {bearer}"}
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
