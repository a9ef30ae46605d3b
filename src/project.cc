#include "project.h"

#include <algorithm>
#include <map>
#include <set>

#include "paths.h"
#include "schema.h"
#include "shape_check.h"
#include "spell.h"
#include "text.h"
#include "utf8.h"
#include "variables.h"
#include "yaml_parser.h"

namespace qemuc {
namespace {

const std::vector<std::string_view> kRootKeys = {"profiles", "outputs"};
const std::vector<std::string_view> kOutputKeys = {"file", "profile", "format",     "overlays",
                                                   "set",  "defines", "host_checks"};

// Where byte `offset` of a pattern is in the project file: there when the pattern is written as
// it reads, else at the pattern's start.
SourceRange PlaceInPattern(const ProfilePattern& pattern, size_t offset) {
  if (pattern.offset == Node::kNoOffset || pattern.at.file == nullptr) return pattern.at;
  return RangeAtOffset(*pattern.at.file, pattern.offset + offset);
}

class ProjectReader {
 public:
  // `directory`: the project file's, against which its paths resolve.
  ProjectReader(std::string directory, Diagnostics& diagnostics)
      : directory_(std::move(directory)), diagnostics_(diagnostics) {}

  void ReadRoot(const Node& root, Project& project) {
    if (IsProfile(root)) return;
    for (const MappingEntry& entry : root.entries) {
      if (entry.key == "profiles") {
        ReadProfiles(*entry.value, project);
      } else if (entry.key == "outputs") {
        ReadOutputs(*entry.value, project);
      } else {
        UnknownKey(entry, "", kRootKeys);
      }
    }
  }

 private:
  // A profile given where the project file belongs: say so once, rather than call each of its
  // keys unknown.
  bool IsProfile(const Node& root) {
    for (const MappingEntry& entry : root.entries) {
      if (std::find(kRootKeys.begin(), kRootKeys.end(), entry.key) == kRootKeys.end() &&
          ProfileSchema().Find(entry.key) != nullptr) {
        diagnostics_
            .Error(entry.key_range, "this is a profile, not a project file: " + Quoted(entry.key) +
                                        " is a key of profiles")
            .notes.push_back({"a project file (qemuc.yaml) lists 'profiles' and 'outputs'; to "
                              "check one profile, run 'qemuc validate PROFILE'",
                              {}});
        return true;
      }
    }
    return false;
  }

  void UnknownKey(const MappingEntry& entry, const std::string& where,
                  const std::vector<std::string_view>& known) {
    diagnostics_.Error(entry.key_range, "unknown key " + Quoted(entry.key) + where +
                                            " of the project file" + DidYouMean(entry.key, known));
  }

  void WrongKind(const Node& node, const std::string& path, std::string_view expected) {
    diagnostics_.Error(node.range, Quoted(path) + " must be " + std::string(expected) + ", not " +
                                       DescribeKind(node));
  }

  // A string of valid UTF-8 without NUL or newline (it names a file or goes on a command line).
  bool ReadString(const Node& node, const std::string& path, std::string& out) {
    if (!node.is_scalar()) {
      WrongKind(node, path, "a string");
      return false;
    }
    if (FindInvalidUtf8(node.text) || node.text.find('\0') != std::string::npos) {
      diagnostics_.Error(node.range, Quoted(path) + " is not valid UTF-8 text");
      return false;
    }
    out = node.text;
    return true;
  }

  bool ReadPath(const Node& node, const std::string& path, std::string& out) {
    if (!ReadString(node, path, out)) return false;
    if (out.empty()) {
      diagnostics_.Error(node.range, Quoted(path) + " must not be empty");
      return false;
    }
    if (out.find('\n') != std::string::npos) {
      diagnostics_.Error(node.range, Quoted(path) + " must not contain a newline");
      return false;
    }
    return true;
  }

  // "outputs[2]": how messages name an item, as profiles' messages name 'qemu.drives[0]'.
  static std::string ItemPath(const std::string& list, size_t index) {
    return list + "[" + std::to_string(index) + "]";
  }

  std::vector<const Node*> ReadList(const Node& node, const std::string& path) {
    if (!node.is_sequence()) {
      WrongKind(node, path, "a list");
      return {};
    }
    return Items(&node);
  }

  void ReadProfiles(const Node& node, Project& project) {
    const std::vector<const Node*> items = ReadList(node, "profiles");
    for (size_t i = 0; i < items.size(); ++i) {
      const Node* item = items[i];
      ProfilePattern pattern;
      if (!ReadPath(*item, ItemPath("profiles", i), pattern.pattern)) continue;
      pattern.at = item->range;
      if (item->is_plain()) pattern.offset = item->offset;
      if (const std::optional<GlobError> error = CheckGlobSyntax(pattern.pattern)) {
        diagnostics_.Error(PlaceInPattern(pattern, error->offset), error->message);
        continue;
      }
      project.profiles.push_back(std::move(pattern));
    }
  }

