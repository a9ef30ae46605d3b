#include "merge.h"

#include <doctest/doctest.h>

#include "by_node.h"
#include "set_assignment.h"
#include "test_support.h"

namespace qemuc {
namespace {

using testing::At;
using testing::FlowText;
using testing::Pipeline;

constexpr const char* kBase = R"(abstract: true
qemu:
  target: x86_64
  memory: 512
  kernel: k
  initrd: rd
  drives:
    - {id: a, file: a.img}
    - {id: b, file: b.img, addr: "05.0"}
  networks:
    - {id: n0, user: {forwards: [{guest: 22, host: 8022}, {guest: 80, host: 8080}]}}
    - {id: n1, tap: {name: t1}}
  extra_args: [-device, x]
cmdline: [console=ttyS0, quiet, loglevel=3]
systemd: {after: [a.target, b.target]}
)";

// A board at /p/boards/b.yaml extending /p/base.yaml, compiled to its argv.
std::vector<std::string> BoardArgv(const std::string& board, const std::string& base = kBase) {
  Pipeline pipeline;
  pipeline.reader.Add("/p/base.yaml", base);
  pipeline.reader.Add("/p/boards/b.yaml", "extends: ../base.yaml\n" + board);
  return pipeline.Argv({"/p/boards/b.yaml", {}, {}, {}});
}

std::string BoardErrors(const std::string& board, const std::string& base = kBase) {
  Pipeline pipeline;
  pipeline.reader.Add("/p/base.yaml", base);
  pipeline.reader.Add("/p/boards/b.yaml", "extends: ../base.yaml\n" + board);
  CHECK_FALSE(pipeline.CompileWith(ProfileRequest{"/p/boards/b.yaml", {}, {}, {}}).has_value());
  return pipeline.Rendered();
}

// The arguments of every occurrence of `option`.
std::vector<std::string> ArgsOf(const std::vector<std::string>& argv, const std::string& option) {
  std::vector<std::string> values;
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option) values.push_back(argv[i + 1]);
  }
  return values;
}

using Strings = std::vector<std::string>;

// The merge alone: `base` at /p/base.yaml under `board` at /p/boards/b.yaml (no extends is
// followed: the layers are given); nullptr after a problem, which `stages` holds.
NodePtr MergeBoard(testing::Stages& stages, const std::string& board,
                   const std::string& base = kBase) {
  return stages.Merge({{"/p/base.yaml", base}, {"/p/boards/b.yaml", board}});
}

// The merged value at `path` (dotted keys) of MergeBoard, as flow YAML; the diagnostics when the
// merge fails.
std::string MergedAt(const std::string& path, const std::string& board,
                     const std::string& base = kBase) {
  testing::Stages stages;
  const NodePtr merged = MergeBoard(stages, board, base);
  if (merged == nullptr) return stages.Rendered();
  return FlowText(At(*merged, path));
}

// Where the merged value at `path` was written.
std::string PlaceOf(const Node& merged, const std::string& path) {
  return FormatLocation(At(merged, path).range);
}

// The merged cmdline of layers /p/l0.yaml, /p/l1.yaml, ... (lowest first), each text the body of
// its file; the diagnostics of a failed merge in place of the list.
std::string MergedCmdline(const std::vector<std::string>& texts) {
  std::vector<testing::TextFile> layers;
  for (size_t i = 0; i < texts.size(); ++i)
    layers.push_back({"/p/l" + std::to_string(i) + ".yaml", texts[i]});
  testing::Stages stages;
  const NodePtr merged = stages.Merge(layers);
  if (merged == nullptr) return stages.Rendered();
  return FlowText(At(*merged, "cmdline"));
}

