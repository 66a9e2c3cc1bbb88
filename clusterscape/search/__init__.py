"""One index over every searchable kind (lands with the search issue)."""
