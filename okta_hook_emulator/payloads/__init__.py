"""What travels on the wire: the hook catalog, seeded generators, JSON Schemas and validation."""