// The -append of a chain of files /p/l0.yaml <- /p/l1.yaml <- ... (each extends the one before),
// the last one compiled with `overlays` and `sets`; each text is the body of its file.
std::string AppendOf(const std::vector<std::string>& chain,
                     const std::vector<std::string>& overlays = {},
                     const std::vector<std::string>& sets = {}) {
  Pipeline pipeline;
  for (size_t i = 0; i < chain.size(); ++i) {
    const bool last = i + 1 == chain.size();
    const std::string head = i == 0 ? "qemu: {target: x86_64, memory: 64, kernel: /k}\n"
                                    : "extends: l" + std::to_string(i - 1) + ".yaml\n";
    pipeline.reader.Add("/p/l" + std::to_string(i) + ".yaml",
                        head + (last ? "" : "abstract: true\n") + chain[i]);
  }
  ProfileRequest request{"/p/l" + std::to_string(chain.size() - 1) + ".yaml", overlays, {}, {}};
  for (const std::string& set : sets) {
    request.sets.push_back(std::get<Assignment>(ParseAssignment(set)));
  }
  const Strings argv = pipeline.Argv(request);
  const Strings append = ArgsOf(argv, "-append");
  return append.size() == 1 ? append[0] : "<no single -append> " + pipeline.Rendered();
}