  void ReadOutputs(const Node& node, Project& project) {
    std::map<std::string, SourceRange> written_at;
    const std::vector<const Node*> items = ReadList(node, "outputs");
    for (size_t i = 0; i < items.size(); ++i) {
      const Node* item = items[i];
      if (!item->is_mapping()) {
        WrongKind(*item, ItemPath("outputs", i), "a mapping");
        continue;
      }
      std::optional<ProjectOutput> output = ReadOutput(*item);
      if (!output) continue;
      const auto [first, added] =
          written_at.emplace(ResolveAgainst(directory_, output->file), output->file_at);
      if (!added) {
        diagnostics_.Error(output->file_at, "two outputs write " + Quoted(output->file))
            .notes.push_back({"the first output writing it is at", first->second});
        continue;
      }
      project.outputs.push_back(std::move(*output));
    }
  }

  std::optional<ProjectOutput> ReadOutput(const Node& item) {
    ProjectOutput output;
    const size_t errors = diagnostics_.error_count();
    const MappingEntry* format = nullptr;
    for (const MappingEntry& entry : item.entries) {
      const Node& value = *entry.value;
      if (entry.key == "file") {
        if (ReadPath(value, "file", output.file) && NamesFile(value, output.file)) {
          output.file_at = value.range;
        } else {
          output.file.clear();
        }
      } else if (entry.key == "profile") {
        if (ReadPath(value, "profile", output.request.profile)) {
          output.profile_at = value.range;
          output.request.named_at = value.range;
        }
      } else if (entry.key == "format") {
        format = &entry;
      } else if (entry.key == "overlays") {
        ReadOverlays(value, output.request);
      } else if (entry.key == "set") {
        ReadSets(value, output.request);
      } else if (entry.key == "defines") {
        ReadDefines(value, output.request);
      } else if (entry.key == "host_checks") {
        ReadHostChecks(value, output);
      } else {
        UnknownKey(entry, " in an output", kOutputKeys);
      }
    }
    RequireKey(item, "file", output.file);
    RequireKey(item, "profile", output.request.profile);
    if (!output.file.empty()) ReadFormat(format, output);
    if (diagnostics_.error_count() != errors) return std::nullopt;
    return output;
  }

  // `out/`, `.` or `a/..` name a directory: refused here, before build creates it for nothing.
  // An absolute path or one that climbs out of the project's directory is refused too: build
  // writes only inside it (project_outputs.h), and a path from a pull request must not say
  // where else to write.
  bool NamesFile(const Node& node, const std::string& file) {
    const std::string last = file.substr(file.find_last_of('/') + 1);
    std::string why;
    if (last.empty() || last == "." || last == "..") {
      why = "must name a file, not a directory";
    } else if (file[0] == '/') {
      why = "must be relative to the directory of qemuc.yaml, where build writes";
    } else if (const std::string normal = ResolveAgainst("", file);
               normal == ".." || normal.rfind("../", 0) == 0) {
      why = "must stay inside the directory of qemuc.yaml, where build writes";
    }
    if (why.empty()) return true;
    diagnostics_.Error(node.range, "'file' " + why + ": " + Quoted(file));
    return false;
  }

  void RequireKey(const Node& item, std::string_view key, const std::string& value) {
    if (item.Find(key) == nullptr && value.empty()) {
      diagnostics_.Error(item.range, "an output needs " + Quoted(key));
    }
  }

  // `format:`, or the format the file's extension names.
  void ReadFormat(const MappingEntry* format, ProjectOutput& output) {
    if (format == nullptr) {
      output.format = OutputFormatOfFile(output.file);
      if (output.format != nullptr) return;
      diagnostics_
          .Error(output.file_at, "cannot tell the format of " + Quoted(output.file) +
                                     " from its name; add 'format:' (" +
                                     JoinChoices(OutputFormatNames()) + ")")
          .notes.push_back({"a name ending in .sh is shell, .json json, .args args, .service "
                            "systemd",
                            {}});
      return;
    }
    std::string name;
    if (!ReadString(*format->value, "format", name)) return;
    output.format = FindOutputFormat(name);
    if (output.format != nullptr) return;
    diagnostics_.Error(format->value->range,
                       "'format' must be " + JoinChoices(OutputFormatNames()) + ", not " +
                           Quoted(name) + DidYouMean(name, OutputFormatNames()));
  }

  void ReadOverlays(const Node& node, ProfileRequest& request) {
    const std::vector<const Node*> items = ReadList(node, "overlays");
    for (size_t i = 0; i < items.size(); ++i) {
      std::string overlay;
      if (ReadPath(*items[i], ItemPath("overlays", i), overlay))
        request.overlays.push_back(overlay);
    }
  }

