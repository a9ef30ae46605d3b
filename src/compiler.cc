#include "compiler.h"

#include <algorithm>

#include "interpolate.h"
#include "invocation.h"
#include "lower.h"
#include "merge.h"
#include "parallel.h"
#include "paths.h"
#include "qemu_values.h"
#include "result_cache.h"
#include "shape_check.h"
#include "text.h"
#include "validate.h"

namespace qemuc {
namespace {

// The `abstract: true` entry of a merged profile, or nullptr.
const MappingEntry* AbstractEntry(const Node& merged) {
  const MappingEntry* abstract = merged.Find("abstract");
  return abstract != nullptr && ReadBool(*abstract->value) == true ? abstract : nullptr;
}

// Whether the rules of a complete profile hold. Not where `abstract` is written but is not a
// boolean (`abstract: yes`): the shape check reported that, and the file may well be a base.
bool MustBeComplete(const Node& merged) {
  const MappingEntry* abstract = merged.Find("abstract");
  return abstract == nullptr || ReadBool(*abstract->value) == false;
}

// Command-line arguments of one option (--set, -D) as sources of their own, so that places can
// point into them. Relative paths in them resolve against the current directory, which is asked
// for once, and only when there is an argument: a getcwd() per argument was a quarter of the
// time of 32,000 --set, and two per profile a twentieth of validating boards without any.
class CommandLineSources {
 public:
  CommandLineSources(Environment& environment, std::string option)
      : environment_(environment), option_(std::move(option)) {}

  const SourceFile* Add(const std::string& argument) {
    if (path_.empty()) path_ = AbsolutePath(option_);
    return environment_.sources.Add(path_, option_, argument);
  }

