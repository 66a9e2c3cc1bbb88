"""Organisations, taxonomy, regions, programmes, provenance, import and export."""
