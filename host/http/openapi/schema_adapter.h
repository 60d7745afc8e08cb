// JSON Schema (draft 4-7, as stream schemas are written) to an OpenAPI 3.0 Schema Object,
// which is a stricter subset: `$schema`, `$id` and `examples` are not allowed in it, nor any
// keyword outside the subset. A spec that does not validate is of no use to generators or to
// /?doc, so the adapter rewrites instead of copying.
#pragma once

#include <rapidjson/document.h>

namespace eventstreams::http::openapi {

// Rewrites `schema` (an object) in place, recursively through properties, items,
// additionalProperties, allOf / anyOf / oneOf and not:
// - `$schema`, `$id`, `$comment` and `examples` are removed (take the example out first);
// - `const: v` becomes `enum: [v]`;
// - `type: [t, "null"]` becomes `type: t, nullable: true`; another list of types is dropped
//   (any type), kept as `x-type`;
// - a numeric `exclusiveMinimum` / `exclusiveMaximum` (draft 6+) becomes the 3.0 pair
//   `minimum` / `maximum` with the boolean;
// - empty `required` and `enum` lists are removed (3.0 needs at least one item);
// - `$ref` outside `#/components/` and every other keyword 3.0 does not know are kept as
//   `x-<keyword>`, so nothing is lost to a reader.
void adapt_schema(rapidjson::Value& schema, rapidjson::Document::AllocatorType& allocator);

}  // namespace eventstreams::http::openapi
