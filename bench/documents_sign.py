"""Benchmark: the signer's PAdES signature through ``services.sign_document`` versus pyHanko
signing the same PDF with the same key and the same visible block, measured in the same run,
interleaved A B C D A B C D.

    .venv/bin/python bench/documents_sign.py [--n 10] [--rounds 5] [--pages 2,10]
        [--keys ec,rsa] [--postgres] [--db NAME] [--keep] [--profile]

Cases: each PDF shape (``--pages``: a 2-page and a 10-page paper rendered by WeasyPrint, as the
office makes them) with each key type (``--keys``: ECDSA P-256, as the internal CA issues,
and RSA-2048, as a PKCS#12 from a certification authority usually holds). In each case and
round, four batches of ``--n`` signatures run one after the other:

- (a) ``pyHanko bare``: ``signers.sign_pdf`` on the PDF's bytes, no visible block, the
  ``SimpleSigner`` built once (key loaded once, as a script signing many files would);
- (b) ``pyHanko + block``: ``PdfSigner`` with the same field, box, reason, location and name,
  the block drawn by the project's own stamp code (``signing.BlockContent`` over
  ``signing.signer_appearance``, its fixed part rendered once), same signer object as (a);
- (b+) ``pyHanko + same block, service's signer``: (b) with the signer the service uses
  (``signing.LoadedKeySigner``: key parsed once, the signature's space known after the first
  signature): what is left of the gap once pyHanko is used as the service uses it;
- ``service``: ``services.sign_document`` on a fresh draft (checks, password confirmation,
  block with the current time, signature, file, history and events, commit).

The headline is service / (b), round by round (median of the rounds), per second of wall
time and per second of this process's CPU time (steadier on a shared machine; it leaves out
the database server's own work). The service's own work is its time off the PDF (not in
``signing.sign_pdf``, ``open_pdf``, ``page_count`` or ``signer_box``), and of that the time
spent committing. The services confirm every signature with the signer's password: the
bench stores it with a fast hasher and measures Argon2 on its own line. ``--profile`` prints
where the service's time goes (pyinstrument when installed, else cProfile) for the first
case. The script also runs against older code (a ``git archive`` of an earlier commit, with
this file and ``harness.py`` copied into its ``bench``), for before/after figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from datetime import timedelta
from pathlib import Path

from harness import (  # noqa: E402
    add_database_options,
    interleave,
    machine,
    median,
    print_table,
    progress,
    ratios,
    setup_django,
)

PAGE = (
    "<section style='page-break-after:always'><h1>Trang {i}</h1>"
    + "<p>Nội dung văn bản có đủ dấu tiếng Việt – ắ ằ ẳ ẵ ặ ướ ượ Đ đ.</p>" * 12
    + "</section>"
)


def make_pdf(pages: int) -> bytes:
    from congdoan.common.pdf import render_pdf
    from congdoan.documents import signing

    pdf = render_pdf(
        "<html><body>" + "".join(PAGE.format(i=i + 1) for i in range(pages)) + "</body></html>"
    )
    assert signing.page_count(pdf) == pages, signing.page_count(pdf)
    return pdf


def rsa_pkcs12(ca, holder: str, organisation: str) -> bytes:
    """A PKCS#12 with an RSA-2048 key and a certificate of the internal CA (as a CA's file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import NoEncryption, pkcs12

    from congdoan.documents import pki

    ca_cert = pki.load_certificate(bytes(ca.certificate_der))
    ca_key = pki.load_private_key(bytes(ca.encrypted_key))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = pki._now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(pki._name(holder, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA384())
    )
    return pkcs12.serialize_key_and_certificates(b"rsa", key, cert, [ca_cert], NoEncryption())


