"""``congdoan ca init|issue|trust|show``: the organisation's internal certification authority.

The internal CA is labelled as internal in its name and subject: its signatures are trusted
on this platform (it is a trust anchor), and elsewhere only where its root is installed.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from congdoan.documents import pki, queries, services
from congdoan.documents.models import TrustAnchor
from congdoan.org.models import Unit


class _System:
    """The command runs as the system operator (full scope)."""

    is_superuser = True
    is_authenticated = True
    is_active = True
    pk = None


class Command(BaseCommand):
    help = "Manage the internal certification authority and the trust anchors."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create the internal CA once")
        init.add_argument(
            "--organisation", help="organisation name (default: the first top-level unit)"
        )
        init.add_argument("--years", type=int, default=10)
        issue = sub.add_parser("issue", help="issue a certificate to an officer, or a unit's seal")
        issue.add_argument("--unit", required=True, help="unit code")
        issue.add_argument("--user", help="username (personal certificate)")
        issue.add_argument("--seal", action="store_true", help="the unit's organisation seal")
        issue.add_argument("--days", type=int, default=730)
        trust = sub.add_parser(
            "trust", help="add a root certificate (PEM or DER) as a trust anchor"
        )
        trust.add_argument("file")
        trust.add_argument("--name", default="")
        sub.add_parser("show", help="show the internal CA and the trust anchors")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _init(self, organisation=None, years=10, **_):
        existing = queries.internal_ca()
        if existing:
            self.stdout.write(f"Internal CA already exists: {existing.name}")
            return
        if not organisation:
            root = Unit.objects.filter(depth=1).order_by("path").first()
            if root is None:
                raise CommandError("No unit yet: pass --organisation.")
            organisation = root.name
        ca = services.init_ca(organisation, years)
        self.stdout.write(
            self.style.SUCCESS(
                f"Internal CA created: {ca.name} (valid until {ca.not_after:%Y-%m-%d})"
            )
        )
        self.stdout.write(f"Label: {pki.INTERNAL_CA_LABEL}")

    def _issue(self, unit, user=None, seal=False, days=730, **_):
        target = Unit.objects.filter(code=unit.upper()).first()
        if target is None:
            raise CommandError(f"No unit {unit}.")
        holder = None
        if not seal:
            holder = get_user_model().objects.filter(username=user).first() if user else None
            if holder is None:
                raise CommandError("Pass --user USERNAME, or --seal.")
        try:
            cert = services.issue_internal_certificate(
                _System(), unit=target, kind="seal" if seal else "personal", user=holder, days=days
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Issued: {cert.subject} (until {cert.not_after:%Y-%m-%d})")
        )

    def _trust(self, file, name="", **_):
        with open(file, "rb") as fh:
            anchor = services.add_trust_anchor(fh.read(), name=name)
        self.stdout.write(
            self.style.SUCCESS(f"Trusted: {anchor.name} ({anchor.fingerprint[:16]}…)")
        )

    def _show(self, **_):
        ca = queries.internal_ca()
        self.stdout.write(f"Internal CA: {ca.name if ca else '(none; run: congdoan ca init)'}")
        for anchor in TrustAnchor.objects.order_by("added_at"):
            label = " [internal]" if anchor.is_internal else ""
            self.stdout.write(f"  trust anchor: {anchor.name}{label} sha256={anchor.fingerprint}")
