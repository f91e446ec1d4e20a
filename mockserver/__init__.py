"""A spec-driven, stateful mock server for OpenAPI 3.0/3.1."""
