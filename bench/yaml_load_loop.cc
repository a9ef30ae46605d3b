// The floor of bench/perf_report.py: yaml-cpp alone over the bytes `qemuc validate` reads.
// usage: yaml_load_loop [--events] LIST_FILE
// LIST_FILE holds one path a line. Without --events each file is read with YAML::LoadFile
// (yaml-cpp's node tree); with --events it is only parsed, YAML::Parser feeding an event
// handler that ignores every event, which is the part of yaml-cpp qemuc itself uses.
// Prints "FILES files, BYTES bytes"; exits 1 when a file cannot be read or parsed.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

class IgnoreEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Reads the whole file first, as qemuc does, so both loops pay for the same bytes.
size_t ParseEvents(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw YAML::BadFile(path);
  std::stringstream text;
  text << file.rdbuf();
  const std::string bytes = text.str();
  std::istringstream input(bytes);
  YAML::Parser parser(input);
  IgnoreEvents ignore;
  while (parser.HandleNextDocument(ignore)) {
  }
  return bytes.size();
}

size_t LoadTree(const std::string& path) {
  const YAML::Node root = YAML::LoadFile(path);
  return root.size();  // used, so the tree cannot be optimised away
}

}  // namespace

int main(int argc, char** argv) {
  const bool events = argc == 3 && std::strcmp(argv[1], "--events") == 0;
  if (argc != 2 && !events) {
    std::fprintf(stderr, "usage: yaml_load_loop [--events] LIST_FILE\n");
    return 2;
  }
  std::ifstream list(argv[argc - 1]);
  if (!list) {
    std::fprintf(stderr, "yaml_load_loop: cannot read %s\n", argv[argc - 1]);
    return 1;
  }
  size_t files = 0;
  size_t counted = 0;
  std::string path;
  while (std::getline(list, path)) {
    try {
      counted += events ? ParseEvents(path) : LoadTree(path);
    } catch (const YAML::Exception& error) {
      std::fprintf(stderr, "yaml_load_loop: %s: %s\n", path.c_str(), error.what());
      return 1;
    }
    ++files;
  }
  std::printf("%zu files, %zu %s\n", files, counted, events ? "bytes" : "root entries");
  return 0;
}
