// Source files and places in them: every node, value and diagnostic points at a SourceRange.
#ifndef QEMUC_SOURCE_H_
#define QEMUC_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qemuc {

// The text of one loaded file, with the byte offset of each line start.
class SourceFile {
 public:
  // display_path is how diagnostics name the file (the path as the user gave it, or derived from
  // it); path is what the file system was asked for. A UTF-8 byte order mark is dropped, as
  // yaml-cpp does, so that byte columns agree with its marks.
  SourceFile(std::string path, std::string display_path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& display_path() const { return display_path_; }
  const std::string& text() const { return text_; }

  // 1-based line; the line's text without its line break (empty past the end).
  std::string_view Line(uint32_t line) const;
  // Byte offset of a 0-based (line, byte column) as yaml-cpp reports it.
  size_t Offset(uint32_t line0, uint32_t byte_column0) const;
  // 1-based character column of a 0-based (line, byte column). Constant time: a node on a long
  // line (30,000 flow items on one line) must not count the line from its start again.
  uint32_t CharColumn(uint32_t line0, uint32_t byte_column0) const;
  // 0-based line that holds a byte offset.
  uint32_t LineOfOffset(size_t offset) const;
  // The same, found without a search when it is `line0_hint`.
  uint32_t LineOfOffset(size_t offset, uint32_t line0_hint) const;
  size_t LineStart(uint32_t line0) const { return line_starts_[line0]; }

 private:
  std::string path_;
  std::string display_path_;
  std::string text_;
  std::vector<size_t> line_starts_;
  // Continuation bytes (10xxxxxx) before each multiple of kBlockBytes: characters between two
  // offsets are their distance less the continuation bytes between them. Built once, then only
  // read, so that `validate -j` threads can share the file.
  static constexpr size_t kBlockBytes = 64;
  std::vector<uint32_t> continuations_before_block_;

  // Continuation bytes in text_[0, offset).
  size_t ContinuationsBefore(size_t offset) const;
};

// A place in a source file: 1-based line and character column, and the length in characters
// that a caret underlines (at least 1).
struct SourceRange {
  const SourceFile* file = nullptr;
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t length = 1;

  bool valid() const { return file != nullptr && line > 0; }
};

// The one-character range at a byte offset of `file`.
SourceRange RangeAtOffset(const SourceFile& file, size_t offset);
// The same, for an offset that is likely on the 0-based line `line0_hint` (the line of a node's
// mark, for a place inside the node): a parser asks for one per scalar.
SourceRange RangeAtOffset(const SourceFile& file, size_t offset, uint32_t line0_hint);

// "file:line:col", or just the file when the range has no line.
std::string FormatLocation(const SourceRange& range);

}  // namespace qemuc

#endif  // QEMUC_SOURCE_H_
