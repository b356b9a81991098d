"""The plan knowledge base: reading plan documents (ingest/), the unit registry, the SQL tables,
the in-memory catalog and its search, and the services answering plan questions."""
