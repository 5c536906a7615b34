"""Schemathesis against our own OpenAPI document: no request may cause a server error, and
every status an operation answers is one its documentation declares.

Two phases, both authenticated as the federation administrator of the shared test tree:

- per operation: a handful of generated requests to each operation (write operations too);
- stateful: sequences of calls chained by the links schemathesis infers from the document
  (a list's ids into the read, update and action operations on them), so that operations
  on existing members, sessions and documents are reached, not only answered 404.

Both are derandomized (the same requests on every run) and bounded, so that the file runs
in about a minute on two cores (about 3,400 requests). Checks: ``not_a_server_error`` and
``status_code_conformance``; an undocumented status fails the suite.
"""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from congdoan.accounts.models import ApiToken
from congdoan.common import cccd
from congdoan.documents.models import DocumentType
from congdoan.members.models import Member
from congdoan.skills.models import Course, TrainingSession
from congdoan.wsgi import application
from tests.documents.conftest import draft

CHECKS = [not_a_server_error, status_code_conformance]
# The document is served to signed-in clients only unless API_DOCS_PUBLIC; loaded once here.
with override_settings(API_DOCS_PUBLIC=True):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

COMMON = dict(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def _issue_token(user) -> str:
    _token, raw = ApiToken.issue(user)
    return raw


@pytest.fixture
def bearer(tree, admin_user):
    return _issue_token(admin_user)


@pytest.fixture
def records(tree, admin_user, settings, tmp_path):
    """Members, a course, a training session and a draft document for the chained calls to
    find and act on."""
    for n, unit in enumerate((tree.gr_a1, tree.gr_a1, tree.gr_b1), start=1):
        Member.objects.create(
            unit=unit,
            full_name=f"Nguyễn Văn An {n}",
            gender="male",
            date_of_birth=datetime.date(1990, 5, 17),
            cccd=cccd.make("022", "male", 1990, 100000 + n),
            card_number=f"FUZZ{n:04d}",
        )
    course = Course.objects.create(unit=tree.zone, code="FUZZ-C", title="Kỹ năng số", target_step=1)
    today = timezone.localdate()
    TrainingSession.objects.create(
        code="FUZZ-S",
        course=course,
        unit=tree.zone,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        meeting_count=2,
        status="open",
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    draft(admin_user, tree.prov, DocumentType.objects.get(code="quyet-dinh"))


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
@settings(max_examples=6, **COMMON)
def test_every_operation(case, bearer):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {bearer}"}
    response = case.call()
    case.validate_response(response, checks=CHECKS)


class APIWorkflow(schema.as_state_machine()):
    """The inferred state machine, authenticated, with our checks."""

    user = None

    def setup(self) -> None:
        # Every scenario starts from the same data: Hypothesis replays a scenario's choices
        # and refuses ("inconsistent data generation") when earlier ones changed what the
        # calls answer. Writes are rolled back to here, cached counters (rate limits) cleared.
        self.savepoint = transaction.savepoint()
        cache.clear()
        self.token = _issue_token(self.user)

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)
        super().teardown()

    def before_call(self, case) -> None:
        # A chain starts at a list, and generated filters nearly always empty it: the chain
        # then ends in 404s on made-up ids. Lists asked without their optional filters give
        # real ids to follow (the per-operation phase fuzzes the filters).
        if case.method == "GET" and not case.path_parameters and case.query:
            required = {p.name for p in case.operation.query if p.is_required}
            case.query = {k: v for k, v in case.query.items() if k in required}

    def get_call_kwargs(self, case):
        return {"headers": {"Authorization": f"Bearer {self.token}"}}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
def test_stateful_sequences(admin_user, records):
    APIWorkflow.user = admin_user
    APIWorkflow.run(
        settings=settings(
            max_examples=60,
            stateful_step_count=10,
            # No shrinking: a failure is reported as found, with its calls (bounded time).
            phases=[Phase.explicit, Phase.generate],
            **COMMON,
        )
    )
