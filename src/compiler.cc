#include "compiler.h"

#include "invocation.h"
#include "lower.h"
#include "merge.h"
#include "paths.h"
#include "shape_check.h"
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

bool IsAbstract(const Node& merged) {
  const MappingEntry* abstract = merged.Find("abstract");
  return abstract != nullptr && ReadBool(*abstract->value) == true;
}

}  // namespace

std::optional<Invocation> CompileProfile(const CompileRequest& request, Environment& environment,
                                         Diagnostics& diagnostics) {
  const std::optional<LoadedProfile> loaded =
      LoadProfile(request.profile, environment, diagnostics);
  if (!loaded) return std::nullopt;
  std::optional<LoweredProfile> lowered = LowerProfile(*loaded->merged, *loaded->file, diagnostics);
  if (!lowered) return std::nullopt;
  if (request.host_checks && !CheckHost(*lowered, environment.host, diagnostics))
    return std::nullopt;

  std::vector<std::string> kernel_args = lowered->cmdline;
  kernel_args.insert(kernel_args.end(), request.kernel_args.begin(), request.kernel_args.end());
  return Invocation{
      lowered->name, {request.profile}, CreateInvocation(lowered->config, kernel_args)};
}

bool ValidateProfile(const std::string& profile, Environment& environment,
                     Diagnostics& diagnostics) {
  const std::optional<LoadedProfile> loaded = LoadProfile(profile, environment, diagnostics);
  if (!loaded) return false;
  if (IsAbstract(*loaded->merged)) return true;
  return LowerProfile(*loaded->merged, *loaded->file, diagnostics).has_value();
}

}  // namespace qemuc