def signers_and_unit():
    """The province, and one head per key type, each with a personal certificate."""
    from congdoan.accounts.models import User
    from congdoan.documents import services
    from congdoan.documents.choices import CertificateKind
    from congdoan.documents.queries import internal_ca, usable_certificate
    from congdoan.org.choices import Role
    from congdoan.org.models import Unit
    from tests.conftest import Tree, make_user

    system = type(
        "S", (), {"is_superuser": True, "is_authenticated": True, "is_active": True, "pk": None}
    )()
    prov = Unit.objects.filter(code="PROV").first() or Tree().prov
    services.init_ca(prov.name)
    heads = {}
    for key, name in (("ec", "Nguyễn Thị Hồng Hạnh"), ("rsa", "Trần Văn Đức")):
        user = User.objects.filter(username=f"bench_head_{key}").first()
        if user is None:
            user = make_user(f"bench_head_{key}", prov, Role.ADMINISTRATOR, full_name=name)
        if usable_certificate(user=user, kind=CertificateKind.PERSONAL) is None:
            if key == "ec":
                services.issue_internal_certificate(
                    system, unit=prov, kind=CertificateKind.PERSONAL, user=user
                )
            else:
                services.import_pkcs12(
                    system,
                    unit=prov,
                    kind=CertificateKind.PERSONAL,
                    data=rsa_pkcs12(internal_ca(), name, prov.name),
                    password="",
                    user=user,
                )
        heads[key] = user
    return prov, heads


