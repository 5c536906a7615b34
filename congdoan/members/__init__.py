"""Member registry: records, lifecycle, import and export, completeness."""
