// Helpers shared by the unit tests: parse text as a file, render what was reported, a scratch
// directory, a fake host, each stage alone (Stages) and the whole pipeline in memory (Pipeline).
#ifndef QEMUC_TEST_SUPPORT_H_
#define QEMUC_TEST_SUPPORT_H_

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler.h"
#include "diagnostic.h"
#include "file_reader.h"
#include "host_checks.h"
#include "interpolate.h"
#include "lower.h"
#include "merge.h"
#include "node.h"
#include "shape_check.h"
#include "validate.h"
#include "yaml_parser.h"

namespace qemuc::testing {

// Every diagnostic, rendered without colour, in the order reported.
inline std::string Rendered(const Diagnostics& diagnostics) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics.all())
    text += RenderDiagnostic(diagnostic, false);
  return text;
}

// A fresh directory under $TMPDIR, removed with its files at the end of the test.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/qemuc-test-XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  // remove_all, not `rm -rf` through a shell: no quoting to get right, and no result to ignore
  // (Debian's _FORTIFY_SOURCE made the ignored std::system status a warning).
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name, std::ios::binary) << text;
    return path_ + "/" + name;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Owns the source file so that ranges in the tree and diagnostics stay valid.
struct ParsedText {
  SourceSet sources;
  Diagnostics diagnostics;
  NodePtr root;

  std::string Rendered() const { return testing::Rendered(diagnostics); }
};

// Parses `text` as the file "p.yaml" (at /p/p.yaml); diagnostics name it "p.yaml".
inline void Parse(ParsedText& parsed, const std::string& text, const ParseLimits& limits = {}) {
  const SourceFile* file = parsed.sources.Add("/p/p.yaml", "p.yaml", text);
  parsed.root = ParseYaml(*file, parsed.diagnostics, limits);
}

// A tree as one line of flow YAML, for exact checks of what a stage made: {a: 1, b: [x, "y"]}.
// Quoted scalars keep double quotes; merge directives are written (!delete k).
inline std::string FlowText(const Node& node) {
  std::string text = node.tag == NodeTag::kOverride ? "!override "
                     : node.tag == NodeTag::kReset  ? "!reset "
                     : node.tag == NodeTag::kDelete ? "!delete "
                                                    : "";
  if (node.is_scalar()) return text + (node.is_plain() ? node.text : "\"" + node.text + "\"");
  const bool mapping = node.is_mapping();
  text += mapping ? "{" : "[";
  const size_t size = mapping ? node.entries.size() : node.items.size();
  for (size_t i = 0; i < size; ++i) {
    if (i > 0) text += ", ";
    text += mapping ? node.entries[i].key + ": " + FlowText(*node.entries[i].value)
                    : FlowText(*node.items[i]);
  }
  return text + (mapping ? "}" : "]");
}

// The value at a dotted path of mapping keys ("qemu.drives"), which must be there.
inline const Node& At(const Node& root, const std::string& dotted) {
  const Node* node = &root;
  for (size_t start = 0; start <= dotted.size();) {
    const size_t end = std::min(dotted.find('.', start), dotted.size());
    const MappingEntry* entry = node->Find(dotted.substr(start, end - start));
    REQUIRE_MESSAGE(entry != nullptr, dotted);
    node = entry->value.get();
    start = end + 1;
  }
  return *node;
}

// One input file of a stage: its text at `path`, which diagnostics print as it is.
struct TextFile {
  std::string path;
  std::string text;
};

// Each stage alone, fed directly: YAML layers to the merge, a merged tree to interpolation,
// validation and lowering. Every input is parsed and shape-checked first, as the pipeline does; a
// problem there fails the test, so that Rendered() holds only what the stage under test reported.
// Owns the source files, so that ranges in trees and diagnostics stay valid.
class Stages {
 public:
  Diagnostics diagnostics;  // what the stages reported

  std::string Rendered() const { return testing::Rendered(diagnostics); }

