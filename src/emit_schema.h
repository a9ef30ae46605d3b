// emit_schema: the field table -> a JSON Schema (draft-07) of one profile file, for editors
// (yaml-language-server reads draft-07 and below) and independent validators. `qemuc schema`
// prints it and schema/profile.schema.json is that output, checked in.
//
// The schema sees a file the way a JSON-Schema-aware editor does: the merge directive tags are
// invisible, so `!delete KEY` is the string KEY, a bare `!reset` the empty string and
// `!override VALUE` the value. It checks one file, not the merged profile: the required keys of
// SPEC §3 are required only of a file that is neither `abstract: true` nor extends another.
#ifndef QEMUC_EMIT_SCHEMA_H_
#define QEMUC_EMIT_SCHEMA_H_

#include <string>

namespace qemuc {

// The schema as JSON, indented by two spaces, with a trailing newline. Deterministic: keys come
// in the order of the field table.
std::string EmitJsonSchema();

}  // namespace qemuc

#endif  // QEMUC_EMIT_SCHEMA_H_
