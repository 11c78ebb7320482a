"""Schema post-processing: what drf-spectacular cannot read from the code, stated in the schema.

- Every 4xx answer has the stable error body (``Error``); any request can be 400 (a NUL in the
  address, a Host header not allowed).
- A query parameter, when given, may not be empty (the server answers 400).
- No text may hold a NUL character (the server answers 400), so free-text strings say so.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {
                "type": {"type": "string", "examples": ["validation_error"]},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Messages by field; a nested field is named by its path, e.g. event_types[0].",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
NO_NUL = "^[^\\u0000]*$"


def _refuse_nul(schema: dict) -> None:
    if schema.get("type") == "string" and not schema.keys() & {"enum", "pattern", "format"}:
        schema["pattern"] = NO_NUL


def postprocess(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request"):
            for prop in component.get("properties", {}).values():
                _refuse_nul(prop)
                _refuse_nul(prop.get("items", {}))
    schemas["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", {"description": "The request is not valid; the error names the field."})
            for status_code, response in responses.items():
                if status_code.startswith("4") and "content" not in response:
                    response["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                _refuse_nul(schema)
                if parameter["in"] == "query" and schema.get("type") == "string" and "enum" not in schema:
                    schema.setdefault("minLength", 1)
    return result
