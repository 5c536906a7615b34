"""One verdict for a verification — intact and trusted / changed after signing / signer not
trusted — the same in the command, the public page and the API; diagnostics go to the log."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from congdoan.documents import services
from congdoan.documents.verification import Verdict, verify_pdf
from tests.conftest import PASSWORD

from .conftest import draft, sample_pdf
from .test_signatures import _flip_byte_in_signed_range


@pytest.fixture
def issued(tree, admin_user, doc_type, pki_ready):
    doc = draft(admin_user, tree.prov, doc_type, file=("qd.pdf", sample_pdf(1)))
    services.sign_document(admin_user, doc, password=PASSWORD)
    doc = services.issue_document(admin_user, doc, password=PASSWORD)
    with doc.content.open("rb") as fh:
        return fh.read()


def test_the_three_verdicts(issued):
    assert verify_pdf(issued).verdict == Verdict.VALID
    changed = verify_pdf(_flip_byte_in_signed_range(issued))
    assert changed.verdict == Verdict.CHANGED
    assert verify_pdf(issued, roots=[]).verdict == Verdict.NOT_TRUSTED
    assert verify_pdf(_forged(issued)).verdict == Verdict.CHANGED
    assert verify_pdf(b"hello").verdict == Verdict.NOT_VERIFIABLE


def test_a_changed_file_is_not_called_untrusted(issued):
    report = verify_pdf(_flip_byte_in_signed_range(issued))
    problems = " ".join(p for s in report.signatures for p in s.problems)
    assert "trusted root" not in problems


def _forged(data: bytes) -> bytes:
    """An update appended after signing that replaces the page's content."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (FORGED) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_command_prints_one_verdict_and_no_traceback(issued, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_forged(issued))
    out = io.StringIO()
    root, collect = logging.getLogger(), _Collect()
    root.addHandler(collect)  # beside the console handler (stderr) of settings.LOGGING
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        with pytest.raises(CommandError):
            call_command("verify_pdf", str(bad), stdout=out)
    finally:
        root.removeHandler(collect)
        root.setLevel(level)
    # pyHanko's warnings carry tracebacks: none reaches the root's (stderr) handlers.
    loud = [r for r in collect.records if r.levelno >= logging.WARNING]
    assert not loud, [r.getMessage() for r in loud]
    assert any(r.name == "congdoan.documents.verification" for r in collect.records)
    lines = out.getvalue().splitlines()
    assert lines[0] == str(Verdict.CHANGED.label)
    assert "NOT TRUSTED" not in out.getvalue()
    good = tmp_path / "good.pdf"
    good.write_bytes(issued)
    out = io.StringIO()
    call_command("verify_pdf", str(good), stdout=out)
    assert out.getvalue().splitlines()[0] == str(Verdict.VALID.label)


def test_page_and_api_show_the_same_verdict(issued, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.LANGUAGE_CODE = "en"
    bad = _flip_byte_in_signed_range(issued)
    page = client.post(
        "/verify/document", {"file": SimpleUploadedFile("bad.pdf", bad, "application/pdf")}
    )
    assert str(Verdict.CHANGED.label) in page.content.decode()
    answer = client.post(
        "/api/v1/documents/verify", {"file": SimpleUploadedFile("bad.pdf", bad, "application/pdf")}
    )
    assert answer.json()["verdict"] == "changed"
    assert answer.json()["verdict_label"] == str(Verdict.CHANGED.label)


def test_on_the_command_line_the_verdict_is_not_repeated_on_stderr(issued, tmp_path):
    """From a shell the command exits 1 after the verdict line, with nothing on stderr
    (not "CommandError: <verdict>" again); through call_command it still raises."""
    from congdoan.documents.management.commands.verify_pdf import Command

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_forged(issued))
    command = Command()
    command._from_command_line = True  # what run_from_argv sets
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(command, str(bad), stdout=out, stderr=err)
    assert exit_.value.code == 1 and err.getvalue() == ""
    assert out.getvalue().splitlines()[0] == str(Verdict.CHANGED.label)
