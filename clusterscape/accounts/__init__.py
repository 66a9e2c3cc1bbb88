"""Users, organisation membership and roles, permissions, audit trail."""
