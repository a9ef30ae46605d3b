#include "key_reference.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "table_walk.h"

namespace qemuc {
namespace {

using T = FieldType;

std::string IntegerWords(const Field& field) {
  std::string words = "integer";
  const std::optional<int64_t>& low = field.minimum;
  const std::optional<int64_t>& high = field.maximum;
  if (low && high) return words + " " + std::to_string(*low) + ".." + std::to_string(*high);
  if (low) return words + " >= " + std::to_string(*low);
  if (high) return words + " <= " + std::to_string(*high);
  return words;
}

std::string Joined(const std::vector<std::string_view>& values, std::string_view separator) {
  std::string joined;
  for (std::string_view value : values) {
    if (!joined.empty()) joined += separator;
    joined += value;
  }
  return joined;
}

// No `default:`, so that -Wswitch names this function when a FieldType is added.
std::string TypeWords(const Field& field) {
  switch (field.type) {
    case T::kString:
      return "string";
    case T::kPath:
      return "path";
    case T::kBool:
      return "true or false";
    case T::kInteger:
      return IntegerWords(field);
    case T::kMemory:
      return "size: MiB, or a string with K/M/G/T";
    case T::kEnum:
      return "one of " + Joined(field.choices, ", ");
    case T::kStringList:
      return "list of strings";
    case T::kArgs:
      return "list of arguments";
    case T::kCmdline:
      return "list of kernel arguments";
    case T::kMapping:
      return "mapping";
    case T::kKeyedList:
      return "list of mappings, keyed by " + std::string(field.key);
    case T::kStringMap:
      return "mapping of names to strings";
    case T::kExtends:
      return "path, or list of paths";
    case T::kOverlays:
      return "mapping of names to partial profiles";
  }
  return "";
}

// SPEC §2.3's table, by type.
std::string MergingWords(const Field& field) {
  switch (field.type) {
    case T::kString:
    case T::kPath:
    case T::kBool:
    case T::kInteger:
    case T::kMemory:
    case T::kEnum:
      return "replaced";
    case T::kStringList:
      return "appended, without repeats";
    case T::kArgs:
      return "appended as written, repeats kept";
    case T::kCmdline:
      return "by key (the text before =): a layer's entries replace the inherited ones with "
             "their key; new keys appended";
    case T::kMapping:
      return "merged key by key";
    case T::kKeyedList:
      return "merged by " + std::string(field.key) + ": a known item in place, a new one appended";
    case T::kStringMap:
      return "merged by name";
    case T::kExtends:
      return "not merged: each file names its own parents";
    case T::kOverlays:
      return "merged by name: a later definition replaces the overlay";
  }
  return "";
}

KeyReferenceEntry Entry(const Field& field, std::string path, bool item_key) {
  KeyReferenceEntry entry;
  entry.type = TypeWords(field);
  entry.default_value = field.default_value;
  entry.required = field.required;
  // An item's key is never merged: it says which inherited item a layer's item merges into.
  entry.merging = item_key           ? "identifies the item"
                  : !field.inherited ? "not inherited: each file says it for itself"
                                     : MergingWords(field);
  entry.description = field.description;
  entry.field = &field;
  entry.path = std::move(path);
  return entry;
}

// Markdown for text that may hold any character: nothing in it becomes markup or ends a cell.
std::string MarkdownText(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '|':
        out += "\\|";
        break;
      case '`':
        out += "\\`";
        break;
      case '*':
        out += "\\*";
        break;
      case '<':
        out += "&lt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A literal value as code. In a table, GitHub's Markdown ends a cell at any unescaped '|', even
// inside a code span, and takes "\|" there as '|'. A backtick or newline cannot be in a code span
// as written: such a value is text.
std::string MarkdownCode(std::string_view value) {
  if (value.find_first_of("`\n") != std::string_view::npos) return MarkdownText(value);
  std::string out = "`";
  for (char c : value) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out + "`";
}

// A default is a value ("tcp", "qemu-system-<target>") or, when it holds a space, words saying
// where it comes from ("the file name without extension").
std::string MarkdownDefault(std::string_view value) {
  if (value.empty()) return "";
  return value.find(' ') == std::string_view::npos ? MarkdownCode(value) : MarkdownText(value);
}

std::string MarkdownRow(const KeyReferenceEntry& entry) {
  return "| " + MarkdownCode(entry.path) + " | " + MarkdownText(entry.type) + " | " +
         MarkdownDefault(entry.default_value) + " | " + (entry.required ? "yes" : "") + " | " +
         MarkdownText(entry.merging) + " | " + MarkdownText(entry.description) + " |\n";
}

// scdoc text: its markup characters escaped, a newline (which would end the paragraph's line
// and could start a list or table) made a space.
std::string ScdocText(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '*' || c == '_') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string ScdocEntry(const KeyReferenceEntry& entry) {
  std::string facts = "Type: " + ScdocText(entry.type) + ".";
  if (!entry.default_value.empty()) facts += " Default: " + ScdocText(entry.default_value) + ".";
  if (entry.required) facts += " Required.";
  facts += " Merging: " + ScdocText(entry.merging) + ".";
  return "*" + ScdocText(entry.path) + "*\n\t" + facts + "\n\n\t" + ScdocText(entry.description) +
         "\n\n";
}

// The offset of the line that is exactly `marker`, npos when there is none, and how many there
// are.
size_t FindMarkerLine(std::string_view document, std::string_view marker, int& count) {
  size_t found = std::string_view::npos;
  count = 0;
  for (size_t start = 0; start < document.size();) {
    size_t end = document.find('\n', start);
    if (end == std::string_view::npos) end = document.size();
    if (document.substr(start, end - start) == marker) {
      if (count++ == 0) found = start;
    }
    start = end + 1;
  }
  return found;
}

std::string Quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

}  // namespace

std::vector<KeyReferenceEntry> KeyReference(const Field& root) {
  std::vector<KeyReferenceEntry> entries;
  ForEachRow(root, [&](const Field& row, const KeyPath& path, const Field& parent) {
    const bool item_key = parent.type == FieldType::kKeyedList && row.name == parent.key;
    entries.push_back(Entry(row, path.Text(), item_key));
  });
  return entries;
}

std::string KeyTableMarkdown(const std::vector<KeyReferenceEntry>& entries) {
  std::string table =
      "| key | type | default | required | merging | description |\n"
      "|---|---|---|---|---|---|\n";
  for (const KeyReferenceEntry& entry : entries) table += MarkdownRow(entry);
  return table;
}

std::string KeyListScdoc(const std::vector<KeyReferenceEntry>& entries) {
  std::string list;
  for (const KeyReferenceEntry& entry : entries) list += ScdocEntry(entry);
  return list;
}

std::string KeyPathLines(const std::vector<KeyReferenceEntry>& entries) {
  std::string lines;
  for (const KeyReferenceEntry& entry : entries) lines += entry.path + "\n";
  return lines;
}

bool ReplaceBetweenMarkers(std::string& document, std::string_view begin_marker,
                           std::string_view end_marker, std::string_view generated,
                           std::string& error) {
  int begins = 0;
  int ends = 0;
  const size_t begin = FindMarkerLine(document, begin_marker, begins);
  const size_t end = FindMarkerLine(document, end_marker, ends);
  for (const auto& [marker, count] :
       {std::pair(begin_marker, begins), std::pair(end_marker, ends)}) {
    if (count != 1) {
      error = (count == 0 ? "no line " : std::to_string(count) + " lines ") + Quoted(marker) +
              (count == 0 ? "" : ": there must be one");
      return false;
    }
  }
  if (end < begin) {
    error = Quoted(end_marker) + " comes before " + Quoted(begin_marker);
    return false;
  }
  const size_t after_begin = begin + begin_marker.size() + 1;
  document.replace(after_begin, end - after_begin, "\n" + std::string(generated) + "\n");
  return true;
}

}  // namespace qemuc
