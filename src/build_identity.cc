#include "build_identity.h"

#include <elf.h>
#include <link.h>
#include <sys/stat.h>

#include <cstring>

#include "sha256.h"
#include "version.h"

namespace qemuc {
namespace {

constexpr uint32_t kGnuBuildIdType = 3;  // NT_GNU_BUILD_ID

size_t AlignNote(size_t size) {
  return (size + 3) & ~size_t{3};
}

// The build ID in the PT_NOTE segments of the first object dl_iterate_phdr reports: the program.
int FindBuildId(dl_phdr_info* info, size_t, void* data) {
  auto& found = *static_cast<std::string*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type != PT_NOTE) continue;
    const auto* note = reinterpret_cast<const uint8_t*>(info->dlpi_addr + header.p_vaddr);
    for (size_t at = 0; at + sizeof(ElfW(Nhdr)) <= header.p_memsz;) {
      ElfW(Nhdr) note_header;
      std::memcpy(&note_header, note + at, sizeof note_header);
      const size_t name_at = at + sizeof note_header;
      const size_t desc_at = name_at + AlignNote(note_header.n_namesz);
      if (desc_at + note_header.n_descsz > header.p_memsz) break;
      if (note_header.n_type == kGnuBuildIdType && note_header.n_namesz == 4 &&
          std::memcmp(note + name_at, "GNU", 4) == 0) {
        found = HexOf(note + desc_at, note_header.n_descsz);
        return 1;
      }
      at = desc_at + AlignNote(note_header.n_descsz);
    }
  }
  return 1;  // only the program itself, never a library
}

std::string ExecutableStamp() {
  struct stat status {};
  if (stat("/proc/self/exe", &status) != 0) return "unknown";
  return "size " + std::to_string(status.st_size) + " mtime " +
         std::to_string(status.st_mtim.tv_sec) + "." + std::to_string(status.st_mtim.tv_nsec) +
         " inode " + std::to_string(status.st_ino);
}

}  // namespace

std::string BuildIdentity() {
  std::string build_id;
  dl_iterate_phdr(FindBuildId, &build_id);
  return std::string(kQemucVersion) + " build " + (build_id.empty() ? ExecutableStamp() : build_id);
}

}  // namespace qemuc
