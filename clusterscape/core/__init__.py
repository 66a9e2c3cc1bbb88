"""Shared layout, i18n helpers and test utilities; nothing domain-specific."""
