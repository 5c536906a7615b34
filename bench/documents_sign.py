"""Benchmark: PAdES signatures per second on a 10-page PDF, and verifications per second,
through the documents services versus pyHanko called directly on the same file and key.

    .venv/bin/python bench/documents_sign.py [--n 20] [--rounds 3]

Runs on a throw-away SQLite database in a temporary folder. The services confirm every
signature with the signer's password; the bench stores it with a fast hasher so that the
service figures leave the Argon2 check out, and measures Argon2 on its own line. Each
operation runs ``rounds`` times, interleaved with the others, and the best round counts;
rates are given per second of wall-clock time and per second of this process's CPU time
(the second is steadier on a machine shared with other work).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TMP = tempfile.mkdtemp(prefix="bench-documents-")
os.environ["CONGDOAN_VAR_DIR"] = TMP
os.environ.pop("DATABASE_URL", None)
os.environ["FAST_PASSWORD_HASHER"] = "1"  # Argon2 is measured on its own line
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def timed(fn, n: int, offset: int = 0) -> tuple[float, float]:
    """(per second of wall-clock time, per second of this process's CPU time)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(offset, offset + n):
        fn(i)
    return n / (time.perf_counter() - wall), n / max(time.process_time() - cpu, 1e-9)


def best_of(rounds: int, n: int, operations: list) -> list[tuple[str, float, float]]:
    """Run each (label, fn, count) once per round, interleaved; keep the best rates."""
    best: dict[str, tuple[float, float]] = {}
    for r in range(rounds):
        for label, fn, count in operations:
            wall, cpu = timed(fn, count or n, r * n)
            old = best.get(label, (0.0, 0.0))
            best[label] = (max(old[0], wall), max(old[1], cpu))
    return [(label, *best[label]) for label, _fn, _count in operations]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n, rounds = args.n, args.rounds
    call_command("migrate", verbosity=0)

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from congdoan.common.pdf import render_pdf
    from congdoan.documents import services, signing
    from congdoan.documents.choices import CertificateKind
    from congdoan.documents.models import DocumentType
    from congdoan.documents.verification import trust_roots, verify_pdf
    from congdoan.org.choices import Role
    from tests.conftest import PASSWORD as BENCH_PASSWORD
    from tests.conftest import Tree, make_user

    tree = Tree()
    head = make_user("bench_head", tree.prov, Role.ADMINISTRATOR, full_name="Nguyễn Thị Hồng Hạnh")
    services.init_ca(tree.prov.name)
    system = type(
        "S", (), {"is_superuser": True, "is_authenticated": True, "is_active": True, "pk": None}
    )()
    cert = services.issue_internal_certificate(
        system, unit=tree.prov, kind=CertificateKind.PERSONAL, user=head
    )
    services.issue_internal_certificate(system, unit=tree.prov, kind=CertificateKind.SEAL)
    pages = "".join(
        f"<section style='page-break-after:always'><h1>Trang {i + 1}</h1>"
        + "<p>Nội dung văn bản có đủ dấu tiếng Việt.</p>" * 12
        + "</section>"
        for i in range(10)
    )
    pdf = render_pdf(f"<html><body>{pages}</body></html>")
    assert signing.page_count(pdf) >= 10, signing.page_count(pdf)
    last = signing.page_count(pdf) - 1
    doc_type = DocumentType.objects.get(code="quyet-dinh")
    material = services.key_material(cert)

    # 1. pyHanko directly, invisible signature (the floor).
    def pyhanko_plain(_i):
        w = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name="Sig", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        signers.sign_pdf(w, meta, signer=material.signer())

    # 2. pyHanko directly with the same visible appearance, pre-rendered.
    from django.utils import timezone

    appearance = signing.signer_appearance(
        title_lines=["Chủ tịch"], name=head.display_name, unit=tree.prov.name, moment=timezone.now()
    )
    box = signing.signer_box(pdf, last, "bottom-right")

    def pyhanko_visible(_i):
        signing.sign_pdf(
            pdf,
            material,
            field_name="Sig",
            appearance=appearance,
            page_ix=last,
            box=box,
            reason="x",
            location="Quảng Ninh",
            signer_name=head.display_name,
        )

    # 3. The service: load draft, decrypt key, block (cached fixed part + time), sign, store, history, events.
    drafts = [
        services.create_document(
            head,
            services.DraftData(
                unit=tree.prov, doc_type=doc_type, summary=f"Văn bản thử {i}", file=("d.pdf", pdf)
            ),
        )
        for i in range(n * rounds + 1)
    ]

    def service_sign(i):
        services.sign_document(head, drafts[i], password=BENCH_PASSWORD)

    def service_issue(i):
        services.issue_document(head, drafts[i], password=BENCH_PASSWORD)

    rows = best_of(
        rounds,
        n,
        [
            ("pyHanko direct, invisible signature", pyhanko_plain, 0),
            ("pyHanko direct, same visible block (pre-rendered)", pyhanko_visible, 0),
            ("service sign_document (cached block + time + sign + store)", service_sign, 0),
            ("service issue_document (number + seal + deliver)", service_issue, 0),
        ],
    )
    # A signer's first signature in a process renders the fixed part of the block (WeasyPrint).
    signing._signer_static.cache_clear()
    rows.append(
        (
            "service sign_document, first of a signer (block rendered)",
            *timed(service_sign, 1, n * rounds),
        )
    )
    from django.contrib.auth.hashers import Argon2PasswordHasher

    argon2 = Argon2PasswordHasher()
    encoded = argon2.encode(BENCH_PASSWORD, argon2.salt())
    rows.append(
        (
            "password confirmation alone (Argon2, excluded above)",
            *timed(lambda _i: argon2.verify(BENCH_PASSWORD, encoded), 5),
        )
    )
    drafts[0].refresh_from_db()
    with drafts[0].content.open("rb") as fh:
        signed = fh.read()
    roots = trust_roots()

    def pyhanko_validate(_i):
        ctx = ValidationContext(trust_roots=roots, allow_fetching=False)
        for sig in PdfFileReader(io.BytesIO(signed)).embedded_signatures:
            validate_pdf_signature(sig, ctx)

    def service_verify(_i):
        assert verify_pdf(signed).all_ok

    rows += best_of(
        rounds,
        n,
        [
            ("verify 2 signatures: pyHanko direct", pyhanko_validate, 0),
            ("verify 2 signatures: verify_pdf report", service_verify, 0),
        ],
    )
    width = max(len(r[0]) for r in rows)
    print(
        f"{'operation (10-page PDF, n=' + str(n) + ', best of ' + str(rounds) + ')':<{width}}  per s (wall)  per s (CPU)"
    )
    for name, wall, cpu in rows:
        print(f"{name:<{width}}  {wall:12.1f}  {cpu:11.1f}")
    print(
        f"ratio service/pyHanko (visible block): wall {rows[2][1] / rows[1][1]:.2f}, CPU {rows[2][2] / rows[1][2]:.2f}"
    )
    print(
        f"ratio verify_pdf/pyHanko: wall {rows[7][1] / rows[6][1]:.2f}, CPU {rows[7][2] / rows[6][2]:.2f}"
    )


if __name__ == "__main__":
    main()
