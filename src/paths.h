// Lexical path handling (SPEC §2.2): relative paths resolve against the directory of the file
// that wrote them and are emitted absolute and normalised; symbolic links are not resolved.
#ifndef QEMUC_PATHS_H_
#define QEMUC_PATHS_H_

#include <string>
#include <string_view>

namespace qemuc {

struct Node;

// `path` made absolute against the current directory, then lexically normalised.
std::string AbsolutePath(const std::string& path);

// chdir(), through which qemuc must change its directory: AbsolutePath keeps the answer of
// getcwd until then. False, with errno set, when chdir fails.
bool ChangeDirectory(const std::string& directory);

// `path` (absolute) as someone in `directory` (absolute) names it: relative when it lies below
// the directory, else absolute. How diagnostics name parents, and depfiles their targets.
std::string NamedFrom(const std::string& directory, const std::string& path);

// The directory part of a file path ("/a/b.yaml" -> "/a").
std::string DirectoryOf(const std::string& file);

// `path` resolved against `directory` (unless already absolute), lexically normalised.
std::string ResolveAgainst(const std::string& directory, const std::string& path);

// The path a scalar holds, resolved against the directory of the file that wrote it.
std::string ResolvedPath(const Node& value);

// True for a qemu.binary without '/': a name looked up in PATH, not a path relative to the file.
bool IsBareName(const std::string& binary);

// The project file of SPEC §8, at the top of a repository of boards.
inline constexpr std::string_view kProjectFileName = "qemuc.yaml";

// True for a path whose last component is qemuc.yaml: a project file, never a profile.
bool IsProjectFileName(std::string_view path);

// "boards/x64-dev.yaml" -> "x64-dev".
std::string Stem(const std::string& file);

}  // namespace qemuc

#endif  // QEMUC_PATHS_H_