  // MergeLayers of `layers`, lowest first (no extends is followed: the layers are the input);
  // nullptr after reporting a problem.
  NodePtr Merge(const std::vector<TextFile>& layers) {
    std::vector<NodePtr> roots;
    for (const TextFile& layer : layers) {
      const NodePtr root = Layer(layer).root;
      if (root == nullptr) return nullptr;
      roots.push_back(root);
    }
    return MergeLayers(roots, diagnostics);
  }

  // The tree of one layer, as MergeLayers takes it; nullptr after reporting a problem.
  NodePtr Parse(const TextFile& layer) { return Layer(layer).root; }

  // Interpolate of `file` read as a merged tree, `defines` (-D) winning over its vars; nullptr
  // after reporting a problem.
  NodePtr Interpolate(const TextFile& file, const std::vector<Define>& defines = {}) {
    const NodePtr merged = MergedTree(file).root;
    return merged == nullptr ? nullptr : qemuc::Interpolate(merged, defines, diagnostics);
  }

  // ValidateMerged of `file` read as a merged tree; false when it reported a problem.
  bool Validate(const TextFile& file, bool check_completeness = true) {
    const NodePtr merged = MergedTree(file).root;
    return merged != nullptr && ValidateMerged(*merged, check_completeness, diagnostics);
  }

  // LowerProfile of `file` read as a merged tree, the profile itself; the tree must pass
  // validation first, as lowering assumes.
  LoweredProfile Lower(const TextFile& file) {
    const Parsed parsed = MergedTree(file);
    REQUIRE(parsed.root != nullptr);
    REQUIRE_MESSAGE(ValidateMerged(*parsed.root, true, diagnostics), Rendered());
    return LowerProfile(*parsed.root, *parsed.file);
  }

 private:
  struct Parsed {
    const SourceFile* file = nullptr;
    NodePtr root;  // nullptr: the file is not a well-formed profile
  };

  Parsed Layer(const TextFile& text) {
    Diagnostics found;
    const SourceFile* file = sources_.Add(text.path, text.path, text.text);
    NodePtr root = ParseYaml(*file, found);
    const bool clean =
        root != nullptr && CheckShape(*root, FileRole::kProfile, found) && found.all().empty();
    CHECK_MESSAGE(clean, ("a stage's input must be well-formed:\n" + testing::Rendered(found)));
    return {file, clean ? root : nullptr};
  }

  static bool HasDirective(const Node& node) {
    if (node.tag != NodeTag::kNone) return true;
    for (const MappingEntry& entry : node.entries) {
      if (HasDirective(*entry.value)) return true;
    }
    for (const NodePtr& item : node.items) {
      if (HasDirective(*item)) return true;
    }
    return false;
  }

  // `text` as a merged tree: a well-formed profile without the directives the merge removes.
  Parsed MergedTree(const TextFile& text) {
    Parsed parsed = Layer(text);
    if (parsed.root != nullptr && HasDirective(*parsed.root)) {
      FAIL_CHECK("a merged tree carries no !override, !reset or !delete: " << text.path);
      parsed.root = nullptr;
    }
    return parsed;
  }

  SourceSet sources_;
};

// The argument after the first (or nth) occurrence of `option`, or "<missing>".
inline std::string ArgAfter(const std::vector<std::string>& argv, const std::string& option,
                            size_t nth = 0) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option && nth-- == 0) return argv[i + 1];
  }
  return "<missing>";
}

// What FakeHost::ReplaceProcess throws where a real exec would not return: the command is left
// at that point as a replaced process would leave it.
struct ProcessReplaced {
  std::vector<std::string> argv;
};

// A machine with exactly the files and executables a test names.
class FakeHost : public Host {
 public:
  // ReplaceProcess fails with `error` instead of throwing ProcessReplaced; RunProcess too.
  void FailExec(std::string error) { exec_error_ = std::move(error); }
  // Every argv given to ReplaceProcess, in order.
  const std::vector<std::vector<std::string>>& executed() const { return executed_; }
  // The program that RunProcess starts ends with this status (as a shell reports it).
  void SetRunStatus(int status) { run_status_ = status; }
  // Every argv given to RunProcess, in order.
  const std::vector<std::vector<std::string>>& ran() const { return ran_; }

