"""Indicators: definitions, targets, rollups, snapshots and dashboards."""
