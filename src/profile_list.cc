#include "profile_list.h"

#include <algorithm>
#include <string_view>

#include "json_writer.h"
#include "lower.h"
#include "utf8.h"

namespace qemuc {
namespace {

struct Column {
  std::string_view header;
  bool right_aligned;  // numbers
  bool cuttable;       // free text, cut when the table is too wide
};

constexpr Column kColumns[] = {
    {"NAME", false, true},   {"TARGET", false, false},  {"CPUS", true, false},
    {"MEMORY", true, false}, {"OVERLAYS", false, true}, {"DESCRIPTION", false, true},
};
constexpr size_t kColumnCount = std::size(kColumns);
constexpr size_t kGap = 2;  // spaces between columns

using Cells = std::vector<std::string>;

std::string Joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// A terminal must show a description's newline or escape sequence, not act on it.
Cells CellsOf(const ListRow& row) {
  return {EscapeForTerminal(row.name),
          EscapeForTerminal(row.target),
          std::to_string(row.cpus),
          HumanMemory(row.memory_mib),
          EscapeForTerminal(Joined(row.overlays)),
          EscapeForTerminal(row.description)};
}

size_t TableWidth(const std::vector<size_t>& widths) {
  size_t total = kGap * (widths.size() - 1);
  for (const size_t width : widths) total += width;
  return total;
}

// The widths of the columns: each as wide as its widest cell, then the widest cuttable columns
// narrowed to one width (the largest that makes the table fit).
std::vector<size_t> ColumnWidths(const std::vector<Cells>& table) {
  std::vector<size_t> natural(kColumnCount, 0);
  for (const Cells& cells : table) {
    for (size_t i = 0; i < kColumnCount; ++i)
      natural[i] = std::max(natural[i], CountCodePoints(cells[i]));
  }
  const auto capped = [&](size_t cap) {
    std::vector<size_t> widths = natural;
    for (size_t i = 0; i < kColumnCount; ++i) {
      if (kColumns[i].cuttable) widths[i] = std::min(widths[i], cap);
    }
    return widths;
  };
  if (TableWidth(natural) <= kListTableWidth) return natural;
  // No column of a table that fits is wider than the table: a description of a million
  // characters starts the search there, not at its own width.
  size_t cap = kListTableWidth;
  while (cap > 1 && TableWidth(capped(cap)) > kListTableWidth) --cap;
  return capped(cap);
}

std::string Cut(const std::string& cell, size_t width) {
  if (CountCodePoints(cell) <= width) return cell;
  return std::string(PrefixOfCharacters(cell, width - 1)) + "…";
}

std::string Line(const Cells& cells, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < kColumnCount; ++i) {
    const std::string cell = Cut(cells[i], widths[i]);
    const std::string padding(widths[i] - CountCodePoints(cell), ' ');
    if (i > 0) line += std::string(kGap, ' ');
    line += kColumns[i].right_aligned ? padding + cell : cell + padding;
  }
  line.erase(line.find_last_not_of(' ') + 1);
  return line + "\n";
}

// One profile a line, so that a list of many profiles reads as a table does.
void WriteRow(JsonWriter& json, const ListRow& row) {
  json.BeginObject(JsonLayout::kOneLine).Key("file").String(row.file);
  json.Key("name").String(row.name).Key("target").String(row.target);
  json.Key("cpus").Int(row.cpus).Key("memory_mib").Int(row.memory_mib);
  json.Key("overlays").BeginArray();
  for (const std::string& overlay : row.overlays) json.String(overlay);
  json.EndArray().Key("description").String(row.description).EndObject();
}

// The first string of the rows that JSON cannot hold, or nullptr. Only the file, as the user
// named it, can be one: the rest was read from profiles, which are UTF-8.
const std::string* FirstNonUtf8(const std::vector<ListRow>& rows) {
  for (const ListRow& row : rows) {
    for (const std::string* text : {&row.file, &row.name, &row.target, &row.description}) {
      if (FindInvalidUtf8(*text)) return text;
    }
    for (const std::string& overlay : row.overlays) {
      if (FindInvalidUtf8(overlay)) return &overlay;
    }
  }
  return nullptr;
}

}  // namespace

ListRow ListRowOf(const ResolvedProfile& resolved, const std::string& file) {
  const Node& merged = *resolved.merged;
  const LoweredProfile lowered = LowerProfile(merged, *resolved.stack.profile);
  ListRow row;
  row.file = file;
  row.name = lowered.name;
  row.description = lowered.description;
  row.cpus = lowered.config.cpus;
  row.memory_mib = lowered.config.memory_mib;
  // The target as written, not Config's enum: the list shows every target the profile may name.
  const MappingEntry* qemu = merged.Find("qemu");
  const MappingEntry* target = qemu != nullptr ? qemu->value->Find("target") : nullptr;
  if (target != nullptr) row.target = target->value->text;
  row.overlays = OverlayNames(merged);
  return row;
}

std::vector<std::string> OverlayNames(const Node& merged) {
  std::vector<std::string> names;
  if (const MappingEntry* overlays = merged.Find("overlays")) {
    for (const MappingEntry& overlay : overlays->value->entries) names.push_back(overlay.key);
  }
  return names;
}

std::string HumanMemory(int64_t mib) {
  if (mib > 0 && mib % 1024 == 0) return std::to_string(mib / 1024) + " GiB";
  return std::to_string(mib) + " MiB";
}

std::string RenderListTable(const std::vector<ListRow>& rows) {
  std::vector<Cells> table;
  table.emplace_back();
  for (const Column& column : kColumns) table.back().emplace_back(column.header);
  for (const ListRow& row : rows) table.push_back(CellsOf(row));
  const std::vector<size_t> widths = ColumnWidths(table);
  std::string text;
  for (const Cells& cells : table) text += Line(cells, widths);
  return text;
}

Emitted RenderListJson(const std::vector<ListRow>& rows) {
  if (const std::string* bad = FirstNonUtf8(rows)) {
    return {"", "'" + *bad + "' is not valid UTF-8, which JSON cannot represent"};
  }
  JsonWriter json;
  json.BeginObject().Key("format").String("qemuc-list").Key("version").Int(1);
  json.Key("profiles").BeginArray();
  for (const ListRow& row : rows) WriteRow(json, row);
  return {json.EndArray().EndObject().Take() + "\n", ""};
}

}  // namespace qemuc