  void AddFile(const std::string& path) { files_.insert(path); }
  void AddExecutable(const std::string& path) {
    files_.insert(path);
    executables_.insert(path);
  }
  void AddDirectory(const std::string& path) { directories_.insert(path); }
  void SetSearchPath(std::string path) { search_path_ = std::move(path); }
  // A file that is there but cannot be written.
  void AddReadOnlyFile(const std::string& path) {
    files_.insert(path);
    read_only_.insert(path);
  }

  std::optional<std::string> FileProblem(const std::string& path) const override {
    if (files_.count(path) == 0) return std::string("No such file or directory");
    return std::nullopt;
  }
  std::optional<std::string> SocketProblem(const std::string& path) const override {
    // A file is no socket; anything else is not there.
    if (files_.count(path) > 0)
      return std::string("is there and is not a socket; QEMU would delete it to make its socket");
    return std::nullopt;
  }
  std::optional<std::string> DirectoryProblem(const std::string& path) const override {
    if (files_.count(path) > 0) return std::string("is not a directory");
    if (directories_.count(path) == 0) return std::string("No such file or directory");
    return std::nullopt;
  }
  std::optional<std::string> WritableFileProblem(const std::string& path) const override {
    if (std::optional<std::string> problem = FileProblem(path)) return problem;
    if (read_only_.count(path) > 0) return std::string("not writable (Permission denied)");
    return std::nullopt;
  }
  bool IsExecutable(const std::string& path) const override { return executables_.count(path) > 0; }
  std::string SearchPath() const override { return search_path_; }
  std::string ReplaceProcess(const std::vector<std::string>& argv) const override {
    executed_.push_back(argv);
    if (!exec_error_.empty()) return exec_error_;
    throw ProcessReplaced{argv};
  }
  ProcessEnd RunProcess(const std::vector<std::string>& argv) const override {
    ran_.push_back(argv);
    if (!exec_error_.empty()) return {0, exec_error_};
    return {run_status_, ""};
  }

 private:
  std::set<std::string> files_;
  std::set<std::string> executables_;
  std::set<std::string> directories_;
  std::set<std::string> read_only_;
  std::string search_path_ = "/usr/bin";
  std::string exec_error_;
  mutable std::vector<std::vector<std::string>> executed_;
  int run_status_ = 0;
  mutable std::vector<std::vector<std::string>> ran_;
};

// The whole pipeline on an in-memory file system and a fake host.
struct Pipeline {
  MemoryFileReader reader;
  FakeHost host;
  SourceSet sources;
  ParsedFileCache cache;
  Environment environment{reader, host, sources, cache};
  Diagnostics diagnostics;

  std::string Rendered() const { return testing::Rendered(diagnostics); }

  // Compiles a profile with its overlays, --set and -D, host checks off.
  std::optional<Invocation> CompileWith(const ProfileRequest& profile) {
    CompileRequest request;
    request.profile = profile;
    request.host_checks = false;
    return CompileProfile(request, environment, diagnostics);
  }

  // The argv of a profile that must compile; a failure shows the diagnostics.
  std::vector<std::string> Argv(const ProfileRequest& profile) {
    const std::optional<Invocation> invocation = CompileWith(profile);
    if (!invocation) return {"<failed>", Rendered()};
    return invocation->argv;
  }

  // Compiles the profile at `path` (absolute) with host checks off unless asked.
  std::optional<Invocation> Compile(const std::string& path, bool host_checks = false,
                                    std::vector<std::string> kernel_args = {}) {
    CompileRequest request;
    request.profile.profile = path;
    request.host_checks = host_checks;
    request.kernel_args = std::move(kernel_args);
    return CompileProfile(request, environment, diagnostics);
  }
};

}  // namespace qemuc::testing

#endif  // QEMUC_TEST_SUPPORT_H_
