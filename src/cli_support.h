// What every command of the CLI shares: strict option parsing, usage errors, the options that
// add layers to a profile, and the printing of diagnostics. Each command lives in its own
// cli_*.cc; cli.cc dispatches to them.
#ifndef QEMUC_CLI_SUPPORT_H_
#define QEMUC_CLI_SUPPORT_H_

// GCC 12 at -O2 sees a "potential null pointer dereference" inside Boost's own
// typed_value<std::vector<std::string>>::notify, depending on what is inlined around it: a false
// positive in library code, silenced for the library's headers only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/program_options.hpp>
#pragma GCC diagnostic pop

#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "cli.h"
#include "diagnostic.h"

namespace qemuc {

namespace po = boost::program_options;

// Exit status 2 and "Try 'qemuc help COMMAND'".
struct UsageError {
  std::string message;
  std::string command;  // for the "see 'qemuc help COMMAND'" hint
};

// A command's arguments after strict parsing.
struct CommandLine {
  po::variables_map values;
  std::vector<std::string> inputs;        // positionals (for validate, also those after "--")
  std::vector<std::string> after_dashes;  // for compile and run: kernel arguments
};

// Prints diagnostics in the format asked for. A problem inside a file that several profiles
// share is reported to each of them and printed once, for the first; a problem of a merged
// profile (a missing key, say) is printed for every profile it affects. At most 20 are printed
// about each file over the run; each Print ends with how many more it did not print.
class DiagnosticPrinter {
 public:
  DiagnosticPrinter(const CommandLine& line, Console& console);
  void Print(const Diagnostics& diagnostics);

 private:
  void Render(const Diagnostic& diagnostic);

  Console& console_;
  bool json_;
  std::set<std::tuple<std::string, uint32_t, uint32_t, std::string>> printed_;
  DiagnosticLimit limit_;
};

void PrintDiagnostics(const Diagnostics& diagnostics, const CommandLine& line, Console& console);

// PrintDiagnostics for a run over many profiles (check, build): a diagnostic found again (same
// place, same message: a broken base, for every board that extends it) is printed once, with
// the notes of every finding, so that it names all the profiles it affects. Returns the number
// of errors printed so.
size_t PrintMergedDiagnostics(const Diagnostics& diagnostics, const CommandLine& line,
                              Console& console);

// A usage error unless `value` is one of `choices`: "unknown WHAT 'value' (choose a, b or c)".
// Returns the index of `value` in `choices`.
size_t RequireChoice(std::string_view what, const std::string& value,
                     const std::vector<std::string_view>& choices, const std::string& command);

// --error-format gcc|json.
void AddErrorFormatOption(po::options_description& options);

// -j N, "WORK at once" ("check N profiles"); ReadJobs reads it, a usage error outside
// 1..kMaxJobs.
void AddJobsOption(po::options_description& options, std::string_view work);
unsigned ReadJobs(const CommandLine& line, const std::string& command);

// The options that add layers to a profile: --error-format, -O and -D everywhere, --set where
// one profile is built (compile, resolve).
void AddLayerOptions(po::options_description& options, bool with_set);

// The values of a repeatable option, in order.
std::vector<std::string> Values(const CommandLine& line, const char* option);

// -O, --set and -D for `profile`; a bad --set path or -D name is a usage error.
ProfileRequest ReadProfileRequest(const CommandLine& line, const std::string& profile,
                                  const std::string& command);

}  // namespace qemuc

#endif  // QEMUC_CLI_SUPPORT_H_
