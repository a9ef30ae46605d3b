// What the fuzz targets share: a found problem stops the run the way libFuzzer records a crash,
// and every diagnostic goes through both renderers (they are part of what a profile reaches).
#ifndef QEMUC_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define QEMUC_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "diagnostic.h"
#include "host_checks.h"

namespace qemuc::fuzz {

// A broken promise of qemuc (not a bad input): abort, so that libFuzzer saves the input.
[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "qemuc fuzz: %s\n", what.c_str());
  std::abort();
}

// Renders every diagnostic in each form the CLI can print; returns the total length so that the
// work cannot be optimised away.
inline size_t RenderAll(const Diagnostics& diagnostics) {
  size_t length = 0;
  for (const Diagnostic& diagnostic : diagnostics.all()) {
    length += RenderDiagnostic(diagnostic, false).size();
    length += RenderDiagnostic(diagnostic, true).size();
    length += RenderDiagnosticJson(diagnostic).size();
  }
  return length;
}

// A machine for stages that must not look at it (the loader): every question is a problem.
class NoHost : public Host {
 public:
  std::optional<std::string> FileProblem(const std::string&) const override {
    return std::string("no host while fuzzing the loader");
  }
  std::optional<std::string> WritableFileProblem(const std::string& path) const override {
    return FileProblem(path);
  }
  std::optional<std::string> DirectoryProblem(const std::string& path) const override {
    return FileProblem(path);
  }
  std::optional<std::string> SocketProblem(const std::string& path) const override {
    return FileProblem(path);
  }
  bool IsExecutable(const std::string&) const override { return false; }
  std::string SearchPath() const override { return ""; }
  std::string ReplaceProcess(const std::vector<std::string>&) const override {
    return "not while fuzzing";
  }
  ProcessEnd RunProcess(const std::vector<std::string>&) const override {
    return {0, "not while fuzzing"};
  }
};

}  // namespace qemuc::fuzz

#endif  // QEMUC_TESTS_FUZZ_FUZZ_SUPPORT_H_
