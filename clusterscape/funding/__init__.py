"""Funding programmes, rounds, applications, grants (funding issue)."""
