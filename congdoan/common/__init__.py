"""Shared ground: Vietnamese text handling, citizen identity checks, base models, health check."""