class Case:
    """One PDF shape with one key type: the three ways of signing it, and the drafts."""

    def __init__(self, pages: int, pdf: bytes, key: str, user, prov, n: int, rounds: int):
        from django.utils import timezone
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import StaticStampStyle
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        from congdoan.documents import pki, services, signing
        from congdoan.documents.choices import CertificateKind
        from congdoan.documents.models import DocumentType
        from congdoan.documents.queries import signer_unit, usable_certificate
        from congdoan.documents.services.signatures import SIGNER_FIELD

        self.label = f"{pages} pages, {'ECDSA P-256' if key == 'ec' else 'RSA-2048'}"
        self.pdf, self.user, self.n = pdf, user, n
        certificate = usable_certificate(user=user, kind=CertificateKind.PERSONAL)
        material = services.key_material(certificate)
        # pyHanko's own SimpleSigner, built once (key loaded once), as a script would.
        self.signer = signers.SimpleSigner(
            signing_cert=pki.to_asn1(material.certificate_der),
            signing_key=pki.private_key_info(material.encrypted_key),
            cert_registry=SimpleCertificateStore.from_certs(material.chain),
        )
        self.tuned = material.signer()  # the service's signer (key parsed once, size known)
        doc_type = DocumentType.objects.get(code="quyet-dinh")
        progress(f"{self.label}: {n * (rounds + 1) + 2} drafts")
        self.drafts = [
            services.create_document(
                user,
                services.DraftData(
                    unit=prov,
                    doc_type=doc_type,
                    summary=f"Văn bản thử {i}",
                    file=("d.pdf", pdf),
                    signer_prefix="TM.",
                    signer_position="Chủ tịch",
                ),
            )
            for i in range(n * (rounds + 1) + 2)
        ]
        self.next_draft = 0
        # The block the service draws for this signer (project code, fixed part cached).
        unit = signer_unit(user, self.drafts[0])
        appearance = signing.signer_appearance(
            title_lines=[f"TM. {unit.name}", "Chủ tịch"],
            name=user.display_name,
            unit=unit.name,
            moment=timezone.now(),
        )
        page_ix = pages - 1
        box = signing.signer_box(pdf, page_ix, "bottom-right")
        self.meta = signers.PdfSignatureMetadata(
            field_name=SIGNER_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason="Người có thẩm quyền ký",
            location=prov.province_name,
            name=user.display_name,
        )
        self.style = lambda: StaticStampStyle(
            background=signing.BlockContent(appearance), border_width=0, background_opacity=1.0
        )
        self.field = fields.SigFieldSpec(sig_field_name=SIGNER_FIELD, on_page=page_ix, box=box)
        self.cpu: dict[str, list[float]] = {}
        self.inside: dict[str, list[float]] = {}  # seconds on the PDF (time_sign_pdf)
        self.commit: dict[str, list[float]] = {}  # seconds committing

    # (a)
    def bare(self) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(io.BytesIO(self.pdf), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name="Sig", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        return signers.sign_pdf(writer, meta, signer=self.signer).getvalue()

    # (b)
    def visible(self) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers

        writer = IncrementalPdfFileWriter(io.BytesIO(self.pdf), strict=False)
        pdf_signer = signers.PdfSigner(
            self.meta, signer=self.signer, stamp_style=self.style(), new_field_spec=self.field
        )
        return pdf_signer.sign_pdf(writer).getvalue()

    # (b+)
    def visible_tuned(self) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers

        writer = IncrementalPdfFileWriter(io.BytesIO(self.pdf), strict=False)
        pdf_signer = signers.PdfSigner(
            self.meta, signer=self.tuned, stamp_style=self.style(), new_field_spec=self.field
        )
        return pdf_signer.sign_pdf(
            writer, bytes_reserved=getattr(self.tuned, "reserved", None)
        ).getvalue()

    def service(self) -> None:
        from congdoan.documents import services
        from tests.conftest import PASSWORD

        draft = self.drafts[self.next_draft]
        self.next_draft += 1
        services.sign_document(self.user, draft, password=PASSWORD)

    def batch(self, label: str, fn):
        def run() -> None:
            cpu, inside, commit = time.process_time(), INSIDE[0], COMMIT[0]
            for _ in range(self.n):
                fn()
            self.cpu.setdefault(label, []).append(time.process_time() - cpu)
            self.inside.setdefault(label, []).append(INSIDE[0] - inside)
            self.commit.setdefault(label, []).append(COMMIT[0] - commit)

        return run


INSIDE = [0.0]  # seconds spent on the PDF (signing.sign_pdf, open_pdf, page_count, signer_box)
COMMIT = [0.0]  # seconds spent committing (the database's wait for its log on disk)


def time_sign_pdf() -> None:
    """Count the time the service spends on the PDF: ``signing.sign_pdf`` (pyHanko and the
    block) and what pyHanko would do inside it otherwise (opening the PDF, walking its page
    tree for the page count and the block's box; the service does it first, pyHanko then
    finds it cached). The rest is the service's own work."""
    from congdoan.documents import signing

    depth = [0]

    def timed(real):
        def run(*args, **kwargs):
            depth[0] += 1
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1
                if not depth[0]:
                    INSIDE[0] += time.perf_counter() - start

        return run

    for name in ("sign_pdf", "open_pdf", "page_count", "signer_box"):
        setattr(signing, name, timed(getattr(signing, name)))

    from django.db import connections

    db = connections["default"]
    real_commit = db._commit

    def timed_commit(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real_commit(*args, **kwargs)
        finally:
            COMMIT[0] += time.perf_counter() - start

    db._commit = timed_commit


def profile(case: Case, count: int) -> None:
    """Where the service's time goes over ``count`` signatures: pyinstrument (a sampling
    profiler, little overhead) when installed, else cProfile (which inflates pure-Python
    code such as asn1crypto and the ORM several times over)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    if Profiler is not None:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(count):
            case.service()
        profiler.stop()
        progress(profiler.output_text(unicode=True, color=False, show_all=True))
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        case.service()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    stats.print_callees("sign_document")
    progress(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="signatures per batch")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", default="2,10", help="PDF shapes (page counts)")
    parser.add_argument("--keys", default="ec,rsa", help="key types: ec, rsa")
    parser.add_argument("--profile", action="store_true", help="cProfile the service (stderr)")
    add_database_options(parser, "documents_sign")
    args = parser.parse_args()
    db = setup_django(
        args,
        settings={
            "FAST_PASSWORD_HASHER": "1",  # Argon2 is measured on its own line
            "DEBUG": "0",  # as in production: no query log
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        },
    )

    from congdoan.documents import signing, verification

    prov, heads = signers_and_unit()
    cases = [
        Case(pages, make_pdf(pages), key, heads[key], prov, args.n, args.rounds)
        for pages in (int(p) for p in args.pages.split(","))
        for key in args.keys.split(",")
    ]
    for case in cases:  # warm-up: imports, font subsets, the fixed part of each block
        case.bare(), case.visible(), case.service()
    if args.profile:
        profile(cases[0], args.n)

    time_sign_pdf()
    labels = {
        "a": "pyHanko bare (a)",
        "b": "pyHanko + same block (b)",
        "b+": "pyHanko + same block, service's signer (b+)",
        "s": "service sign_document",
    }
    rows, summary = [], []
    for case in cases:
        progress(f"{case.label}: {args.rounds} rounds of {args.n} signatures each")
        fns = {"a": case.bare, "b": case.visible, "b+": case.visible_tuned, "s": case.service}
        timings = interleave({labels[k]: case.batch(k, fn) for k, fn in fns.items()}, args.rounds)
        wall = {key: timings[labels[key]] for key in fns}
        for key in fns:
            own = [w - i for w, i in zip(wall[key], case.inside[key], strict=True)]
            rows.append(
                [
                    case.label,
                    labels[key],
                    args.n / median(wall[key]),
                    args.n / median(case.cpu[key]),
                    1000 * median(wall[key]) / args.n,
                    1000 * median(own) / args.n if key == "s" else "",
                    1000 * median(case.commit[key]) / args.n if key == "s" else "",
                ]
            )
        # Rates are n / seconds: the ratio of rates service / (b) is (b)'s time / service's.
        summary.append(
            [
                case.label,
                median(ratios(wall["b"], wall["s"])),
                median(ratios(case.cpu["b"], case.cpu["s"])),
                median(ratios(wall["b+"], wall["s"])),
                median(ratios(case.cpu["b+"], case.cpu["s"])),
                median(ratios(wall["a"], wall["s"])),
            ]
        )
        done = case.drafts[case.next_draft - 1]
        done.refresh_from_db()
        with done.content.open("rb") as fh:
            report = verification.verify_pdf(fh.read())
        assert report.all_ok, report

    from django.contrib.auth.hashers import Argon2PasswordHasher

    from tests.conftest import PASSWORD

    argon2 = Argon2PasswordHasher()
    encoded = argon2.encode(PASSWORD, argon2.salt())
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(5):
        argon2.verify(PASSWORD, encoded)
    argon2_row = [
        "—",
        "password confirmation alone (Argon2, not in the rows above)",
        5 / (time.perf_counter() - start),
        5 / (time.process_time() - cpu_start),
        1000 * (time.perf_counter() - start) / 5,
        "",
        "",
    ]
    signing._signer_static.cache_clear()
    first = time.perf_counter()
    cases[0].service()
    first_row = [
        cases[0].label,
        "service, first signature of a signer in a process (block rendered)",
        1 / (time.perf_counter() - first),
        "",
        1000 * (time.perf_counter() - first),
        "",
        "",
    ]

    code = Path(signing.__file__).resolve().parents[2]
    print(
        f"\n{machine()}; {db.vendor}; n={args.n} per batch, {args.rounds} rounds, medians;"
        f" code at {code}"
    )
    print_table(
        [
            "case",
            "operation",
            "per s (wall)",
            "per s (CPU)",
            "ms each (wall)",
            "ms each: own work (not PDF)",
            "of which COMMIT",
        ],
        [*rows, first_row, argon2_row],
    )
    print_table(
        [
            "case",
            "service / (b) wall",
            "service / (b) CPU",
            "service / (b+) wall",
            "service / (b+) CPU",
            "service / (a) wall",
        ],
        summary,
        title="Ratios (round by round, median):",
    )


if __name__ == "__main__":
    main()
