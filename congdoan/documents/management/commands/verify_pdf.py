"""``congdoan verify-pdf FILE``: the same signature report as /verify/document."""

import json

from django.core.management.base import BaseCommand, CommandError

from congdoan.documents.verification import verify_pdf


class Command(BaseCommand):
    help = (
        "Verify every signature of a signed PDF: signer, chain, time, changes after signing, trust."
    )

    _from_command_line = False

    def run_from_argv(self, argv):
        self._from_command_line = True
        super().run_from_argv(argv)

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the report as JSON"
        )

    def handle(self, *args, file, as_json: bool = False, **options):
        try:
            with open(file, "rb") as fh:
                report = verify_pdf(fh.read())
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(
                json.dumps(report.as_dict(), default=str, ensure_ascii=False, indent=2)
            )
        else:
            self._print(report)
        if not report.all_ok:
            if self._from_command_line:
                # The verdict is already the first line printed: exit 1 without repeating
                # it as "CommandError: …" on stderr.
                raise SystemExit(1)
            raise CommandError(report.verdict_label)

    def _print(self, report):
        """The verdict in one line first, then the details of each signature."""
        if report.error:
            self.stdout.write(f"{report.verdict_label}: {report.error}")
            return
        self.stdout.write(report.verdict_label)
        for i, s in enumerate(report.signatures, 1):
            self.stdout.write(f"Signature {i} ({s.field_name}): {s.signer}")
            self.stdout.write(
                f"  signing time:          {s.signing_time.isoformat() if s.signing_time else '-'}"
            )
            self.stdout.write(f"  cryptographically ok:  {'yes' if s.valid and s.intact else 'NO'}")
            self.stdout.write(
                f"  changed after signing: {'YES' if s.modified_after_signing else 'no'}"
            )
            if s.trusted:
                self.stdout.write(f"  trusted root:          {s.trust_anchor}")
            elif not s.changed:
                self.stdout.write("  trusted root:          NOT TRUSTED")
            for c in s.chain:
                self.stdout.write(f"  chain: {c.subject}")
            for p in s.problems:
                self.stdout.write(f"  problem: {p}")