 private:
  Environment& environment_;
  std::string path_;
  std::string option_;
};

bool AddOverlays(const ProfileRequest& request, LayerStack& stack, Environment& environment,
                 Diagnostics& diagnostics) {
  if (request.overlays.empty()) return true;
  const NodePtr base = MergeLayers(stack.layers, diagnostics);
  if (base == nullptr) return false;
  bool ok = true;
  for (const std::string& overlay : request.overlays) {
    ok = AddOverlayLayer(overlay, *base, stack, environment, diagnostics) && ok;
  }
  return ok;
}

bool AddAssignments(const ProfileRequest& request, LayerStack& stack, Environment& environment,
                    Diagnostics& diagnostics) {
  bool ok = true;
  CommandLineSources sources(environment, "--set");
  for (const Assignment& assignment : request.sets) {
    const SourceFile* file = sources.Add(assignment.argument);
    const NodePtr layer = AssignmentLayer(assignment, *file, diagnostics);
    if (layer == nullptr || !CheckShape(*layer, FileRole::kOverlay, diagnostics)) {
      ok = false;
      continue;
    }
    stack.layers.push_back(layer);
  }
  return ok;
}

std::vector<Define> Defines(const ProfileRequest& request, Environment& environment) {
  std::vector<Define> defines;
  CommandLineSources sources(environment, "-D");
  for (const std::string& define : request.defines) {
    const SourceFile* file = sources.Add(define);
    const size_t equals = define.find('=');
    SourceRange range = RangeAtOffset(*file, equals + 1);
    range.length = static_cast<uint32_t>(std::max<size_t>(1, define.size() - equals - 1));
    defines.push_back({define.substr(0, equals), define.substr(equals + 1), range});
  }
  return defines;
}

// SPEC §3's name rule also holds for the default name, the profile's file name: it names the
// VM in launch scripts and units. Checked only for profiles that can be compiled.
bool CheckDefaultName(const Node& merged, const SourceFile& profile, Diagnostics& diagnostics) {
  if (merged.Find("name") != nullptr) return true;
  const std::string name = ProfileName(merged, profile);
  if (IsProfileName(name)) return true;
  diagnostics
      .Error({&profile, 0, 0, 1},
             "the profile is named " + Quoted(name) +
                 " after its file, which is not a valid name (letters, digits, '.', '_' "
                 "and '-', not starting with a punctuation mark)")
      .notes.push_back({"set 'name:' in the profile, or rename the file", {}});
  return false;
}

// Sets `resolved.merged` (and `abstract`) unless there are problems, which it reports;
// `resolved.stack` is filled either way.
void Resolve(const ProfileRequest& request, Environment& environment, Diagnostics& diagnostics,
             ResolvedProfile& resolved) {
  // The shape check lets a bad value (cpus: 0) through to the later stages, which report their
  // own problems beside it; any error, of any stage, still means there is no profile.
  const size_t errors_before = diagnostics.error_count();
  LayerStack& stack = resolved.stack;
  const SourceRange* named_at = request.named_at ? &*request.named_at : nullptr;
  if (!LoadProfileLayers(request.profile, environment, diagnostics, stack, named_at)) return;
  if (!AddOverlays(request, stack, environment, diagnostics)) return;
  if (!AddAssignments(request, stack, environment, diagnostics)) return;
  NodePtr merged = MergeLayers(stack.layers, diagnostics);
  if (merged != nullptr) merged = Interpolate(merged, Defines(request, environment), diagnostics);
  if (merged == nullptr) return;
  const MappingEntry* abstract = AbstractEntry(*merged);
  const bool complete = MustBeComplete(*merged);
  if (!ValidateMerged(*merged, complete, diagnostics) ||
      (complete && !CheckDefaultName(*merged, *stack.profile, diagnostics)) ||
      diagnostics.error_count() != errors_before) {
    return;
  }
  resolved.merged = std::move(merged);
  resolved.abstract = abstract;
}

Diagnostics ValidateAlone(const ProfileRequest& request, Environment& environment) {
  Diagnostics diagnostics;
  ValidateProfile(request, environment, diagnostics);
  return diagnostics;
}

// Only a result with nothing to say is kept: whatever is printed comes from this run.
Diagnostics ValidateThroughCache(const ProfileRequest& request, Environment& environment,
                                 ResultCache& results, const std::string& current_directory) {
  Diagnostics diagnostics;
  // Not AbsolutePath: a getcwd per profile was half the system time of a warm run.
  const std::string profile = ResolveAgainst(current_directory, request.profile);
  const Digest key = results.KeyOf(request, profile, current_directory);
  if (results.IsClean(key, profile)) return diagnostics;
  std::vector<std::string> files;
  if (!ValidateProfile(request, environment, diagnostics, &files) || diagnostics.size() > 0) {
    return diagnostics;
  }
  if (const auto digests = environment.cache.DigestsOf(files)) {
    std::vector<FileDigest> read;
    for (size_t i = 0; i < files.size(); ++i) read.push_back({files[i], (*digests)[i].digest});
    results.RecordClean(key, read, digests->front().status);
  }
  return diagnostics;
}

}  // namespace

std::optional<ResolvedProfile> ResolveProfile(const ProfileRequest& request,
                                              Environment& environment, Diagnostics& diagnostics) {
  const size_t first = diagnostics.size();
  ResolvedProfile resolved;
  Resolve(request, environment, diagnostics, resolved);
  AddEarlierValueNotes(resolved.stack, diagnostics, first);
  AddInclusionNotes(resolved.stack, diagnostics, first);
  if (resolved.merged == nullptr) return std::nullopt;
  return resolved;
}

std::optional<Invocation> CompileProfile(const CompileRequest& request, Environment& environment,
                                         Diagnostics& diagnostics) {
  const std::optional<ResolvedProfile> resolved =
      ResolveProfile(request.profile, environment, diagnostics);
  if (!resolved) return std::nullopt;
  if (const MappingEntry* abstract = resolved->abstract) {
    diagnostics
        .Error(abstract->value->range,
               "this profile is abstract (a base or overlay) and cannot be compiled")
        .notes.push_back({"compile a profile that extends it", {}});
    return std::nullopt;
  }
  LoweredProfile lowered = LowerProfile(*resolved->merged, *resolved->stack.profile);
  const size_t first = diagnostics.size();
  if (request.host_checks) {
    const std::optional<std::string> binary = CheckHost(lowered, environment.host, diagnostics);
    if (!binary) {
      AddInclusionNotes(resolved->stack, diagnostics, first);
      return std::nullopt;
    }
    lowered.config.binary = *binary;  // SPEC §5, difference 3: resolved through PATH
  }
  std::vector<std::string> kernel_args = lowered.cmdline;
  kernel_args.insert(kernel_args.end(), request.kernel_args.begin(), request.kernel_args.end());
  return MakeInvocation(lowered.name, resolved->stack.sources, std::move(lowered.config),
                        std::move(kernel_args), std::move(lowered.unit));
}

bool ValidateProfile(const ProfileRequest& request, Environment& environment,
                     Diagnostics& diagnostics, std::vector<std::string>* files_read) {
  const std::optional<ResolvedProfile> resolved = ResolveProfile(request, environment, diagnostics);
  if (resolved && files_read != nullptr) {
    // The path the layers read it by: asking getcwd again would be a second answer to keep equal.
    const std::string& profile = resolved->stack.profile->path();
    files_read->assign({profile});
    for (const std::string& file : resolved->stack.files) {
      if (file != profile) files_read->push_back(file);
    }
  }
  return resolved.has_value();
}

void ValidateProfiles(size_t count, const RequestAt& request_at, Environment& environment,
                      unsigned jobs, const ProfileFound& found, ResultCache* results) {
  const std::string current_directory = results != nullptr ? AbsolutePath(".") : "";
  ForEachInOrder<Diagnostics>(
      count, jobs,
      [&](size_t i) {
        Diagnostics diagnostics =
            results != nullptr
                ? ValidateThroughCache(request_at(i), environment, *results, current_directory)
                : ValidateAlone(request_at(i), environment);
        diagnostics.ReleaseUnused();
        return diagnostics;
      },
      found);
}

std::vector<Diagnostics> ValidateProfiles(const std::vector<ProfileRequest>& requests,
                                          Environment& environment, unsigned jobs) {
  std::vector<Diagnostics> all(requests.size());
  ValidateProfiles(
      requests.size(), [&](size_t i) { return requests[i]; }, environment, jobs,
      [&](size_t i, Diagnostics& found) { all[i] = std::move(found); });
  return all;
}

}  // namespace qemuc
