"""News, events, funding calls and projects (content issue)."""