TEST_SUITE("merge") {
  // Leaving out a parent's `abstract` is the layers' work, before the merge (see the pipeline
  // test "a parent's abstract is not inherited" below).
  TEST_CASE("the base under a board that sets nothing: every key, as written") {
    testing::Stages stages;
    const NodePtr merged = MergeBoard(stages, "name: b\n");
    REQUIRE(merged != nullptr);
    CHECK(FlowText(*merged) ==
          "{abstract: true, qemu: {target: x86_64, memory: 512, kernel: k, initrd: rd, drives: "
          "[{id: a, file: "
          "a.img}, {id: b, file: b.img, addr: \"05.0\"}], networks: [{id: n0, user: {forwards: "
          "[{guest: 22, host: 8022}, {guest: 80, host: 8080}]}}, {id: n1, tap: {name: t1}}], "
          "extra_args: [-device, x]}, cmdline: [console=ttyS0, quiet, loglevel=3], systemd: "
          "{after: [a.target, b.target]}, name: b}");
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("scalars replace; mappings merge key by key; each value keeps its layer's place") {
    testing::Stages stages;
    const NodePtr merged =
        MergeBoard(stages, "qemu: {cpus: 4, memory: 1G}\n", "qemu: {memory: 512, kernel: k}\n");
    REQUIRE(merged != nullptr);
    CHECK(FlowText(*merged) == "{qemu: {memory: 1G, kernel: k, cpus: 4}}");
    CHECK(PlaceOf(*merged, "qemu.memory") == "/p/boards/b.yaml:1:25");
    CHECK(PlaceOf(*merged, "qemu.kernel") == "/p/base.yaml:1:29");
  }

  TEST_CASE("a mapping keeps its order and holes as it grows past the size that indexes it") {
    // Up to eight keys a merged mapping is searched in a row; from then on through an index,
    // which must not bring back the key removed before it was built.
    testing::Stages stages;
    const NodePtr merged =
        stages.Merge({{"/p/l0.yaml", "vars: {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1}\n"},
                      {"/p/l1.yaml", "vars: {b: !reset, c: 2, g: 2, h: 2, i: 2}\n"},
                      {"/p/l2.yaml", "vars: {b: 3, h: !reset, a: 3}\n"}});
    REQUIRE(merged != nullptr);
    CHECK(FlowText(At(*merged, "vars")) == "{a: 3, c: 2, d: 1, e: 1, f: 1, g: 2, i: 2, b: 3}");
  }

  TEST_CASE("a mapping past 32 keys, the size that indexes it, keeps its order and holes") {
    // 30 keys, then a layer that removes one before the index is built and crosses the size
    // that builds it, then one that brings the removed key back at the end and removes another.
    std::string keys;
    std::string expected;
    for (int i = 0; i < 30; ++i) {
      keys += (i > 0 ? ", k" : "k") + std::to_string(i) + ": 1";
      if (i != 1) expected += (expected.empty() ? "k" : ", k") + std::to_string(i) + ": 1";
    }
    testing::Stages stages;
    const NodePtr merged = stages.Merge({{"/p/l0.yaml", "vars: {" + keys + "}\n"},
                                         {"/p/l1.yaml", "vars: {k1: !reset, x: 2, y: 2, z: 2}\n"},
                                         {"/p/l2.yaml", "vars: {k1: 3, y: !reset, k0: 3}\n"}});
    REQUIRE(merged != nullptr);
    expected.replace(0, 5, "k0: 3");
    CHECK(FlowText(At(*merged, "vars")) == "{" + expected + ", x: 2, z: 2, k1: 3}");
  }

  TEST_CASE("keyed lists merge an item in place by its key and append new ones") {
    testing::Stages stages;
    const NodePtr merged =
        MergeBoard(stages, "qemu:\n  drives: [{id: a, addr: \"06.0\"}, {id: c, file: c.img}]\n");
    REQUIRE(merged != nullptr);
    CHECK(FlowText(At(*merged, "qemu.drives")) ==
          "[{id: a, file: a.img, addr: \"06.0\"}, {id: b, file: b.img, addr: \"05.0\"}, {id: c, "
          "file: c.img}]");
    // Lowering resolves each file against the directory of the layer that wrote it.
    CHECK(FormatLocation(At(*merged, "qemu.drives").items[0]->Find("file")->value->range) ==
          "/p/base.yaml:8:21");
    CHECK(FormatLocation(At(*merged, "qemu.drives").items[2]->Find("file")->value->range) ==
          "/p/boards/b.yaml:2:49");
  }

  TEST_CASE("forwards merge by guest port, inside a network merged by id") {
    CHECK(
        MergedAt("qemu.networks",
                 "qemu:\n  networks: [{id: n0, user: {forwards: [{guest: 22, host: 2222}]}}]\n") ==
        "[{id: n0, user: {forwards: [{guest: 22, host: 2222}, {guest: 80, host: 8080}]}}, {id: "
        "n1, tap: {name: t1}}]");
  }

  TEST_CASE("cmdline is keyed by the text before '=': replaced in place, new keys appended") {
    CHECK(MergedAt("cmdline", "cmdline: [loglevel=7, console=ttyS1, debug]\n") ==
          "[console=ttyS1, quiet, loglevel=7, debug]");
  }

  TEST_CASE("cmdline: every entry of one layer is kept in order, repeated keys included") {
    CHECK(MergedCmdline({"cmdline: [console=a, x=1, console=b, quiet, x=2, quiet]\n"}) ==
          "[console=a, x=1, console=b, quiet, x=2, quiet]");
  }

  TEST_CASE(
      "cmdline: a layer's entries with key K replace every inherited K at the first's place") {
    CHECK(MergedCmdline({"cmdline: [console=a, x=1, console=b, quiet]\n",
                         "cmdline: [quiet, console=c, y=1, console=d]\n"}) ==
          "[console=c, console=d, x=1, quiet, y=1]");
    // An entry without '=' is its own key: "x" and "x=1" share the key x.
    CHECK(MergedCmdline({"cmdline: [x=1, a, x=2]\n", "cmdline: [x]\n"}) == "[x, a]");
  }

  TEST_CASE("cmdline: !override starts over; the new list keeps its repeats") {
    CHECK(MergedCmdline({"cmdline: [console=a, x=1, console=b]\n",
                         "cmdline: !override [x=2, console=c, console=d]\n"}) ==
          "[x=2, console=c, console=d]");
  }

  TEST_CASE("cmdline: groups over three files, each replacing the one before") {
    const std::vector<std::string> chain = {"cmdline: [k=1, console=a, m, console=b]\n",
                                            "cmdline: [console=c, k=2, console=c2]\n",
                                            "cmdline: [m=1, k=3, m=2]\n"};
    CHECK(MergedCmdline({chain[0], chain[1]}) == "[k=2, console=c, console=c2, m]");
    CHECK(MergedCmdline(chain) == "[k=3, console=c, console=c2, m=1, m=2]");
  }

  TEST_CASE("cmdline: !delete K removes every inherited K; the layer's own entries stay") {
    const std::string base = "cmdline: [console=a, x=1, console=b]\n";
    CHECK(MergedCmdline({base, "cmdline: [!delete console]\n"}) == "[x=1]");
    // After the !delete, K is new to the layer and appended; before it, it took the place.
    CHECK(MergedCmdline({base, "cmdline: [!delete console, console=z]\n"}) == "[x=1, console=z]");
    CHECK(MergedCmdline({base, "cmdline: [console=z, !delete console, console=y]\n"}) ==
          "[console=z, console=y, x=1]");
    CHECK(MergedCmdline({base, "cmdline: [!delete console, !delete console]\n"}) == "[x=1]");
    // Deleted by a layer, the key is not inherited by the next one.
    CHECK(MergedCmdline({base, "cmdline: [!delete console]\n",
                         "cmdline: [console=c, console=d]\n"}) == "[x=1, console=c, console=d]");
  }

  TEST_CASE("cmdline: !delete of a key the layer did not inherit is an error at it") {
    const std::string base = "cmdline: [console=a, console=b]\n";
    CHECK(MergedCmdline({base, "cmdline: [x=1, !delete x]\n"}) ==
          "/p/l1.yaml:1:24: error: '!delete x': 'cmdline' has no inherited item 'x'\n"
          "cmdline: [x=1, !delete x]\n                       ^\n");
    CHECK(MergedCmdline({base, "cmdline: [!delete console]\n", "cmdline: [!delete console]\n"}) ==
          "/p/l2.yaml:1:19: error: '!delete console': 'cmdline' has no inherited item 'console'\n"
          "cmdline: [!delete console]\n                  ^~~~~~~\n");
  }

  TEST_CASE("cmdline through the pipeline: a chain of files, with !reset from --set") {
    CHECK(AppendOf({"cmdline: [console=a, x=1, console=b, quiet]\n",
                    "cmdline: [quiet, console=c, y=1, console=d]\n"}) ==
          "console=c console=d x=1 quiet y=1");
    CHECK(AppendOf({"cmdline: [console=a, x=1, console=b]\n"}, {},
                   {"cmdline=!reset", "cmdline=[console=e, y, console=f]"}) ==
          "console=e y console=f");
    CHECK(AppendOf({"cmdline: [console=a, console=b]\n", "cmdline: [x=1, !delete x]\n"}) ==
          "<no single -append> /p/l1.yaml:2:24: error: '!delete x': 'cmdline' has no inherited "
          "item 'x'\ncmdline: [x=1, !delete x]\n                       ^\n");
  }

  TEST_CASE("cmdline: overlays and --set are layers like any other") {
    const std::string board =
        "cmdline: [console=ttyS0, quiet, console=tty0]\n"
        "overlays:\n"
        "  serial: {cmdline: [console=hvc0, console=ttyS1, debug]}\n"
        "  loud: {cmdline: [!delete quiet, debug=2, debug=3]}\n";
    CHECK(AppendOf({board}, {"serial"}) == "console=hvc0 console=ttyS1 quiet debug");
    CHECK(AppendOf({board}, {"serial", "loud"}) == "console=hvc0 console=ttyS1 debug=2 debug=3");
    // "debug" and "debug=2" share the key debug: serial's group replaces loud's.
    CHECK(AppendOf({board}, {"loud", "serial"}) == "console=hvc0 console=ttyS1 debug");
    CHECK(AppendOf({board}, {"serial"},
                   {"cmdline=[console=s1, console=s2]", "cmdline=[quiet=1, console=s3]"}) ==
          "console=s3 quiet=1 debug");
  }

  TEST_CASE("cmdline: 20,000 --set layers, each replacing one group and adding a key") {
    std::vector<std::string> sets;
    for (int i = 0; i < 20000; ++i) {
      sets.push_back("cmdline=[console=a" + std::to_string(i) + ", k" + std::to_string(i) +
                     ", console=b" + std::to_string(i) + "]");
    }
    const std::string append = AppendOf({"cmdline: [console=x, console=y]\n"}, {}, sets);
    CHECK(append.rfind("console=a19999 console=b19999 k0 k1 ", 0) == 0);
    CHECK(append.size() > 20000 * 3);
  }

  TEST_CASE("extra_args are appended as written, repeats kept; other string lists drop repeats") {
    CHECK(MergedAt("qemu.extra_args", "qemu: {extra_args: [-device, x]}\n") ==
          "[-device, x, -device, x]");
    CHECK(MergedAt("systemd.after", "systemd: {after: [b.target, c.target]}\n") ==
          "[a.target, b.target, c.target]");
  }

  TEST_CASE("!delete removes an inherited drive, network and cmdline entry") {
    testing::Stages stages;
    const NodePtr merged = MergeBoard(
        stages,
        "qemu:\n  drives: [!delete a]\n  networks: [!delete n1]\ncmdline: [!delete quiet]\n");
    REQUIRE(merged != nullptr);
    CHECK(FlowText(At(*merged, "qemu.drives")) == "[{id: b, file: b.img, addr: \"05.0\"}]");
    CHECK(FlowText(At(*merged, "qemu.networks")) ==
          "[{id: n0, user: {forwards: [{guest: 22, host: 8022}, {guest: 80, host: 8080}]}}]");
    CHECK(FlowText(At(*merged, "cmdline")) == "[console=ttyS0, loglevel=3]");
  }

  TEST_CASE("!delete of an item that is not inherited is an error at it") {
    CHECK(MergedAt("qemu", "qemu: {drives: [!delete zz]}\n") ==
          "/p/boards/b.yaml:1:25: error: '!delete zz': 'qemu.drives' has no inherited item 'zz'\n"
          "qemu: {drives: [!delete zz]}\n                        ^~\n");
  }

  TEST_CASE("!override replaces a list without merging; !reset removes initrd") {
    testing::Stages stages;
    const NodePtr merged =
        MergeBoard(stages, "qemu:\n  drives: !override [{id: z, file: z.img}]\n  initrd: !reset\n");
    REQUIRE(merged != nullptr);
    CHECK(FlowText(At(*merged, "qemu.drives")) == "[{id: z, file: z.img}]");
    CHECK(At(*merged, "qemu").Find("initrd") == nullptr);
    CHECK(At(*merged, "qemu").Find("kernel") != nullptr);
  }

  TEST_CASE("a board over its base compiles to the merged argv, each path from its own layer") {
    const Strings argv =
        BoardArgv("qemu:\n  drives: [{id: a, addr: \"06.0\"}, {id: c, file: c.img}]\n");
    CHECK(ArgsOf(argv, "-device")[1] == "virtio-blk-pci,drive=a,iothread=iothread0,addr=06.0");
    CHECK(ArgsOf(argv, "-drive") ==
          Strings{"id=a,file=/p/a.img,format=raw,if=none,cache=unsafe,aio=threads",
                  "id=b,file=/p/b.img,format=raw,if=none,cache=unsafe,aio=threads",
                  "id=c,file=/p/boards/c.img,format=raw,if=none,cache=unsafe,aio=threads"});
    CHECK(ArgsOf(argv, "-append") == Strings{"console=ttyS0 quiet loglevel=3"});
    CHECK(ArgsOf(argv, "-initrd") == Strings{"/p/rd"});
  }

  // The field table gives every key one kind, so a later layer of another kind is refused by
  // the shape check of its own file, at the later value; the note names the earlier one.
  TEST_CASE("a type change is an error at the later value, naming the earlier one") {
    CHECK(BoardErrors("qemu: {drives: {id: a}}\n") ==
          "/p/boards/b.yaml:2:16: error: 'qemu.drives' must be a list, not a mapping\n"
          "qemu: {drives: {id: a}}\n               ^\n"
          "note: the earlier value is a list at /p/base.yaml:8:5\n");
    CHECK(BoardErrors("qemu: {networks: [{id: n1, tap: [t]}]}\n")
              .find("note: the earlier value is a mapping at /p/base.yaml:12:21\n") !=
          std::string::npos);
  }

  TEST_CASE("problems in a board do not hide those of its parent") {
    // Complete but for the bad values: a bad value no longer stops the later stages.
    CHECK(BoardErrors("qemu: {cpus: 0, target: x86_64, memory: 64, kernel: /k}\n",
                      "abstract: true\nqemu: {kvm: maybe}\n") ==
          "/p/boards/b.yaml:2:14: error: 'qemu.cpus' must be between 1 and 4096, not 0\n"
          "qemu: {cpus: 0, target: x86_64, memory: 64, kernel: /k}\n             ^\n"
          "/p/base.yaml:2:13: error: 'qemu.kvm' must be true or false, not 'maybe'\n"
          "qemu: {kvm: maybe}\n            ^~~~~\n"
          "note: /p/base.yaml is extended by /p/boards/b.yaml:1:10\n");
  }

  TEST_CASE("!override of a mapping replaces it: the inherited forwards are gone") {
    CHECK(MergedAt("qemu.networks", "qemu: {networks: [{id: n0, user: {dns: 10.0.2.3}}]}\n") ==
          "[{id: n0, user: {forwards: [{guest: 22, host: 8022}, {guest: 80, host: 8080}], dns: "
          "10.0.2.3}}, {id: n1, tap: {name: t1}}]");
    CHECK(MergedAt("qemu.networks",
                   "qemu: {networks: [{id: n0, user: !override {dns: 10.0.2.3}}]}\n") ==
          "[{id: n0, user: {dns: 10.0.2.3}}, {id: n1, tap: {name: t1}}]");
  }

  TEST_CASE("the merged result carries no tags") {
    testing::Stages stages;
    const NodePtr merged = MergeBoard(stages, "qemu: {cpus: !override 2, drives: !override []}\n");
    REQUIRE(merged != nullptr);
    CHECK(At(*merged, "qemu.cpus").tag == NodeTag::kNone);
    CHECK(At(*merged, "qemu.drives").tag == NodeTag::kNone);
  }

  TEST_CASE("the merged tree shares each part of a layer that no later layer writes into") {
    testing::Stages stages;
    const NodePtr base = stages.Parse({"/p/base.yaml", kBase});
    const NodePtr board = stages.Parse({"/p/boards/b.yaml", "qemu: {cpus: 2}\n"});
    REQUIRE(base != nullptr);
    REQUIRE(board != nullptr);
    const std::string base_before = FlowText(*base);
    const NodePtr merged = MergeLayers({base, board}, stages.diagnostics);
    REQUIRE(merged != nullptr);
    // Untouched: the base's own nodes, lists of every kind included.
    CHECK(&At(*merged, "systemd") == &At(*base, "systemd"));
    CHECK(&At(*merged, "cmdline") == &At(*base, "cmdline"));
    CHECK(&At(*merged, "qemu.extra_args") == &At(*base, "qemu.extra_args"));
    CHECK(&At(*merged, "qemu.drives") == &At(*base, "qemu.drives"));
    CHECK(&At(*merged, "qemu.networks") == &At(*base, "qemu.networks"));
    // Written into: a copy, and the base is left as it was parsed.
    CHECK(&At(*merged, "qemu") != &At(*base, "qemu"));
    CHECK(FlowText(At(*merged, "qemu.cpus")) == "2");
    CHECK(FlowText(*base) == base_before);
    // A layer alone is its own merge.
    CHECK(MergeLayers({board}, stages.diagnostics) == board);
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("a shared collection is copied when a later layer writes into it, three layers up") {
    testing::Stages stages;
    const NodePtr l0 = stages.Parse({"/p/l0.yaml",
                                     "qemu: {memory: 64, drives: [{id: a, file: a}]}\n"
                                     "cmdline: [console=ttyS0, quiet]\n"});
    const NodePtr l1 = stages.Parse({"/p/l1.yaml", "name: one\n"});
    const NodePtr l2 = stages.Parse({"/p/l2.yaml",
                                     "qemu: {memory: 128, drives: [{id: a, "
                                     "addr: \"05.0\"}]}\ncmdline: [quiet=1]\n"});
    REQUIRE(l0 != nullptr);
    REQUIRE(l1 != nullptr);
    REQUIRE(l2 != nullptr);
    const std::string l0_before = FlowText(*l0);
    const NodePtr merged = MergeLayers({l0, l1, l2}, stages.diagnostics);
    REQUIRE(merged != nullptr);
    CHECK(FlowText(*merged) ==
          "{qemu: {memory: 128, drives: [{id: a, file: a, addr: \"05.0\"}]}, cmdline: "
          "[console=ttyS0, quiet=1], name: one}");
    CHECK(FlowText(*l0) == l0_before);
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("one layer's repeats and directives are still merged, not shared as written") {
    // A string list drops repeats; a directive is applied and dropped; an overlay body keeps its
    // directives until it is applied. (The shape check refuses a keyed list's repeated key.)
    const auto merged_at = [](const std::string& path, const std::string& text) {
      testing::Stages stages;
      const NodePtr merged = stages.Merge({{"/p/l0.yaml", text}});
      return merged == nullptr ? stages.Rendered() : FlowText(At(*merged, path));
    };
    CHECK(MergedCmdline({"cmdline: [console=a, x=1, console=b]\n"}) ==
          "[console=a, x=1, console=b]");
    CHECK(merged_at("systemd.after", "systemd: {after: [c.target, c.target, d.target]}\n") ==
          "[c.target, d.target]");
    // Past the length whose texts are compared each with each: the merge still drops repeats.
    std::string after = "systemd: {after: [";
    std::string expected = "[";
    for (int i = 0; i < 20; ++i) {
      after += "t" + std::to_string(i) + ".target, ";
      expected += (i > 0 ? ", t" : "t") + std::to_string(i) + ".target";
    }
    CHECK(merged_at("systemd.after", after + "t3.target, t19.target]}\n") == expected + "]");
    CHECK(merged_at("systemd.after", after + "t20.target]}\n") == expected + ", t20.target]");
    CHECK(merged_at("qemu", "qemu: {memory: !override 64}\n") == "{memory: 64}");
    testing::Stages stages;
    const NodePtr reset = stages.Merge({{"/p/l0.yaml", "qemu: {memory: !override 64}\n"}});
    REQUIRE(reset != nullptr);
    CHECK(At(*reset, "qemu.memory").tag == NodeTag::kNone);
    const NodePtr overlays =
        stages.Merge({{"/p/l1.yaml", "overlays: {kvm: {qemu: {drives: [!delete a]}}}\n"}});
    REQUIRE(overlays != nullptr);
    CHECK(At(*overlays, "overlays.kvm.qemu.drives").items[0]->tag == NodeTag::kDelete);
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("a parent's abstract is not inherited") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml", kBase);
    pipeline.reader.Add("/p/b.yaml", "extends: base.yaml\nqemu: {cpus: 2}\n");
    const std::optional<ResolvedProfile> resolved =
        ResolveProfile({"/p/b.yaml", {}, {}, {}}, pipeline.environment, pipeline.diagnostics);
    REQUIRE_MESSAGE(resolved.has_value(), pipeline.Rendered());
    CHECK(resolved->merged->Find("abstract") == nullptr);
    CHECK(FlowText(At(*resolved->merged, "qemu.cpus")) == "2");
  }
}

TEST_SUITE("by_node") {
  TEST_CASE("finds each value by its node's address, through growth, and no other") {
    std::vector<Node> nodes(1000);
    ByNode<int> values;
    std::vector<int*> added;
    for (size_t i = 0; i < nodes.size(); ++i) {
      CHECK(values.Find(&nodes[i]) == nullptr);
      int& value = values.Add(&nodes[i]);
      value = static_cast<int>(i);
      added.push_back(&value);
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
      REQUIRE(values.Find(&nodes[i]) != nullptr);
      CHECK(values.Find(&nodes[i]) == added[i]);  // where it was added: the table grew since
      CHECK(*values.Find(&nodes[i]) == static_cast<int>(i));
    }
    const Node other;
    CHECK(values.Find(&other) == nullptr);
    CHECK(values.values().size() == nodes.size());
    const ByNode<int> empty;
    CHECK(empty.Find(&other) == nullptr);
  }
}

}  // namespace
}  // namespace qemuc
