#include "layers.h"

#include <doctest/doctest.h>

#include "paths.h"
#include "set_assignment.h"
#include "test_support.h"

namespace qemuc {
namespace {

using testing::ArgAfter;
using testing::Pipeline;
using Strings = std::vector<std::string>;

constexpr const char* kVm = "qemu: {target: x86_64, memory: 64, kernel: /k}\n";
const std::string kComplete = std::string("abstract: true\n") + kVm;

std::string Errors(Pipeline& pipeline, const ProfileRequest& request) {
  CHECK_FALSE(pipeline.CompileWith(request).has_value());
  return pipeline.Rendered();
}

// Counts how often each file is read (from several threads).
class CountingReader : public FileReader {
 public:
  explicit CountingReader(const FileReader& inner) : inner_(inner) {}
  ReadResult Read(const std::string& path) const override {
    const std::lock_guard<std::mutex> lock(mutex_);
    ++reads_[path];
    return inner_.Read(path);
  }
  std::string RefuseNonYaml(const std::string& path) const override {
    return inner_.RefuseNonYaml(path);
  }
  int reads(const std::string& path) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return reads_.count(path) > 0 ? reads_.at(path) : 0;
  }

 private:
  const FileReader& inner_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, int> reads_;
};

TEST_SUITE("layers") {
  TEST_CASE("validate reads and parses a shared parent once, whatever -j is") {
    for (const unsigned jobs : {1u, 2u}) {
      Pipeline pipeline;
      pipeline.reader.Add(
          "/p/base.yaml",
          "abstract: true\nqemu: {target: x86_64, memory: 64, kernel: /k, cpus: 0}\n");
      const CountingReader counting(pipeline.reader);
      Environment environment{counting, pipeline.host, pipeline.sources, pipeline.cache};
      std::vector<ProfileRequest> requests;
      for (const char* board : {"/p/a.yaml", "/p/b.yaml", "/p/c.yaml"}) {
        pipeline.reader.Add(board, "extends: base.yaml\n");
        requests.push_back({board, {}, {}, {}});
      }
      const std::vector<Diagnostics> found = ValidateProfiles(requests, environment, jobs);
      CHECK(counting.reads("/p/base.yaml") == 1);
      REQUIRE(found.size() == 3);
      for (const Diagnostics& each : found) CHECK(each.has_errors());  // each board has the problem
    }
  }

  TEST_CASE("validate lets go of a checked profile but keeps the parents it shares") {
    for (const Retention retention : {Retention::kKeepAll, Retention::kReleaseProfiles}) {
      Pipeline pipeline;
      pipeline.cache.set_retention(retention);
      pipeline.reader.Add("/p/base.yaml", kComplete);
      pipeline.reader.Add("/p/board.yaml", "extends: base.yaml\nqemu: {cpus: 0}\n");
      const CountingReader counting(pipeline.reader);
      Environment environment{counting, pipeline.host, pipeline.sources, pipeline.cache};
      const Strings profiles = {"/p/board.yaml", "/p/base.yaml", "/p/board.yaml", "/p/board.yaml"};
      Strings reports;
      ValidateProfiles(
          profiles.size(),
          [&](size_t i) {
            return ProfileRequest{profiles[i], {}, {}, {}};
          },
          environment, 1,
          [&](size_t, Diagnostics& found) { reports.push_back(testing::Rendered(found)); });
      // One thread: each board is let go before the next is read, whose report is the same.
      CHECK(counting.reads("/p/board.yaml") == (retention == Retention::kKeepAll ? 1 : 3));
      CHECK(counting.reads("/p/base.yaml") == 1);
      REQUIRE(reports.size() == 4);
      CHECK(reports[0].find("/p/board.yaml:2:14: error: 'qemu.cpus' must be between") == 0);
      CHECK(reports[1].empty());
      CHECK(reports[2] == reports[0]);
      CHECK(reports[3] == reports[0]);
    }
  }

  TEST_CASE("a diamond applies the shared base once, so it cannot undo what a sibling set") {
    Pipeline pipeline;
    pipeline.reader.Add(
        "/p/base.yaml",
        "abstract: true\nqemu: {target: x86_64, memory: 64, kernel: /k, cpus: 1}\n");
    pipeline.reader.Add("/p/left.yaml", "abstract: true\nextends: base.yaml\nqemu: {cpus: 2}\n");
    pipeline.reader.Add("/p/right.yaml", "abstract: true\nextends: base.yaml\ncmdline: [quiet]\n");
    pipeline.reader.Add("/p/top.yaml", "extends: [left.yaml, right.yaml]\n");
    const std::optional<Invocation> invocation = pipeline.CompileWith({"/p/top.yaml", {}, {}, {}});
    REQUIRE_MESSAGE(invocation.has_value(), pipeline.Rendered());
    CHECK(ArgAfter(invocation->argv, "-smp") == "2");  // base again after right would give 1
    CHECK(invocation->sources ==
          Strings{"/p/base.yaml", "/p/left.yaml", "/p/right.yaml", "/p/top.yaml"});
  }

  TEST_CASE("a three-level chain, and a later parent in a list overriding an earlier one") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml",
                        "abstract: true\nqemu: {target: x86_64, memory: 64, kernel: /k, cpus: 1}\n"
                        "cmdline: [a=1]\n");
    pipeline.reader.Add("/p/b.yaml",
                        "abstract: true\nextends: a.yaml\nqemu: {cpus: 2}\ncmdline: [b=2]\n");
    pipeline.reader.Add("/p/x.yaml", "abstract: true\nqemu: {cpus: 8}\n");
    pipeline.reader.Add("/p/c.yaml", "extends: [b.yaml, x.yaml]\ncmdline: [a=3]\n");
    const Strings argv = pipeline.Argv({"/p/c.yaml", {}, {}, {}});
    CHECK(ArgAfter(argv, "-smp") == "8");  // x, the later parent, over b (2) and a (1)
    CHECK(ArgAfter(argv, "-append") == "a=3 b=2");
  }

  TEST_CASE("a relative path is resolved against the directory of the file that wrote it") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base/x86.yaml",
                        "abstract: true\nqemu: {target: x86_64, memory: 64, kernel: ../out/k}\n");
    pipeline.reader.Add("/p/boards/dev/b.yaml",
                        "extends: ../../base/x86.yaml\nqemu: {initrd: rd}\n");
    const Strings argv = pipeline.Argv({"/p/boards/dev/b.yaml", {}, {}, {}});
    CHECK(ArgAfter(argv, "-kernel") == "/p/out/k");
    CHECK(ArgAfter(argv, "-initrd") == "/p/boards/dev/rd");
  }

  TEST_CASE("a missing parent is an error at its extends entry") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", "extends: [gone.yaml]\n");
    CHECK(Errors(pipeline, {"/p/b.yaml", {}, {}, {}}) ==
          "/p/b.yaml:1:11: error: cannot read /p/gone.yaml: No such file or directory\n"
          "extends: [gone.yaml]\n          ^~~~~~~~~\n");
  }

  TEST_CASE("a cycle prints its chain, with the place of each link") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "extends: b.yaml\n");
    pipeline.reader.Add("/p/b.yaml", "abstract: true\nextends: a.yaml\n");
    CHECK(Errors(pipeline, {"/p/a.yaml", {}, {}, {}}) ==
          "/p/b.yaml:2:10: error: extends cycle: /p/a.yaml -> /p/b.yaml -> /p/a.yaml\n"
          "extends: a.yaml\n         ^~~~~~\n"
          "note: /p/a.yaml extends b.yaml at /p/a.yaml:1:10\n"
          "note: /p/b.yaml extends a.yaml at /p/b.yaml:2:10\n"
          "note: /p/b.yaml is extended by /p/a.yaml:1:10\n");
  }

  TEST_CASE("a problem in a parent carries the chain of files that brought it in") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "abstract: true\nqemu: {cpus: 0}\n");
    pipeline.reader.Add("/p/b.yaml", "abstract: true\nextends: a.yaml\n");
    // Complete but for the bad value: a bad value no longer stops the later stages.
    pipeline.reader.Add("/p/c.yaml",
                        "extends: b.yaml\nqemu: {target: x86_64, memory: 64, kernel: /k}\n");
    CHECK(Errors(pipeline, {"/p/c.yaml", {}, {}, {}}) ==
          "/p/a.yaml:2:14: error: 'qemu.cpus' must be between 1 and 4096, not 0\n"
          "qemu: {cpus: 0}\n             ^\n"
          "note: /p/a.yaml is extended by /p/b.yaml:2:10\n"
          "note: /p/b.yaml is extended by /p/c.yaml:1:10\n");
  }

  TEST_CASE("a value of another kind than before names the earlier value, items by their key") {
    constexpr const char* kBase =
        "qemu:\n  target: x86_64\n  memory: 64\n  kernel: /k\n  drives:\n"
        "    - {id: d.0, file: /a}\n    - {id: \"e]f\", file: /e}\n";
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", kBase);
    pipeline.reader.Add("/p/b.yaml",
                        "extends: a.yaml\nqemu: {drives: [{id: \"e]f\", file: {x: 1}}]}\n");
    CHECK(Errors(pipeline, {"/p/b.yaml", {}, {}, {}}) ==
          "/p/b.yaml:2:35: error: 'qemu.drives[e]f].file' must be a string, not a mapping\n"
          "qemu: {drives: [{id: \"e]f\", file: {x: 1}}]}\n"
          "                                  ^\n"
          "note: the earlier value is a scalar at /p/a.yaml:7:25\n");
    Pipeline set;
    set.reader.Add("/p/a.yaml", kBase);
    CHECK(Errors(set, {"/p/a.yaml",
                       {},
                       {std::get<Assignment>(ParseAssignment("qemu.drives[d.0].file=[x]"))},
                       {}}) ==
          "--set:1:23: error: 'qemu.drives[d.0].file' must be a string, not a list\n"
          "qemu.drives[d.0].file=[x]\n"
          "                      ^\n"
          "note: the earlier value is a scalar at /p/a.yaml:6:23\n");
  }

  TEST_CASE("overlays apply in command-line order") {
    Pipeline pipeline;
    pipeline.reader.Add(
        "/p/b.yaml",
        std::string(kVm) + "overlays:\n  two: {qemu: {cpus: 2}}\n  four: {qemu: {cpus: 4}}\n");
    CHECK(ArgAfter(pipeline.Argv({"/p/b.yaml", {"two", "four"}, {}, {}}), "-smp") == "4");
    CHECK(ArgAfter(pipeline.Argv({"/p/b.yaml", {"four", "two"}, {}, {}}), "-smp") == "2");
  }

  TEST_CASE("an overlay's directives apply when it is applied, not where it is defined") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml", kComplete +
                                            "cmdline: [quiet, console=ttyS0]\noverlays: {debug: "
                                            "{cmdline: [!delete quiet, debug]}}\n");
    pipeline.reader.Add("/p/b.yaml", "extends: base.yaml\n");
    CHECK(ArgAfter(pipeline.Argv({"/p/b.yaml", {}, {}, {}}), "-append") == "quiet console=ttyS0");
    CHECK(ArgAfter(pipeline.Argv({"/p/b.yaml", {"debug"}, {}, {}}), "-append") ==
          "console=ttyS0 debug");
  }

  TEST_CASE("!reset of an inherited overlay removes it; no directive on a whole profile") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml", kComplete + "overlays: {kvm: {qemu: {kvm: true}}}\n");
    pipeline.reader.Add("/p/b.yaml", "extends: base.yaml\noverlays: {kvm: !reset}\n");
    CHECK(Errors(pipeline, {"/p/b.yaml", {"kvm"}, {}, {}}) ==
          "qemuc: error: unknown overlay 'kvm' for /p/b.yaml\nnote: the profile defines no "
          "overlays\n");
    Pipeline root;
    root.reader.Add("/p/r.yaml", "!reset\nqemu: {target: x86_64, memory: 64, kernel: /k}\n");
    CHECK(Errors(root, {"/p/r.yaml", {}, {}, {}}) ==
          "/p/r.yaml:1:1: error: a merge directive cannot stand on a whole profile\n!reset\n^\n");
  }

  TEST_CASE("variables cannot stand where merging or loading needs the text first") {
    Pipeline pipeline;
    pipeline.reader.Add(
        "/p/b.yaml",
        "extends: \"${x}/a.yaml\"\nvars: {d: blk0, x: y}\n"
        "qemu: {drives: [{id: \"${d}\", file: /b}]}\ncmdline: [\"${c}=hvc0\", \"a=${d}\"]\n");
    CHECK(
        Errors(pipeline, {"/p/b.yaml", {}, {}, {}}) ==
        "/p/b.yaml:1:10: error: 'extends' cannot use variables: parents are read before variables "
        "are known\nextends: \"${x}/a.yaml\"\n         ^~~~~~~~~~~~~\n"
        "/p/b.yaml:3:22: error: the key 'id' of an item of 'qemu.drives' cannot use a variable: "
        "items "
        "are merged by it before variables are replaced\n"
        "qemu: {drives: [{id: \"${d}\", file: /b}]}\n                     ^~~~~~\n"
        "/p/b.yaml:4:11: error: a variable cannot stand before '=' in a cmdline entry: entries are "
        "merged by that text before variables are replaced\n"
        "cmdline: [\"${c}=hvc0\", \"a=${d}\"]\n          ^~~~~~~~~~~\n");
  }

  TEST_CASE("a malformed extends entry is reported once, and not followed") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", "extends: [\"\", {a: 1}]\n");
    CHECK(Errors(pipeline, {"/p/b.yaml", {}, {}, {}}) ==
          "/p/b.yaml:1:11: error: 'extends' must not be empty\nextends: [\"\", {a: 1}]\n          "
          "^~\n"
          "/p/b.yaml:1:15: error: 'extends' must be a string, not a mapping\n"
          "extends: [\"\", {a: 1}]\n              ^\n");
  }

  TEST_CASE("an unknown overlay name lists the names defined") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", std::string(kVm) + "overlays: {kvm: {qemu: {kvm: true}}}\n");
    CHECK(Errors(pipeline, {"/p/b.yaml", {"kvn"}, {}, {}}) ==
          "qemuc: error: unknown overlay 'kvn' for /p/b.yaml (did you mean 'kvm'?)\n"
          "note: the profile defines: 'kvm'\n");
  }

  TEST_CASE("overlay files: abstract, without extends, applied after the profile") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", std::string(kVm));
    pipeline.reader.Add(AbsolutePath("ov/kvm.yaml"), "abstract: true\nqemu: {kvm: true}\n");
    pipeline.reader.Add(AbsolutePath("ov/plain.yaml"), "qemu: {kvm: true}\n");
    pipeline.reader.Add(AbsolutePath("ov/ext.yaml"), "abstract: true\nextends: b.yaml\n");
    CHECK(ArgAfter(pipeline.Argv({"/p/b.yaml", {"ov/kvm.yaml"}, {}, {}}), "-cpu") == "host");
    CHECK(Errors(pipeline, {"/p/b.yaml", {"ov/plain.yaml"}, {}, {}}) ==
          "ov/plain.yaml:1:1: error: an overlay file must say 'abstract: true'\n"
          "qemu: {kvm: true}\n^\n"
          "note: it is a partial profile, applied with -O; it cannot be compiled alone\n"
          "note: ov/plain.yaml is applied with -O\n");
    Pipeline other;
    other.reader.Add("/p/b.yaml", std::string(kVm));
    other.reader.Add(AbsolutePath("ov/ext.yaml"), "abstract: true\nextends: b.yaml\n");
    CHECK(
        Errors(other, {"/p/b.yaml", {"ov/ext.yaml"}, {}, {}}) ==
        "ov/ext.yaml:2:1: error: 'extends' cannot be set in an overlay\nextends: b.yaml\n^~~~~~~\n"
        "note: ov/ext.yaml is applied with -O\n");
  }

  TEST_CASE("an extends chain of more than 32 files is an error at the entry that crosses") {
    for (const size_t files : {size_t{32}, size_t{33}, size_t{20000}}) {
      CAPTURE(files);
      Pipeline pipeline;
      pipeline.reader.Add("/p/c0.yaml", "extends: c1.yaml\n" + std::string(kVm));
      for (size_t i = 1; i < files; ++i) {
        const std::string extends = "extends: c" + std::to_string(i + 1) + ".yaml\n";
        pipeline.reader.Add("/p/c" + std::to_string(i) + ".yaml",
                            "abstract: true\n" + (i + 1 < files ? extends : ""));
      }
      if (files == 32) {
        CHECK(pipeline.CompileWith({"/p/c0.yaml", {}, {}, {}}).has_value());
        continue;
      }
      const std::string errors = Errors(pipeline, {"/p/c0.yaml", {}, {}, {}});
      CHECK(errors.rfind(
                "/p/c31.yaml:2:10: error: extends chain too long: this entry makes it 33 files "
                "from /p/c0.yaml; at most 32 are allowed\nextends: c32.yaml\n",
                0) == 0);
      CHECK(errors.find("error:", errors.find("error:") + 1) == std::string::npos);  // one
    }
  }

  TEST_CASE("a profile is made of at most 256 files, one error for the first one too many") {
    Pipeline pipeline;
    std::string extends = "extends: [";
    for (int i = 0; i < 300; ++i) {
      pipeline.reader.Add("/p/p" + std::to_string(i) + ".yaml", "abstract: true\n");
      extends += (i > 0 ? ", p" : "p") + std::to_string(i) + ".yaml";
    }
    pipeline.reader.Add("/p/top.yaml", extends + "]\n" + kVm);
    pipeline.reader.Add("/p/few.yaml", "extends: [p0.yaml, p1.yaml]\n" + std::string(kVm));
    const std::string errors = Errors(pipeline, {"/p/top.yaml", {}, {}, {}});
    // The profile and p0 ... p254 make 256: the entry of p255 is one too many.
    CHECK(errors.rfind("/p/top.yaml:1:" + std::to_string(extends.find("p255") + 1) + ":", 0) == 0);
    CHECK(errors.find("error: too many files: a profile may be made of at most 256 files (the "
                      "profile, its parents and overlay files)\n") != std::string::npos);
    CHECK(errors.find("error:", errors.find("error:") + 1) == std::string::npos);
    CHECK(pipeline.CompileWith({"/p/few.yaml", {}, {}, {}}).has_value());
  }

  TEST_CASE("a parent or overlay file must be named .yaml or .yml; it is not read otherwise") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/secret", "root:x:0:0\n");
    pipeline.reader.Add("/p/a.yaml", "extends: secret\n" + std::string(kVm));
    pipeline.reader.Add("/p/b.yaml", std::string(kVm));
    pipeline.reader.Add("/p/c.yml", "abstract: true\n");
    pipeline.reader.Add("/p/d.yaml", "extends: c.yml\n" + std::string(kVm));
    CHECK(Errors(pipeline, {"/p/a.yaml", {}, {}, {}}) ==
          "/p/a.yaml:1:10: error: refusing to read /p/secret: not a .yaml or .yml file\n"
          "extends: secret\n         ^~~~~~\nnote: a parent must be a .yaml or .yml file\n");
    Pipeline other;
    other.reader.Add("/p/b.yaml", std::string(kVm));
    other.reader.Add("/p/secret", "root:x:0:0\n");
    CHECK(Errors(other, {"/p/b.yaml", {"/p/secret"}, {}, {}}) ==
          "qemuc: error: refusing to read /p/secret: not a .yaml or .yml file\n"
          "note: an overlay file (-O) must be a .yaml or .yml file\n");
    CHECK(pipeline.CompileWith({"/p/d.yaml", {}, {}, {}}).has_value());
  }

  TEST_CASE("the files of a profile share the budgets of one document") {
    std::string args = "abstract: true\nqemu:\n  extra_args:\n";
    for (int i = 0; i < 60000; ++i) args += "    - x\n";
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", args);
    pipeline.reader.Add("/p/b.yaml", args);
    pipeline.reader.Add("/p/one.yaml", "extends: [a.yaml]\n" + std::string(kVm));
    pipeline.reader.Add("/p/two.yaml", "extends: [a.yaml, b.yaml]\n" + std::string(kVm));
    CHECK(pipeline.CompileWith({"/p/one.yaml", {}, {}, {}}).has_value());
    CHECK(Errors(pipeline, {"/p/two.yaml", {}, {}, {}}) ==
          "/p/two.yaml:1:19: error: the files of this profile hold more than 100000 nodes "
          "(aliases count once per use) in all\nextends: [a.yaml, b.yaml]\n                  "
          "^~~~~~\n");
  }
}

}  // namespace
}  // namespace qemuc
