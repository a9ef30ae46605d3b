// libFuzzer target: the whole pipeline through qemuc::RunCli, on an in-memory file system and a
// fake host. The input holds files and command-line options (format: tests/fuzz/README.md).
// Each input runs validate, compile in every format and resolve, and checks what must hold for
// any input: exit status 0, 1 or 2; nothing on stdout after a failure; a profile that compiles
// also resolves, and its resolved profile compiles, elsewhere, to the same argv.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "fuzz_support.h"
#include "paths.h"

namespace qemuc::fuzz {
namespace {

// A line starting with this names the next file ("%%% base.yaml"), or alone starts the options.
constexpr std::string_view kMarker = "%%%";
// Where the resolved profile is compiled again: another directory, so that a relative path left
// in it would resolve differently and change the argv.
constexpr char kResolvedPath[] = "/qemuc-fuzz-elsewhere/resolved.yaml";

struct File {
  std::string name;  // as the input names it; the memory file system holds it at AbsolutePath
  std::string text;
};

// One input, split. Options are given as "--overlay=VALUE" so that no value is read as an option.
struct PipelineInput {
  std::vector<File> files;                 // the first is the profile
  std::vector<std::string> layer_options;  // --overlay=, --define=: for every command
  std::vector<std::string> set_options;    // --set=: compile and resolve only (as in the CLI)
  std::vector<std::string> kernel_args;    // after "--"
};

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// "-O NAME", "-D NAME=VALUE", "--set PATH=VALUE" or "-- ARG"; any other line is ignored.
void AddOption(PipelineInput& input, std::string_view line) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return;
  const std::string_view option = line.substr(0, space);
  const std::string value(line.substr(space + 1));
  if (option == "-O") input.layer_options.push_back("--overlay=" + value);
  if (option == "-D") input.layer_options.push_back("--define=" + value);
  if (option == "--set") input.set_options.push_back("--set=" + value);
  if (option == "--") input.kernel_args.push_back(value);
}

PipelineInput Split(std::string_view data) {
  PipelineInput input;
  bool in_options = false;
  if (data.substr(0, kMarker.size()) != kMarker) input.files.push_back({"p.yaml", ""});
  while (!data.empty()) {
    const size_t newline = data.find('\n');
    const std::string_view line = data.substr(0, newline == data.npos ? data.size() : newline + 1);
    data.remove_prefix(line.size());
    const std::string_view content = line.substr(0, line.size() - (line.back() == '\n' ? 1 : 0));
    if (content.substr(0, kMarker.size()) == kMarker) {
      const std::string_view name = Trimmed(content.substr(kMarker.size()));
      in_options = name.empty();
      if (!in_options) input.files.push_back({std::string(name), ""});
    } else if (in_options) {
      AddOption(input, content);
    } else {
      input.files.back().text.append(line);
    }
  }
  if (input.files.empty()) input.files.push_back({"p.yaml", ""});  // only options: no profile
  return input;
}

// Every file exists and is executable, except paths that say "missing": both answers get tested.
class FuzzHost : public Host {
 public:
  std::optional<std::string> FileProblem(const std::string& path) const override {
    if (path.find("missing") != std::string::npos) return std::string("No such file or directory");
    return std::nullopt;
  }
  std::optional<std::string> WritableFileProblem(const std::string& path) const override {
    return FileProblem(path);
  }
  // A path whose last name has no '.' is a directory (a share, the directory of a log or a
  // socket), one with a '.' (console.log, vm.qmp) a file: both answers get tested.
  std::optional<std::string> DirectoryProblem(const std::string& path) const override {
    if (path.find('.', path.rfind('/') + 1) != std::string::npos)
      return std::string("is not a directory");
    return FileProblem(path);
  }
  // A socket path that names "file" is taken by something else.
  std::optional<std::string> SocketProblem(const std::string& path) const override {
    if (path.find("file") != std::string::npos) return std::string("is not a socket");
    return std::nullopt;
  }
  bool IsExecutable(const std::string& path) const override { return !FileProblem(path); }
  std::string SearchPath() const override { return "/usr/local/bin:/usr/bin"; }
  // The fuzzer runs no `qemuc run`; were it to, it must not become another program.
  std::string ReplaceProcess(const std::vector<std::string>&) const override {
    return "not while fuzzing";
  }
  ProcessEnd RunProcess(const std::vector<std::string>&) const override {
    return {0, "not while fuzzing"};
  }
};

struct Outcome {
  std::vector<std::string> args;
  int status = 0;
  std::string out;
  std::string err;
};

std::string Describe(const Outcome& outcome) {
  std::string text = "qemuc";
  for (const std::string& arg : outcome.args) text += " '" + arg + "'";
  return text + "\nexit " + std::to_string(outcome.status) + "\nstdout:\n" + outcome.out +
         "\nstderr:\n" + outcome.err;
}

// One qemuc run, as a fresh process would do it: its own sources and cache.
Outcome Run(const FileReader& reader, std::vector<std::string> args, bool colour = false) {
  static const FuzzHost host;
  SourceSet sources;
  ParsedFileCache cache;
  Environment environment{reader, host, sources, cache};
  std::ostringstream out;
  std::ostringstream err;
  Console console{out, err, colour};
  Outcome outcome{std::move(args), 0, "", ""};
  outcome.status = RunCli(outcome.args, environment, console);
  outcome.out = out.str();
  outcome.err = err.str();
  if (outcome.status < kExitOk || outcome.status > kExitUsage)
    Fail("exit status out of range:\n" + Describe(outcome));
  if (outcome.status != kExitOk && !outcome.out.empty())
    Fail("output on stdout after a failure:\n" + Describe(outcome));
  return outcome;
}

std::vector<std::string> Concat(std::vector<std::string> args,
                                const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The "argv" array of compile -f json: the last member, so everything from its key on.
std::string ArgvOf(const std::string& json) {
  const size_t at = json.find("\n  \"argv\": ");
  if (at == std::string::npos) Fail("compile -f json printed no argv:\n" + json);
  return json.substr(at);
}

void CheckRoundTrip(const std::vector<std::string>& resolve_args, const Outcome& compiled,
                    const PipelineInput& input, const FileReader& reader) {
  const Outcome resolved = Run(reader, resolve_args);
  if (resolved.status != kExitOk)
    Fail("the profile compiles but does not resolve:\n" + Describe(resolved));
  MemoryFileReader elsewhere;
  elsewhere.Add(kResolvedPath, resolved.out);
  // Without -O, --set and -D: resolve applied them already.
  const Outcome again =
      Run(elsewhere, Concat({"compile", "-f", "json", kResolvedPath, "--"}, input.kernel_args));
  if (again.status != kExitOk)
    Fail("the resolved profile does not compile:\n" + Describe(again) + "\nresolved by:\n" +
         Describe(resolved));
  // Set only by tests/fuzz/meson.build, to show that a changed argv is caught.
  static const bool tamper = std::getenv("QEMUC_FUZZ_TAMPER_ROUND_TRIP") != nullptr;
  if (ArgvOf(compiled.out) != ArgvOf(again.out) + (tamper ? "tampered" : ""))
    Fail("resolve -> compile changes the argv:\n" + Describe(compiled) + "\nrecompiled:\n" +
         Describe(again) + "\nresolved by:\n" + Describe(resolved));
}

void RunPipeline(const PipelineInput& input) {
  MemoryFileReader reader;
  std::vector<std::string> all_files;
  for (const File& file : input.files) {
    reader.Add(AbsolutePath(file.name), file.text);
    all_files.push_back(AbsolutePath(file.name));  // absolute: never read as an option
  }
  const std::string& profile = all_files.front();
  Run(reader, Concat(Concat({"validate", "--error-format=json"}, input.layer_options), all_files),
      true);
  const std::vector<std::string> layered =
      Concat(Concat({profile}, input.layer_options), input.set_options);
  Outcome json;
  for (const char* format : {"shell", "json", "args", "systemd"}) {
    Outcome compiled =
        Run(reader,
            Concat(Concat(Concat({"compile", "-f", format}, layered), {"--"}), input.kernel_args));
    if (std::string_view(format) == "json") json = std::move(compiled);
  }
  Run(reader, Concat({"resolve", "--output-format=json", "--show-origin"}, layered));
  if (json.status == kExitOk) CheckRoundTrip(Concat({"resolve"}, layered), json, input, reader);
}

}  // namespace
}  // namespace qemuc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  qemuc::fuzz::RunPipeline(qemuc::fuzz::Split(text));
  return 0;
}
