"""Operations of the paperless office. Each runs in one transaction and checks scope first.

One import for every caller (views, the API, commands, the demo, tests):
``documents.services.<name>``. The operations live in one module per topic:

- ``drafting``: drafts, revision, review and approval;
- ``numbering``: registers' numbers and the document symbol;
- ``signatures``: the signer's signature and the clerk's issue (number + seal), both confirmed
  by the person's password or TOTP code;
- ``incoming``: delivery into recipients' incoming registers, paper documents, assignment
  and handling;
- ``certificates``: the internal CA, trust anchors, issued and imported certificates;
- ``files`` and ``journal``: what they share (uploads checked and converted to PDF; the
  workflow events and history reasons every operation leaves).

Reads (who may sign, pending reviews, usable certificates…) are in ``documents.queries``.
"""

from .certificates import (
    add_trust_anchor,
    import_pkcs12,
    init_ca,
    issue_internal_certificate,
    revoke_certificate,
)
from .drafting import (
    DraftData,
    approve_document,
    create_document,
    review_document,
    revise_document,
    submit_for_review,
)
from .files import convert_to_pdf, office_converter, pdf_content, read_upload
from .incoming import (
    assign_incoming,
    default_deadline,
    deliver,
    mark_handled,
    register_paper_document,
)
from .numbering import format_number_symbol, take_number
from .signatures import (
    confirm_identity,
    issue_document,
    key_material,
    sign_document,
    timestamp_url,
)

__all__ = [
    "DraftData",
    "add_trust_anchor",
    "approve_document",
    "assign_incoming",
    "confirm_identity",
    "convert_to_pdf",
    "create_document",
    "default_deadline",
    "deliver",
    "format_number_symbol",
    "import_pkcs12",
    "init_ca",
    "issue_document",
    "issue_internal_certificate",
    "key_material",
    "mark_handled",
    "office_converter",
    "pdf_content",
    "read_upload",
    "register_paper_document",
    "review_document",
    "revise_document",
    "revoke_certificate",
    "sign_document",
    "submit_for_review",
    "take_number",
    "timestamp_url",
]
