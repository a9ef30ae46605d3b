#include "compiler.h"

#include "invocation.h"
#include "lower.h"
#include "merge.h"
#include "paths.h"
#include "shape_check.h"
#include "validate.h"
#include "yaml_parser.h"

namespace qemuc {
namespace {

struct LoadedProfile {
  const SourceFile* file = nullptr;
  NodePtr merged;
};

// read, parse, check and merge: everything that does not depend on what the profile is for.
std::optional<LoadedProfile> LoadProfile(const std::string& profile, Environment& environment,
                                         Diagnostics& diagnostics) {
  const SourceFile* file = LoadSource(environment.reader, environment.sources,
                                      AbsolutePath(profile), profile, diagnostics);
  if (file == nullptr) return std::nullopt;
  const NodePtr root = ParseYaml(*file, diagnostics);
  if (root == nullptr || !CheckShape(*root, FileRole::kProfile, diagnostics)) return std::nullopt;
  NodePtr merged = MergeLayers({root}, diagnostics);
  if (merged == nullptr) return std::nullopt;
  return LoadedProfile{file, std::move(merged)};
}

// The `abstract: true` entry of a merged profile, or nullptr.
const MappingEntry* AbstractEntry(const Node& merged) {
  const MappingEntry* abstract = merged.Find("abstract");
  return abstract != nullptr && ReadBool(*abstract->value) == true ? abstract : nullptr;
}

}  // namespace

std::optional<Invocation> CompileProfile(const CompileRequest& request, Environment& environment,
                                         Diagnostics& diagnostics) {
  const std::optional<LoadedProfile> loaded =
      LoadProfile(request.profile, environment, diagnostics);
  if (!loaded) return std::nullopt;
  if (const MappingEntry* abstract = AbstractEntry(*loaded->merged)) {
    diagnostics
        .Error(abstract->value->range,
               "this profile is abstract (a base or overlay) and cannot be compiled")
        .notes.push_back({"compile a profile that extends it", {}});
    return std::nullopt;
  }
  if (!ValidateMerged(*loaded->merged, true, diagnostics)) return std::nullopt;
  LoweredProfile lowered = LowerProfile(*loaded->merged, *loaded->file);
  if (request.host_checks && !CheckHost(lowered, environment.host, diagnostics)) {
    return std::nullopt;
  }
  std::vector<std::string> kernel_args = lowered.cmdline;
  kernel_args.insert(kernel_args.end(), request.kernel_args.begin(), request.kernel_args.end());
  return Invocation{lowered.name, {request.profile}, CreateInvocation(lowered.config, kernel_args)};
}

bool ValidateProfile(const std::string& profile, Environment& environment,
                     Diagnostics& diagnostics) {
  const std::optional<LoadedProfile> loaded = LoadProfile(profile, environment, diagnostics);
  if (!loaded) return false;
  return ValidateMerged(*loaded->merged, AbstractEntry(*loaded->merged) == nullptr, diagnostics);
}

}  // namespace qemuc