  void ReadSets(const Node& node, ProfileRequest& request) {
    const std::vector<const Node*> items = ReadList(node, "set");
    for (size_t i = 0; i < items.size(); ++i) {
      const Node* item = items[i];
      std::string argument;
      if (!ReadString(*item, ItemPath("set", i), argument)) continue;
      auto assignment = ParseAssignment(argument);
      if (const auto* error = std::get_if<std::string>(&assignment)) {
        diagnostics_.Error(item->range, "'set' item " + Quoted(argument) + ": " + *error);
        continue;
      }
      request.sets.push_back(std::get<Assignment>(std::move(assignment)));
    }
  }

  void ReadDefines(const Node& node, ProfileRequest& request) {
    if (!node.is_mapping()) return WrongKind(node, "defines", "a mapping of names to strings");
    for (const MappingEntry& entry : node.entries) {
      if (!IsVariableName(entry.key)) {
        diagnostics_.Error(entry.key_range, BadVariableNameMessage(entry.key));
        continue;
      }
      std::string value;
      if (ReadString(*entry.value, "defines." + entry.key, value)) {
        request.defines.push_back(entry.key + "=" + value);
      }
    }
  }

  void ReadHostChecks(const Node& value, ProjectOutput& output) {
    const std::optional<bool> checks = value.is_scalar() ? ReadBool(value) : std::nullopt;
    if (checks) {
      output.host_checks = *checks;
      return;
    }
    diagnostics_.Error(value.range, "'host_checks' must be true or false");
  }

  std::string directory_;
  Diagnostics& diagnostics_;
};

// A project file means nothing by tags: the merge directives are for profiles.
bool RefuseTags(const Node& node, Diagnostics& diagnostics) {
  bool ok = true;
  if (node.tag != NodeTag::kNone) {
    diagnostics.Error(node.range,
                      "tags (!override, !reset, !delete) have no meaning in a "
                      "project file; they are for profiles");
    ok = false;
  }
  for (const MappingEntry& entry : node.entries) ok = RefuseTags(*entry.value, diagnostics) && ok;
  for (const NodePtr& item : node.items) ok = RefuseTags(*item, diagnostics) && ok;
  return ok;
}

// Whether a glob before the `index`th matched `match` too. Each glob's matches are sorted: a
// binary search in each, not a set of 10,000 strings, which was a tenth of a warm check.
bool MatchedBefore(const std::vector<GlobResult>& results, size_t index, const std::string& match) {
  for (size_t earlier = 0; earlier < index; ++earlier) {
    const std::vector<std::string>& matches = results[earlier].matches;
    if (std::binary_search(matches.begin(), matches.end(), match)) return true;
  }
  return false;
}

}  // namespace

ProfileMatches ProjectProfiles(const Project& project, const DirectoryLister& lister,
                               Diagnostics& diagnostics) {
  std::vector<GlobResult> results;
  for (const ProfilePattern& pattern : project.profiles) {
    results.push_back(ExpandGlob(lister, "", pattern.pattern));
    const GlobResult& result = results.back();
    if (result.error) {
      diagnostics.Error(PlaceInPattern(pattern, result.error->offset), result.error->message);
      continue;
    }
    if (std::all_of(result.matches.begin(), result.matches.end(), IsProjectFileName)) {
      diagnostics.Error(pattern.at, Quoted(pattern.pattern) + " matches no profile")
          .notes.push_back({"globs are relative to the directory of qemuc.yaml; '*' and '?' do "
                            "not match a leading '.', nor '/'",
                            {}});
    }
  }
  // Which to keep is decided before any match is moved out of the results it is looked up in.
  std::vector<std::vector<bool>> kept(results.size());
  for (size_t index = 0; index < results.size(); ++index) {
    for (const std::string& match : results[index].matches) {
      kept[index].push_back(!IsProjectFileName(match) && !MatchedBefore(results, index, match));
    }
  }
  ProfileMatches profiles;
  for (size_t index = 0; index < results.size(); ++index) {
    GlobResult& result = results[index];
    for (size_t i = 0; i < result.matches.size(); ++i) {
      if (!kept[index][i]) continue;
      profiles.paths.push_back(std::move(result.matches[i]));
      profiles.inodes.push_back(result.inodes[i]);
    }
  }
  return profiles;
}

std::optional<Project> LoadProject(const std::string& path, const std::string& display_path,
                                   Environment& environment, Diagnostics& diagnostics) {
  ReadResult read = environment.reader.Read(path);
  if (!read.text) {
    const SourceFile* named = environment.sources.Add(path, display_path, "");
    diagnostics.Error({named, 0, 0, 1}, "cannot read the project file: " + read.error);
    return std::nullopt;
  }
  const size_t errors = diagnostics.error_count();
  Project project;
  project.file =
      AddSourceText(environment.sources, path, display_path, std::move(*read.text), diagnostics);
  if (project.file == nullptr) return std::nullopt;
  const NodePtr root = ParseYaml(*project.file, diagnostics);
  if (root == nullptr || !RefuseTags(*root, diagnostics)) return std::nullopt;
  ProjectReader(DirectoryOf(path), diagnostics).ReadRoot(*root, project);
  if (diagnostics.error_count() != errors) return std::nullopt;
  return project;
}

}  // namespace qemuc
