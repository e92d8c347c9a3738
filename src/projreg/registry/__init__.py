"""Registry files in and out: safe YAML, decoding against the schema, the cache,
loading, writing (atomic), checking, adding a project, the JSON Schema."""
