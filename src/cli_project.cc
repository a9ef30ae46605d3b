// qemuc build and qemuc check (SPEC §8): the commands that take a repository's project file,
// qemuc.yaml, instead of profiles.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <set>

#include "cli_cache.h"
#include "cli_commands.h"
#include "cli_project.h"
#include "depfile.h"
#include "output_file.h"
#include "paths.h"
#include "project_build.h"
#include "project_outputs.h"
#include "text.h"

namespace qemuc {
namespace {

const char* const kRebuild = "run 'qemuc build' to write it";

// The outputs `build FILE...` names, or all of them. `files` were made absolute from where qemuc
// was started; `given` are the names as given.
std::vector<const ProjectOutput*> ChosenOutputs(const Project& project,
                                                const std::vector<std::string>& files,
                                                const std::vector<std::string>& given) {
  std::vector<const ProjectOutput*> chosen;
  if (files.empty()) {
    for (const ProjectOutput& output : project.outputs) chosen.push_back(&output);
    return chosen;
  }
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    const auto named = std::find_if(
        project.outputs.begin(), project.outputs.end(),
        [&](const ProjectOutput& output) { return AbsolutePath(output.file) == file; });
    if (named == project.outputs.end()) {
      throw UsageError{
          "not an output of " + std::string(kProjectFileName) + ": " + Quoted(given[i]), "build"};
    }
    if (std::find(chosen.begin(), chosen.end(), &*named) == chosen.end()) {
      chosen.push_back(&*named);
    }
  }
  return chosen;
}

struct BuildCounts {
  size_t changed = 0;    // written, or stale with --check
  size_t unchanged = 0;  // already as generated
  size_t failed = 0;
  size_t diffs_not_shown = 0;  // of stale outputs past the first kMaxDiagnosticsPerFile
};

// Writes one compiled output unless it already holds these bytes and mode, or, with --check,
// reports it stale with its diff. Problems go to `diagnostics`, at the output's place.
// `project_root` is the real path of the project's directory, where outputs must land.
void DeliverOutput(const CompiledOutput& compiled, const std::string& project_root,
                   const InputFiles& inputs, bool check_only, BuildCounts& counts,
                   Diagnostics& diagnostics, Console& console) {
  const ProjectOutput& output = *compiled.output;
  const bool executable = output.format->executable;
  // Before anything is read or created: --check reports what build would refuse, as build does.
  if (const std::string why = WhyOutputUnwritable(output, project_root, inputs); !why.empty()) {
    ++counts.failed;
    diagnostics.Error(output.file_at, "cannot write " + output.file + ": " + why);
    return;
  }
  const Freshness freshness = CheckFreshness(output.file, *compiled.text, executable, kRebuild);
  if (freshness.fresh) {
    ++counts.unchanged;
    return;
  }
  if (check_only) {
    // Diffs are bounded like diagnostics: 26,000 missing outputs printed 8.6 MB of them.
    if (++counts.changed <= kMaxDiagnosticsPerFile) {
      console.out << freshness.diff;
    } else if (++counts.diffs_not_shown == 1) {
      console.out << "(the diffs of stale outputs after the first " << kMaxDiagnosticsPerFile
                  << " are not shown)\n";
    }
    diagnostics.Error(output.file_at, freshness.error);
    return;
  }
  std::string error = CreateParentDirectories(output.file);
  if (error.empty()) error = WriteFileAtomically(output.file, *compiled.text, executable, inputs);
  if (!error.empty()) {
    ++counts.failed;
    diagnostics.Error(output.file_at, "cannot write " + output.file + ": " + error);
    return;
  }
  ++counts.changed;
  console.out << "wrote " << EscapeForTerminal(output.file) << "\n";
}

// Compiles and writes (or checks) `chosen`; returns what happened, reporting to `diagnostics`.
// `compiled` receives what each output compiled to. `profiles` (those `profiles:` matches) are
// never written, as the files the compiles read.
BuildCounts BuildOutputs(const Project& project, const std::vector<const ProjectOutput*>& chosen,
                         const ProfileMatches& profiles, bool check_only, unsigned jobs,
                         Environment& environment, Diagnostics& diagnostics, Console& console,
                         std::vector<CompiledOutput>& compiled) {
  compiled = CompileOutputs(project, chosen, environment, jobs);
  std::vector<std::string> read = AllInputs(compiled);
  // The directory asked for once: a getcwd per profile was a third of a warm check's system time.
  const std::string current_directory = AbsolutePath(".");
  for (const std::string& profile : ProfilesOutputsMayBe(profiles, chosen)) {
    read.push_back(ResolveAgainst(current_directory, profile));
  }
  const InputFiles inputs(read);
  const std::string project_root = RealLocation(current_directory);  // once, not per output
  BuildCounts counts;
  OutputLandings landings;
  for (const CompiledOutput& output : compiled) {
    for (const Diagnostic& diagnostic : output.diagnostics.all()) diagnostics.Add(diagnostic);
    if (!output.text) {
      ++counts.failed;
      continue;
    }
    if (!landings.Add(*output.output, diagnostics)) {
      ++counts.failed;
      continue;
    }
    DeliverOutput(output, project_root, inputs, check_only, counts, diagnostics, console);
  }
  return counts;
}

std::string Summary(const BuildCounts& counts, bool check_only) {
  return std::to_string(counts.changed) + (check_only ? " stale, " : " written, ") +
         std::to_string(counts.unchanged) + (check_only ? " fresh, " : " unchanged, ") +
         std::to_string(counts.failed) + " failed";
}

// --depfile FILE, absolute (from where qemuc was started), or "" without it.
std::string RequestedDepfile(const CommandLine& line) {
  if (!line.values.count("depfile")) return "";
  const std::string depfile = line.values["depfile"].as<std::string>();
  if (depfile.empty()) throw UsageError{"--depfile needs a file name", "build"};
  if (line.values.count("check")) {
    throw UsageError{"--depfile cannot be used with --check, which writes nothing", "build"};
  }
  return AbsolutePath(depfile);
}

// One rule per output: the output as named from `started_in`, then every file it was made from
// (qemuc.yaml, the profile, its parents, its overlay files). Never over an input or an output.
void WriteBuildDepfile(const std::string& depfile, const std::string& started_in,
                       const std::vector<CompiledOutput>& compiled, Diagnostics& diagnostics) {
  std::vector<DepfileRule> rules;
  std::vector<std::string> protected_files = AllInputs(compiled);
  for (const CompiledOutput& output : compiled) {
    const std::string target = AbsolutePath(output.output->file);
    rules.push_back({NamedFrom(started_in, target), output.inputs});
    protected_files.push_back(target);
  }
  const RenderedDepfile rendered = RenderDepfile(rules);
  std::string error = rendered.error;
  if (error.empty())
    error = WriteFileAtomically(depfile, rendered.text, false, InputFiles(protected_files));
  if (!error.empty()) {
    diagnostics.Error({}, "cannot write depfile " + NamedFrom(started_in, depfile) + ": " + error);
  }
}

// What a command whose project could not be opened prints and returns.
int PrintFailure(const Diagnostics& diagnostics, const CommandLine& line, Console& console) {
  PrintDiagnostics(diagnostics, line, console);
  return kExitProblem;
}

// "1 profile", "2 profiles".
std::string Count(size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

void AddProjectOptions(po::options_description& options) {
  AddDirectoryOption(options);
  AddErrorFormatOption(options);
}

// The directory holding the nearest qemuc.yaml at or above `start` (absolute), or "".
std::string FindProjectDirectory(const std::string& start) {
  for (std::string directory = start;; directory = DirectoryOf(directory)) {
    struct stat info {};
    const std::string file = ResolveAgainst(directory, std::string(kProjectFileName));
    // lstat: a dangling qemuc.yaml link is this project's file, broken, not a reason to go on
    // up and use another project's.
    if (lstat(file.c_str(), &info) == 0 || errno != ENOENT) return directory;
    if (directory == "/") return "";
  }
}

// Where the search starts: -C DIR (which must be a directory), else the current directory.
std::optional<std::string> SearchStart(const CommandLine& line, Diagnostics& diagnostics) {
  if (!line.values.count("directory")) return AbsolutePath(".");
  const std::string given = line.values["directory"].as<std::string>();
  const std::string directory = AbsolutePath(given);
  struct stat info {};
  if (stat(directory.c_str(), &info) != 0) {
    diagnostics.Error({}, "-C " + given + ": " + std::strerror(errno));
    return std::nullopt;
  }
  if (!S_ISDIR(info.st_mode)) {
    diagnostics.Error({}, "-C " + given + ": not a directory")
        .notes.push_back({"-C names the directory to find qemuc.yaml from; to check one "
                          "profile, run 'qemuc validate PROFILE'",
                          {}});
    return std::nullopt;
  }
  return directory;
}

}  // namespace

std::optional<Project> OpenProject(const CommandLine& line, Environment& environment,
                                   Diagnostics& diagnostics) {
  const std::optional<std::string> start = SearchStart(line, diagnostics);
  if (!start) return std::nullopt;
  const std::string directory = FindProjectDirectory(*start);
  if (directory.empty()) {
    diagnostics
        .Error({}, "no " + std::string(kProjectFileName) + " in " + *start +
                       " or any directory above it")
        .notes.push_back({"a repository of boards keeps one at its top (README: \"Working with a "
                          "repository of boards\"); without one, name the profiles: "
                          "'qemuc validate boards/*.yaml'",
                          {}});
    return std::nullopt;
  }
  if (!ChangeDirectory(directory)) {
    diagnostics.Error({}, "cannot enter " + directory + ": " + std::strerror(errno));
    return std::nullopt;
  }
  return LoadProject(ResolveAgainst(directory, std::string(kProjectFileName)),
                     std::string(kProjectFileName), environment, diagnostics);
}

void AddDirectoryOption(po::options_description& options) {
  options.add_options()("directory,C", po::value<std::string>()->value_name("DIR"),
                        "find qemuc.yaml from DIR upward, not from the current directory");
}

void RefuseDirectoryWithProfiles(const CommandLine& line, const std::string& command) {
  if (line.values.count("directory") && !line.inputs.empty()) {
    throw UsageError{"-C is for the project file: give either PROFILE... or -C DIR", command};
  }
}

std::optional<ProjectProfileSet> OpenProjectProfiles(const CommandLine& line,
                                                     Environment& environment,
                                                     Diagnostics& diagnostics) {
  std::optional<Project> project = OpenProject(line, environment, diagnostics);
  if (!project) return std::nullopt;
  ProjectProfileSet set{std::move(*project), {}};
  set.profiles = ProjectProfiles(set.project, DiskDirectoryLister(), diagnostics).paths;
  std::set<std::string> seen;
  for (const std::string& profile : set.profiles) seen.insert(AbsolutePath(profile));
  for (const ProjectOutput& output : set.project.outputs) {
    if (seen.insert(AbsolutePath(output.request.profile)).second) {
      set.profiles.push_back(output.request.profile);
    }
  }
  return set;
}

po::options_description BuildOptions() {
  po::options_description options("options");
  options.add_options()(
      "check", "write nothing; exit 1 with a diff for every output that is stale or missing")(
      "depfile", po::value<std::string>()->value_name("FILE"),
      "after a build without errors, write a Make-syntax depfile to FILE: each output, then "
      "every file read to make it");
  AddJobsOption(options, "compile N outputs");
  AddProjectOptions(options);
  options.add_options()("help,h", "show this help");
  return options;
}

int RunBuild(const CommandLine& line, Environment& environment, Console& console) {
  // Names on the command line mean what they say from where qemuc was started.
  const std::string started_in = AbsolutePath(".");
  std::vector<std::string> files;
  for (const std::string& file : line.inputs) files.push_back(AbsolutePath(file));
  const std::string depfile = RequestedDepfile(line);
  const unsigned jobs = ReadJobs(line, "build");
  Diagnostics diagnostics;
  const std::optional<Project> project = OpenProject(line, environment, diagnostics);
  if (!project) return PrintFailure(diagnostics, line, console);
  const bool check_only = line.values.count("check") > 0;
  // Only so that no output replaces one of them: reporting the globs' problems is check's job.
  Diagnostics ignored;
  const ProfileMatches profiles = ProjectProfiles(*project, DiskDirectoryLister(), ignored);
  std::vector<CompiledOutput> compiled;
  const BuildCounts counts =
      BuildOutputs(*project, ChosenOutputs(*project, files, line.inputs), profiles, check_only,
                   jobs, environment, diagnostics, console, compiled);
  // A depfile names the outputs it was made for: after a failure there is none to write (the
  // build tool runs the command again anyway).
  if (!depfile.empty() && !diagnostics.has_errors()) {
    WriteBuildDepfile(depfile, started_in, compiled, diagnostics);
  }
  PrintMergedDiagnostics(diagnostics, line, console);
  console.out << Summary(counts, check_only) << "\n";
  return diagnostics.has_errors() ? kExitProblem : kExitOk;
}

po::options_description CheckOptions() {
  po::options_description options("options");
  AddJobsOption(options, "check N profiles and outputs");
  AddProjectOptions(options);
  AddCacheOptions(options);
  options.add_options()("help,h", "show this help");
  return options;
}

int RunCheck(const CommandLine& line, Environment& environment, Console& console) {
  if (!line.inputs.empty()) {
    throw UsageError{
        "check takes no PROFILE: it checks what qemuc.yaml names (to check one "
        "profile, run 'qemuc validate " +
            line.inputs[0] + "')",
        "check"};
  }
  const unsigned jobs = ReadJobs(line, "check");
  Diagnostics diagnostics;
  const std::optional<Project> project = OpenProject(line, environment, diagnostics);
  if (!project) return PrintFailure(diagnostics, line, console);
  const ProfileMatches profiles = ProjectProfiles(*project, DiskDirectoryLister(), diagnostics);
  environment.cache.set_retention(Retention::kReleaseProfiles);
  const std::unique_ptr<ResultCache> results = OpenResultCache(line, environment);
  ValidateProfiles(
      profiles.paths.size(),
      [&](size_t i) {
        return ProfileRequest{profiles.paths[i], {}, {}, {}};
      },
      environment, jobs,
      [&](size_t, const Diagnostics& found) {
        if (found.size() == 0) return;  // nothing of it is needed any more
        for (const Diagnostic& diagnostic : found.all()) diagnostics.Add(diagnostic);
        diagnostics.RetainAll(found);
      },
      results.get());
  std::vector<const ProjectOutput*> outputs;
  for (const ProjectOutput& output : project->outputs) outputs.push_back(&output);
  std::vector<CompiledOutput> compiled;
  const BuildCounts counts = BuildOutputs(*project, outputs, profiles, true, jobs, environment,
                                          diagnostics, console, compiled);
  const size_t errors = PrintMergedDiagnostics(diagnostics, line, console);
  CloseResultCache(results.get(), line, console);
  console.out << "checked " << Count(profiles.paths.size(), "profile") << " and "
              << Count(outputs.size(), "output") << ": " << Count(errors, "error") << ", "
              << Summary(counts, true) << "\n";
  return diagnostics.has_errors() ? kExitProblem : kExitOk;
}

}  // namespace qemuc
