"""Every operation documents each status it can answer, with a schema.

The statuses that follow from an operation's shape are checked here for all of them: behind
authentication 401 (no or bad credentials) and 403 (a token the two-factor policy refuses, a
session without its CSRF token); with any input 422 (validation); with a query string or a
body 400 (one Django cannot read); with a body 413 (over DATA_UPLOAD_MAX_MEMORY_SIZE). The statuses that
follow from what an operation does (404, 409, 429…) are checked by schemathesis's
status_code_conformance in test_openapi_fuzz.py.
"""

from __future__ import annotations

import json

import pytest

from congdoan.api import api

METHODS = {"get", "post", "put", "patch", "delete"}
# Responses that are files, not JSON: no JSON schema, but a declared media type.
FILE_TYPES = {"application/pdf"}


def _operations():
    # Through JSON, as clients read it (ninja's dict has integer status keys).
    document = json.loads(json.dumps(api.get_openapi_schema()))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


OPERATIONS = dict(_operations())


def test_the_document_lists_operations():
    assert len(OPERATIONS) > 50


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_declares_what_its_shape_can_answer(label):
    operation = OPERATIONS[label]
    declared = set(operation["responses"])
    missing = set()
    if operation.get("security"):
        missing |= {"401", "403"} - declared
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if parameters or body:
        missing |= {"422"} - declared
    if body or any(p["in"] == "query" for p in parameters):
        missing |= {"400"} - declared
    if body:
        missing |= {"413"} - declared
    assert not missing, f"{label} does not declare {sorted(missing)}"
    assert any(code.startswith("2") for code in declared), f"{label} declares no success"


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_declared_answer_has_a_schema(label):
    for code, response in OPERATIONS[label]["responses"].items():
        if code == "204":
            continue
        content = response.get("content", {})
        assert content, f"{label} {code} has no content"
        for media_type, body in content.items():
            if media_type in FILE_TYPES:
                continue
            assert body.get("schema"), f"{label} {code} {media_type} has no schema"
