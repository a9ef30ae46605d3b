#include "graph.h"

#include <doctest/doctest.h>

#include <sstream>

#include "cli_commands.h"
#include "graph_loader.h"
#include "layers.h"
#include "test_support.h"

namespace qemuc {
namespace {

constexpr const char* kHeader =
    "// qemuc graph: an arrow goes from a file to each parent it extends (numbered in merge\n"
    "// order when there are several) and, dashed, to an overlay file an output applies.\n"
    "// Dashed boxes are abstract files (bases, overlay files); red ones have problems.\n"
    "digraph qemuc {\n"
    "  rankdir=BT;\n"
    "  node [shape=box];\n";

// Counts the reads of each path.
class CountingReader : public FileReader {
 public:
  explicit CountingReader(const FileReader& inner) : inner_(inner) {}
  ReadResult Read(const std::string& path) const override {
    ++reads_[path];
    return inner_.Read(path);
  }
  std::string RefuseNonYaml(const std::string& path) const override {
    return inner_.RefuseNonYaml(path);
  }
  int reads(const std::string& path) const { return reads_.count(path) ? reads_.at(path) : 0; }

 private:
  const FileReader& inner_;
  mutable std::map<std::string, int> reads_;
};

// The DOT of the graph of `profiles` (and `uses`) on the files of `pipeline`.
std::string DotOf(testing::Pipeline& pipeline, const std::vector<std::string>& profiles,
                  const std::vector<OverlayUse>& uses = {}) {
  ProfileGraphLoader loader(pipeline.environment);
  for (const std::string& profile : profiles) loader.AddProfile(profile);
  for (const OverlayUse& use : uses) loader.AddOverlayUse(use.profile, use.overlay_file, use.label);
  return RenderDot(loader.graph());
}

// A command line as graph and list parse it, with --error-format gcc.
CommandLine GccLine() {
  CommandLine line;
  line.values.insert({"error-format", po::variable_value(std::string("gcc"), false)});
  return line;
}

TEST_SUITE("graph") {
  TEST_CASE("RenderDot: files in byte order, abstract dashed, broken red, edges as added") {
    Graph graph;
    graph.AddExtends("boards/b.yaml", "base/x86.yaml", "");
    graph.AddExtends("boards/a.yaml", "base/x86.yaml", "1");
    graph.AddExtends("boards/a.yaml", "base/net.yaml", "2");
    graph.AddOverlay("boards/a.yaml", "overlays/kvm.yaml", "out/a.sh");
    graph.File("base/x86.yaml").abstract = true;
    graph.File("overlays/kvm.yaml").abstract = true;
    graph.File("base/net.yaml").broken = true;
    CHECK(RenderDot(graph) == std::string(kHeader) +
                                  "  \"base/net.yaml\" [color=red];\n"
                                  "  \"base/x86.yaml\" [style=dashed];\n"
                                  "  \"boards/a.yaml\";\n"
                                  "  \"boards/b.yaml\";\n"
                                  "  \"overlays/kvm.yaml\" [style=dashed];\n"
                                  "  \"boards/a.yaml\" -> \"base/x86.yaml\" [label=\"1\"];\n"
                                  "  \"boards/a.yaml\" -> \"base/net.yaml\" [label=\"2\"];\n"
                                  "  \"boards/a.yaml\" -> \"overlays/kvm.yaml\" [style=dashed, "
                                  "label=\"out/a.sh\"];\n"
                                  "  \"boards/b.yaml\" -> \"base/x86.yaml\";\n"
                                  "}\n");
  }

  TEST_CASE("an abstract file with problems is dashed and red") {
    Graph graph;
    graph.File("a.yaml") = {true, true};
    CHECK(RenderDot(graph) ==
          std::string(kHeader) + "  \"a.yaml\" [style=dashed, color=red];\n}\n");
  }

  TEST_CASE("the same overlay edge for the same output is drawn once, for another output again") {
    Graph graph;
    graph.AddOverlay("a.yaml", "kvm.yaml", "out/a.sh");
    graph.AddOverlay("a.yaml", "kvm.yaml", "out/a.sh");
    graph.AddOverlay("a.yaml", "kvm.yaml", "out/a.json");
    REQUIRE(graph.files().at("a.yaml").overlays.size() == 2);
    CHECK(graph.files().at("a.yaml").overlays[1].label == "out/a.json");
  }

  TEST_CASE("DotQuoted: what Graphviz would read as an escape, entity or control is escaped") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"boards/x64-dev.yaml", "\"boards/x64-dev.yaml\""},
        {"a \"b\".yaml", "\"a \\\"b\\\".yaml\""},
        {"back\\slash.yaml", "\"back\\\\slash.yaml\""},
        {"ends\\", "\"ends\\\\\""},
        {"\\N\\G\\l", "\"\\\\N\\\\G\\\\l\""},
        {"new\nline", "\"new\\nline\""},
        {"\n", "\"\\n\""},
        {"tab\there", "\"tab\\\\there\""},
        {"cr\r", "\"cr\\\\r\""},
        {"bell\x07", "\"bell\\\\x07\""},
        {"not utf-8 \xff", "\"not utf-8 \\\\xff\""},
        {"bidi \u202e", "\"bidi \\\\u202e\""},
        {"&lt;b&#65;", "\"&amp;lt;b&amp;#65;\""},
        {"<i>x</i> {a|b}", "\"<i>x</i> {a|b}\""},
        {"é 😀 $ % # : ,", "\"é 😀 $ % # : ,\""},
        {"", "\"\""},
    };
    // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
    for (const auto& each : cases) {
      CAPTURE(each.first);
      CHECK(DotQuoted(each.first) == each.second);
    }
  }

  TEST_CASE("the loader draws each file once, parents in merge order, abstract ones dashed") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml", "abstract: true\nqemu: {target: x86_64}\n");
    pipeline.reader.Add("/p/left.yaml", "abstract: true\nextends: base.yaml\n");
    pipeline.reader.Add("/p/right.yaml", "abstract: true\nextends: base.yaml\n");
    pipeline.reader.Add("/p/top.yaml", "extends: [right.yaml, left.yaml]\n");
    pipeline.reader.Add("/p/other.yaml", "extends: [./base.yaml]\n");
    const CountingReader counting(pipeline.reader);
    Environment environment{counting, pipeline.host, pipeline.sources, pipeline.cache};
    ProfileGraphLoader loader(environment);
    for (const char* profile : {"/p/top.yaml", "/p/other.yaml", "/p/../p/top.yaml"})
      loader.AddProfile(profile);
    CHECK(RenderDot(loader.graph()) == std::string(kHeader) +
                                           "  \"/p/base.yaml\" [style=dashed];\n"
                                           "  \"/p/left.yaml\" [style=dashed];\n"
                                           "  \"/p/other.yaml\";\n"
                                           "  \"/p/right.yaml\" [style=dashed];\n"
                                           "  \"/p/top.yaml\";\n"
                                           "  \"/p/left.yaml\" -> \"/p/base.yaml\";\n"
                                           "  \"/p/other.yaml\" -> \"/p/base.yaml\";\n"
                                           "  \"/p/right.yaml\" -> \"/p/base.yaml\";\n"
                                           "  \"/p/top.yaml\" -> \"/p/right.yaml\" [label=\"1\"];\n"
                                           "  \"/p/top.yaml\" -> \"/p/left.yaml\" [label=\"2\"];\n"
                                           "}\n");
    CHECK(counting.reads("/p/base.yaml") == 1);
    CHECK(counting.reads("/p/top.yaml") == 1);
  }

  TEST_CASE("a cycle, a missing parent and a broken file are drawn, not followed forever") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "extends: [b.yaml, missing.yaml]\n");
    pipeline.reader.Add("/p/b.yaml", "extends: a.yaml\nqemu: {cpuss: 1}\n");
    CHECK(DotOf(pipeline, {"/p/a.yaml"}) ==
          std::string(kHeader) +
              "  \"/p/a.yaml\";\n"
              "  \"/p/b.yaml\" [color=red];\n"
              "  \"/p/missing.yaml\" [color=red];\n"
              "  \"/p/a.yaml\" -> \"/p/b.yaml\" [label=\"1\"];\n"
              "  \"/p/a.yaml\" -> \"/p/missing.yaml\" [label=\"2\"];\n"
              "  \"/p/b.yaml\" -> \"/p/a.yaml\";\n"
              "}\n");
    CHECK(pipeline.diagnostics.size() == 0);  // validate reports the problems, not the graph
  }

  TEST_CASE("a parent that is not a .yaml file is drawn red and never read") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "extends: /etc/shadow\n");
    pipeline.reader.Add("/etc/shadow", "root: x\n");
    const CountingReader counting(pipeline.reader);
    Environment environment{counting, pipeline.host, pipeline.sources, pipeline.cache};
    ProfileGraphLoader loader(environment);
    loader.AddProfile("/p/a.yaml");
    CHECK(loader.graph().files().at("/etc/shadow").file.broken);
    CHECK(counting.reads("/etc/shadow") == 0);
  }

  TEST_CASE("an extends chain is followed as far as a profile's file budget, no further") {
    testing::Pipeline pipeline;
    const size_t files = kMaxProfileFiles + 10;
    for (size_t i = 0; i < files; ++i) {
      pipeline.reader.Add("/p/" + std::to_string(i) + ".yaml",
                          "extends: " + std::to_string(i + 1) + ".yaml\n");
    }
    const CountingReader counting(pipeline.reader);
    Environment environment{counting, pipeline.host, pipeline.sources, pipeline.cache};
    ProfileGraphLoader loader(environment);
    loader.AddProfile("/p/0.yaml");
    CHECK(counting.reads("/p/" + std::to_string(kMaxProfileFiles - 1) + ".yaml") == 1);
    CHECK(counting.reads("/p/" + std::to_string(kMaxProfileFiles) + ".yaml") == 0);
    // The last file read names its parent: that node is drawn, unread.
    CHECK(loader.graph().files().size() == kMaxProfileFiles + 1);
  }

  TEST_CASE("an overlay use adds the profile, the overlay file and a dashed labelled edge") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "extends: base.yaml\n");
    pipeline.reader.Add("/p/base.yaml", "abstract: true\n");
    pipeline.reader.Add("/p/kvm.yaml", "abstract: true\nqemu: {kvm: true}\n");
    CHECK(DotOf(pipeline, {},
                {{"/p/a.yaml", "/p/kvm.yaml", "out/a.sh"},
                 {"/p/a.yaml", "/p/notes.txt", "out/a \"x\".sh"}}) ==
          std::string(kHeader) +
              "  \"/p/a.yaml\";\n"
              "  \"/p/base.yaml\" [style=dashed];\n"
              "  \"/p/kvm.yaml\" [style=dashed];\n"
              "  \"/p/notes.txt\" [color=red];\n"
              "  \"/p/a.yaml\" -> \"/p/base.yaml\";\n"
              "  \"/p/a.yaml\" -> \"/p/kvm.yaml\" [style=dashed, label=\"out/a.sh\"];\n"
              "  \"/p/a.yaml\" -> \"/p/notes.txt\" [style=dashed, label=\"out/a \\\"x\\\".sh\"];\n"
              "}\n");
  }

  TEST_CASE("ShowGraph: the project's overlay uses are drawn; a broken profile is reported, 1") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k}\n");
    pipeline.reader.Add("/p/kvm.yaml", "abstract: true\nqemu: {kvm: true}\n");
    pipeline.reader.Add("/p/bad.yaml", "qemu: {cpuss: 1}\n");
    std::ostringstream out;
    std::ostringstream err;
    Console console{out, err, false};
    CHECK(ShowGraph({"/p/a.yaml"}, {{"/p/a.yaml", "/p/kvm.yaml", "out/a.sh"}}, GccLine(),
                    pipeline.environment, console) == kExitOk);
    CHECK(err.str().empty());
    CHECK(out.str().find(
              "  \"/p/a.yaml\" -> \"/p/kvm.yaml\" [style=dashed, label=\"out/a.sh\"];\n") !=
          std::string::npos);
    std::ostringstream bad_out;
    Console bad_console{bad_out, err, false};
    CHECK(ShowGraph({"/p/bad.yaml"}, {}, GccLine(), pipeline.environment, bad_console) ==
          kExitProblem);
    CHECK(err.str().rfind("/p/bad.yaml:1:8: error: unknown key 'cpuss' in 'qemu'", 0) == 0);
    CHECK(bad_out.str().find("  \"/p/bad.yaml\" [color=red];\n") != std::string::npos);
  }

  TEST_CASE("ShowList: the good profiles are listed, the broken one reported, status 1") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k}\n");
    pipeline.reader.Add("/p/bad.yaml", "qemu: {cpuss: 1}\n");
    std::ostringstream out;
    std::ostringstream err;
    Console console{out, err, false};
    CommandLine line = GccLine();
    line.values.insert({"format", po::variable_value(std::string("table"), false)});
    CHECK(ShowList({"/p/bad.yaml", "/p/a.yaml"}, line, pipeline.environment, console) ==
          kExitProblem);
    CHECK(out.str() ==
          "NAME  TARGET  CPUS  MEMORY  OVERLAYS  DESCRIPTION\n"
          "a     x86_64     1  64 MiB\n");
    CHECK(err.str().rfind("/p/bad.yaml:1:8: error: unknown key 'cpuss' in 'qemu'", 0) == 0);
  }
}

}  // namespace
}  // namespace qemuc
