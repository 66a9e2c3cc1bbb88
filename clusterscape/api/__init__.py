"""The HTTP API over the domain services; no business logic of its own."""
