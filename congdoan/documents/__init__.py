"""Paperless office: official documents, workflow, routing, PAdES signatures, verification."""
