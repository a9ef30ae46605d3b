#include "parsed_file_cache.h"

#include <doctest/doctest.h>

#include <thread>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::At;
using testing::FlowText;

// A base with an alias, so that the copy's sharing can be seen.
constexpr const char* kBase =
    "qemu: &q {target: x86_64, memory: 64}\noverlays: {big: {qemu: *q}}\n";

struct ParentRead {
  ParsedFileCache::Entry entry;
  std::string problems;
};

// The file at /p/base.yaml as an extended parent (kept), read on the calling thread.
ParentRead ReadParent(ParsedFileCache& cache, const MemoryFileReader& reader, SourceSet& sources) {
  Diagnostics diagnostics;
  const SourceRange named_at;
  ParentRead read{cache.Get(reader, sources, "/p/base.yaml", "base.yaml", FileRole::kProfile,
                            &named_at, diagnostics),
                  testing::Rendered(diagnostics)};
  return read;
}

TEST_SUITE("parsed_file_cache") {
  TEST_CASE(
      "each thread reads its own tree of a shared file, parsed once; the parser's is the "
      "original") {
    MemoryFileReader reader;
    reader.Add("/p/base.yaml", kBase);
    SourceSet sources;
    ParsedFileCache cache;
    const ParentRead first = ReadParent(cache, reader, sources);
    REQUIRE(first.entry.root != nullptr);
    CHECK(first.entry.ok);
    CHECK(first.problems == "");
    CHECK(ReadParent(cache, reader, sources).entry.root == first.entry.root);

    ParentRead other[2];
    std::thread thread([&] {
      other[0] = ReadParent(cache, reader, sources);
      other[1] = ReadParent(cache, reader, sources);
    });
    thread.join();
    const NodePtr& copy = other[0].entry.root;
    REQUIRE(copy != nullptr);
    CHECK(copy != first.entry.root);
    CHECK(other[1].entry.root == copy);              // made once for the thread
    CHECK(other[0].entry.file == first.entry.file);  // the one read: same bytes, same places
    CHECK(other[0].entry.ok);
    CHECK(FlowText(*copy) == FlowText(*first.entry.root));
    // New nodes all through, an alias's subtree shared within the copy as in the original.
    const Node& qemu = At(*copy, "qemu");
    CHECK(&qemu != &At(*first.entry.root, "qemu"));
    CHECK(&qemu == &At(*copy, "overlays.big.qemu"));
    CHECK(&At(*copy, "qemu.memory") != &At(*first.entry.root, "qemu.memory"));
    CHECK(At(*copy, "qemu.memory").range.line == 1);
    // The calling thread still reads the original.
    CHECK(ReadParent(cache, reader, sources).entry.root == first.entry.root);
  }

  TEST_CASE("a file that cannot be parsed has no tree to copy in another thread") {
    MemoryFileReader reader;
    reader.Add("/p/base.yaml", "qemu: [unclosed\n");
    SourceSet sources;
    ParsedFileCache cache;
    CHECK(ReadParent(cache, reader, sources).entry.root == nullptr);
    ParentRead other;
    std::thread thread([&] { other = ReadParent(cache, reader, sources); });
    thread.join();
    CHECK(other.entry.root == nullptr);
    CHECK_FALSE(other.entry.ok);
    CHECK(other.problems.find("error") != std::string::npos);
  }
}

}  // namespace
}  // namespace qemuc
