// The pipeline of STYLE.md, stage by stage, stopping between stages when there are errors:
// read -> parse -> check -> layers (extends, overlays, --set) -> merge -> interpolate ->
// validate -> lower -> host checks -> invocation.
#ifndef QEMUC_COMPILER_H_
#define QEMUC_COMPILER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "environment.h"
#include "invocation.h"
#include "layers.h"
#include "set_assignment.h"

namespace qemuc {

class ResultCache;

// What makes up one profile: the file and what the command line adds to it.
struct ProfileRequest {
  std::string profile;                // the path as the user gave it
  std::vector<std::string> overlays;  // -O, in order
  std::vector<Assignment> sets;       // --set, in order, paths already checked
  std::vector<std::string> defines;   // -D NAME=VALUE, names already checked
  // Where the profile is named when not on the command line (an output's `profile:` in
  // qemuc.yaml): a profile that cannot be read is reported there.
  std::optional<SourceRange> named_at = std::nullopt;
};

struct CompileRequest {
  ProfileRequest profile;
  std::vector<std::string> kernel_args;  // after "--", appended to the profile's cmdline
  bool host_checks = true;
};

// The merged, interpolated profile and the layers it came from.
struct ResolvedProfile {
  LayerStack stack;
  NodePtr merged;
  const MappingEntry* abstract = nullptr;  // `abstract: true` in `merged`, or nullptr
};

// Layers, merge and interpolation, then validation (completeness unless the profile is abstract).
std::optional<ResolvedProfile> ResolveProfile(const ProfileRequest& request,
                                              Environment& environment, Diagnostics& diagnostics);

// The argv of a profile, or nullopt after reporting why not.
std::optional<Invocation> CompileProfile(const CompileRequest& request, Environment& environment,
                                         Diagnostics& diagnostics);

// Everything compile checks except the host. `files_read`, when given, receives the absolute
// path of every file the profile was made of, the profile first.
bool ValidateProfile(const ProfileRequest& request, Environment& environment,
                     Diagnostics& diagnostics, std::vector<std::string>* files_read = nullptr);

// The most threads validate -j may ask for: more than any machine that runs it has cores.
constexpr int kMaxJobs = 256;

// ValidateProfile for `count` requests, made by request_at(i), `jobs` at a time; then
// found(i, diagnostics) for each in the order of i, while later ones are still checked. Shared
// parents are read once; the result does not depend on `jobs`.
using RequestAt = std::function<ProfileRequest(size_t index)>;
using ProfileFound = std::function<void(size_t index, Diagnostics& found)>;
// With `results`, a profile found clean before with the same files is not checked again, and
// one found clean now is recorded there.
void ValidateProfiles(size_t count, const RequestAt& request_at, Environment& environment,
                      unsigned jobs, const ProfileFound& found, ResultCache* results = nullptr);

// The same for a list of requests, what each found returned in the order given.
std::vector<Diagnostics> ValidateProfiles(const std::vector<ProfileRequest>& requests,
                                          Environment& environment, unsigned jobs);

}  // namespace qemuc

#endif  // QEMUC_COMPILER_H_
