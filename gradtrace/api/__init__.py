"""HTTP layer: parse a request, call the sandbox or the tracer, return a schema."""
