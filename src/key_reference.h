// The key reference: every key path of the profile format with its type, default, whether it is
// required, how layers merge it (SPEC §2.3) and its description, all read from the field table
// (schema.h), so that the README's key table cannot drift from what qemuc reads.
//
// The walk (KeyReference) and the renderings are apart: the walk says everything in plain words,
// and each rendering (the README's Markdown table here; the man page later) only formats them.
#ifndef QEMUC_KEY_REFERENCE_H_
#define QEMUC_KEY_REFERENCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema.h"

namespace qemuc {

// One key path of the table, in plain text (no markup).
struct KeyReferenceEntry {
  std::string path;                // "qemu.drives[].file": a keyed list's items are "[]"
  std::string type;                // "integer 1..4096", "one of tcp, udp", "path"
  std::string_view default_value;  // as the table states it; empty when there is none
  bool required = false;           // in a complete profile (or in each item of its list)
  std::string merging;             // how a later layer changes it: "replaced", "merged by id"
  std::string_view description;
  const Field* field = nullptr;  // the row, for renderings that need more
};

// Every key under `root`, depth first in the order of the table; `root` itself (the profile's
// unnamed root mapping) is not an entry. Overlay bodies are profiles: they get no entries.
std::vector<KeyReferenceEntry> KeyReference(const Field& root);

// The README's table: a header and one row per entry, "|"-separated, each line ending in "\n".
std::string KeyTableMarkdown(const std::vector<KeyReferenceEntry>& entries);

// The man page's list (qemuc-profile(5), in scdoc): per entry, the path in bold, then an
// indented paragraph with its type, default, whether it is required and how it merges, and one
// with its description. Every character of the table is literal (scdoc's *, _ and \ escaped).
std::string KeyListScdoc(const std::vector<KeyReferenceEntry>& entries);

// One path a line.
std::string KeyPathLines(const std::vector<KeyReferenceEntry>& entries);

// Replaces the lines between `begin_marker` and `end_marker` (each a whole line of `document`)
// with "\n" + `generated` + "\n". Returns false, with `error` saying why, when a marker is
// missing, repeated or out of order.
bool ReplaceBetweenMarkers(std::string& document, std::string_view begin_marker,
                           std::string_view end_marker, std::string_view generated,
                           std::string& error);

}  // namespace qemuc

#endif  // QEMUC_KEY_REFERENCE_H_
