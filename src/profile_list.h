// profile_list: `qemuc list` (SPEC §8), one row per compilable profile, as a table for people
// or JSON for programs. Pure functions from rows to text.
#ifndef QEMUC_PROFILE_LIST_H_
#define QEMUC_PROFILE_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "compiler.h"
#include "emit.h"

namespace qemuc {

struct ListRow {
  std::string file;  // the profile as the user named it
  std::string name;
  std::string target;
  int cpus = 1;
  int64_t memory_mib = 0;
  std::vector<std::string> overlays;  // the names in its merged `overlays:`, in order
  std::string description;            // empty: none
};

// The row of a profile that resolved and is not abstract.
ListRow ListRowOf(const ResolvedProfile& resolved, const std::string& file);

// The names in the merged `overlays:` of a profile, in order.
std::vector<std::string> OverlayNames(const Node& merged);

// The table is at most this wide, in characters.
constexpr size_t kListTableWidth = 100;

// "2 GiB" for whole GiB, else "512 MiB".
std::string HumanMemory(int64_t mib);

// A header row and a row per profile, columns separated by two spaces, numbers right-aligned,
// no trailing spaces. Control characters are shown escaped (\n, \t). When the table would be
// wider than kListTableWidth, the widest NAME, OVERLAYS and DESCRIPTION cells are cut to one
// width so that it fits, each cut cell ending in "…".
std::string RenderListTable(const std::vector<ListRow>& rows);

// {"format":"qemuc-list","version":1,"profiles":[{"file","name","target","cpus","memory_mib",
// "overlays":[...],"description"}]}, one profile a line; an error when a string is not UTF-8.
Emitted RenderListJson(const std::vector<ListRow>& rows);

}  // namespace qemuc

#endif  // QEMUC_PROFILE_LIST_H_
