#include "project_build.h"

#include <set>

#include "compiler.h"
#include "parallel.h"
#include "paths.h"

namespace qemuc {
namespace {

// "note: building out/x64.sh, at qemuc.yaml:7:11": which output a problem stopped, since a
// problem in a shared base is reported once for all of them.
void AddOutputNotes(const ProjectOutput& output, Diagnostics& diagnostics) {
  for (size_t i = 0; i < diagnostics.size(); ++i) {
    Diagnostic& diagnostic = diagnostics.at(i);
    if (diagnostic.range.file == output.file_at.file &&
        diagnostic.range.line == output.file_at.line) {
      continue;  // it is about the output itself, and says so
    }
    diagnostic.notes.push_back({"for the output " + output.file + " at", output.file_at});
  }
}

void CompileOutput(const Project& project, Environment& environment, CompiledOutput& compiled) {
  const ProjectOutput& output = *compiled.output;
  CompileRequest request;
  request.profile = output.request;
  request.host_checks = output.host_checks;
  const std::optional<Invocation> invocation =
      CompileProfile(request, environment, compiled.diagnostics);
  if (invocation) {
    const Emitted emitted = output.format->emit(*invocation);
    if (emitted.error.empty()) {
      compiled.text = emitted.text;
    } else {
      compiled.diagnostics.Error(output.file_at, "cannot write " + output.file + " as " +
                                                     std::string(output.format->name) + ": " +
                                                     emitted.error);
    }
    compiled.inputs.push_back(project.file->path());
    for (const std::string& source : invocation->sources) {
      compiled.inputs.push_back(AbsolutePath(source));
    }
  }
  AddOutputNotes(output, compiled.diagnostics);
}

}  // namespace

std::vector<CompiledOutput> CompileOutputs(const Project& project,
                                           const std::vector<const ProjectOutput*>& outputs,
                                           Environment& environment, unsigned jobs) {
  std::vector<CompiledOutput> compiled(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) compiled[i].output = outputs[i];
  ForEachInParallel(outputs.size(), jobs,
                    [&](size_t i) { CompileOutput(project, environment, compiled[i]); });
  return compiled;
}

std::vector<std::string> AllInputs(const std::vector<CompiledOutput>& compiled) {
  std::set<std::string> seen;
  std::vector<std::string> inputs;
  for (const CompiledOutput& output : compiled) {
    for (const std::string& input : output.inputs) {
      if (seen.insert(input).second) inputs.push_back(input);
    }
  }
  return inputs;
}

}  // namespace qemuc
