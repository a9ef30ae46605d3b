#include "source.h"

#include <algorithm>

#include "utf8.h"

namespace qemuc {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

std::string WithoutByteOrderMark(std::string text) {
  if (std::string_view(text).substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.erase(0, kByteOrderMark.size());
  }
  return text;
}

// Room for the line starts of most profiles without growing.
constexpr size_t kLinesReserved = 32;

}  // namespace

SourceFile::SourceFile(std::string path, std::string display_path, std::string text)
    : path_(std::move(path)),
      display_path_(std::move(display_path)),
      text_(WithoutByteOrderMark(std::move(text))) {
  line_starts_.reserve(std::min(kLinesReserved, text_.size() / 16 + 1));
  line_starts_.push_back(0);
  // yaml-cpp counts "\r\n" and "\n" as one break; a lone "\r" is not a break for it either.
  for (size_t i = text_.find('\n'); i != std::string::npos; i = text_.find('\n', i + 1)) {
    line_starts_.push_back(i + 1);
  }
  // Most profiles are ASCII: the one count of zero says so (ContinuationsBefore). Looking for
  // that first is cheaper than counting continuation bytes byte by byte.
  if (IsAscii(text_)) {
    continuations_before_block_.push_back(0);
    return;
  }
  // A file is at most 1 MiB and an argument at most 128 KiB, so 32 bits hold any count.
  continuations_before_block_.reserve(text_.size() / kBlockBytes + 2);
  uint32_t continuations = 0;
  for (size_t start = 0; start < text_.size(); start += kBlockBytes) {
    continuations_before_block_.push_back(continuations);
    const size_t end = std::min(text_.size(), start + kBlockBytes);
    for (size_t i = start; i < end; ++i) {
      if (IsUtf8Continuation(static_cast<unsigned char>(text_[i]))) ++continuations;
    }
  }
  // The last count is of the whole text: zero says that no offset needs counting.
  continuations_before_block_.push_back(continuations);
}

size_t SourceFile::ContinuationsBefore(size_t offset) const {
  // Most profiles are ASCII: every character one byte.
  if (continuations_before_block_.back() == 0) return 0;
  offset = std::min(offset, text_.size());
  const size_t block = offset / kBlockBytes;
  const std::string_view rest =
      std::string_view(text_).substr(block * kBlockBytes, offset - block * kBlockBytes);
  size_t count = continuations_before_block_[block];
  for (const char c : rest) {
    if (IsUtf8Continuation(static_cast<unsigned char>(c))) ++count;
  }
  return count;
}

std::string_view SourceFile::Line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const size_t start = line_starts_[line - 1];
  size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(start, end - start);
}

size_t SourceFile::Offset(uint32_t line0, uint32_t byte_column0) const {
  if (line0 >= line_starts_.size()) return text_.size();
  return std::min(text_.size(), line_starts_[line0] + byte_column0);
}

uint32_t SourceFile::CharColumn(uint32_t line0, uint32_t byte_column0) const {
  // In an ASCII file every byte is a character, past the line's end too (as below).
  if (continuations_before_block_.back() == 0) return byte_column0 + 1;
  const std::string_view line = Line(line0 + 1);
  const size_t in_line = std::min<size_t>(byte_column0, line.size());
  const size_t past_line_end = byte_column0 - in_line;
  if (line.empty()) return static_cast<uint32_t>(past_line_end + 1);
  const size_t start = static_cast<size_t>(line.data() - text_.data());
  const size_t characters =
      in_line - (ContinuationsBefore(start + in_line) - ContinuationsBefore(start));
  return static_cast<uint32_t>(characters + past_line_end + 1);
}

uint32_t SourceFile::LineOfOffset(size_t offset) const {
  const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<uint32_t>(after - line_starts_.begin() - 1);
}

uint32_t SourceFile::LineOfOffset(size_t offset, uint32_t line0_hint) const {
  const bool in_hint =
      line0_hint < line_starts_.size() && line_starts_[line0_hint] <= offset &&
      (line0_hint + 1 == line_starts_.size() || offset < line_starts_[line0_hint + 1]);
  return in_hint ? line0_hint : LineOfOffset(offset);
}

SourceRange RangeAtOffset(const SourceFile& file, size_t offset) {
  return RangeAtOffset(file, offset, static_cast<uint32_t>(-1));
}

SourceRange RangeAtOffset(const SourceFile& file, size_t offset, uint32_t line0_hint) {
  const uint32_t line0 = file.LineOfOffset(offset, line0_hint);
  const auto byte_column0 = static_cast<uint32_t>(offset - file.LineStart(line0));
  return {&file, line0 + 1, file.CharColumn(line0, byte_column0), 1};
}

std::string FormatLocation(const SourceRange& range) {
  if (range.file == nullptr) return "<command line>";
  std::string text = range.file->display_path();
  if (range.line > 0) {
    text += ':' + std::to_string(range.line) + ':' + std::to_string(range.column);
  }
  return text;
}

}  // namespace qemuc
