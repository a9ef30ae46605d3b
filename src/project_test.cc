#include "project.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "project_build.h"
#include "test_support.h"

namespace qemuc {
namespace {

struct Loaded {
  testing::Pipeline pipeline;
  std::optional<Project> project;

  explicit Loaded(const std::string& text) {
    pipeline.reader.Add("/r/qemuc.yaml", text);
    project =
        LoadProject("/r/qemuc.yaml", "qemuc.yaml", pipeline.environment, pipeline.diagnostics);
  }
  std::string Rendered() const { return pipeline.Rendered(); }
};

TEST_SUITE("project") {
  TEST_CASE("a project names globs and outputs with everything compile takes") {
    const Loaded loaded(
        "profiles: [boards/*.yaml, base/**/*.yaml]\n"
        "outputs:\n"
        "  - file: out/a.sh\n"
        "    profile: boards/a.yaml\n"
        "    overlays: [kvm, overlays/x.yaml]\n"
        "    set: ['qemu.cpus=8']\n"
        "    defines: { out: /srv }\n"
        "    host_checks: true\n"
        "  - { file: out/a.unit, format: systemd, profile: boards/a.yaml }\n");
    REQUIRE_MESSAGE(loaded.project, loaded.Rendered());
    const Project& project = *loaded.project;
    REQUIRE(project.profiles.size() == 2);
    CHECK(project.profiles[1].pattern == "base/**/*.yaml");
    CHECK(project.profiles[1].at.line == 1);
    CHECK(project.profiles[1].at.column == 27);
    REQUIRE(project.outputs.size() == 2);
    const ProjectOutput& script = project.outputs[0];
    CHECK(script.file == "out/a.sh");
    CHECK(script.format->name == "shell");
    CHECK(script.request.profile == "boards/a.yaml");
    CHECK(script.request.overlays == std::vector<std::string>{"kvm", "overlays/x.yaml"});
    REQUIRE(script.request.sets.size() == 1);
    CHECK(script.request.sets[0].argument == "qemu.cpus=8");
    CHECK(script.request.defines == std::vector<std::string>{"out=/srv"});
    CHECK(script.host_checks);
    const ProjectOutput& unit = project.outputs[1];
    CHECK(unit.format->name == "systemd");
    CHECK_FALSE(unit.host_checks);  // the default: builds run before the files exist
    CHECK(unit.file_at.line == 9);
  }

  TEST_CASE("an output's file names a file, not a directory") {
    const Loaded loaded(
        "outputs:\n"
        "  - { file: out/, profile: p.yaml, format: args }\n"
        "  - { file: ., profile: p.yaml, format: args }\n"
        "  - { file: out/.., profile: p.yaml }\n"
        "  - { file: out/..x.args, profile: p.yaml }\n");
    CHECK_FALSE(loaded.project);
    CHECK(loaded.Rendered() ==
          "qemuc.yaml:2:13: error: 'file' must name a file, not a directory: 'out/'\n"
          "  - { file: out/, profile: p.yaml, format: args }\n"
          "            ^~~~\n"
          "qemuc.yaml:3:13: error: 'file' must name a file, not a directory: '.'\n"
          "  - { file: ., profile: p.yaml, format: args }\n"
          "            ^\n"
          "qemuc.yaml:4:13: error: 'file' must name a file, not a directory: 'out/..'\n"
          "  - { file: out/.., profile: p.yaml }\n"
          "            ^~~~~~\n");
  }

  TEST_CASE("the format comes from the extension unless 'format:' says") {
    const Loaded loaded(
        "outputs:\n"
        "  - { file: a.json, profile: p.yaml }\n"
        "  - { file: a.args, profile: p.yaml }\n"
        "  - { file: a.service, profile: p.yaml }\n"
        "  - { file: a.sh, format: json, profile: p.yaml }\n");
    REQUIRE_MESSAGE(loaded.project, loaded.Rendered());
    std::vector<std::string_view> formats;
    for (const ProjectOutput& output : loaded.project->outputs) {
      formats.push_back(output.format->name);
    }
    CHECK(formats == std::vector<std::string_view>{"json", "args", "systemd", "json"});
  }

  TEST_CASE("every problem of the project file is reported at its place") {
    const Loaded loaded(
        "profile: [a.yaml]\n"
        "outputs:\n"
        "  - { file: a.txt, profile: p.yaml }\n"
        "  - { file: b.sh, profil: p.yaml }\n"
        "  - { file: c.sh, profile: p.yaml, format: shel, host_checks: yes }\n"
        "  - { file: d.sh, profile: p.yaml, set: ['qemu.cpuss=1'], defines: { 1x: y } }\n");
    CHECK_FALSE(loaded.project);
    CHECK(loaded.Rendered() ==
          "qemuc.yaml:1:1: error: unknown key 'profile' of the project file (did you mean "
          "'profiles'?)\n"
          "profile: [a.yaml]\n"
          "^~~~~~~\n"
          "qemuc.yaml:3:13: error: cannot tell the format of 'a.txt' from its name; add "
          "'format:' (shell, json, args or systemd)\n"
          "  - { file: a.txt, profile: p.yaml }\n"
          "            ^~~~~\n"
          "note: a name ending in .sh is shell, .json json, .args args, .service systemd\n"
          "qemuc.yaml:4:19: error: unknown key 'profil' in an output of the project file (did "
          "you mean 'profile'?)\n"
          "  - { file: b.sh, profil: p.yaml }\n"
          "                  ^~~~~~\n"
          "qemuc.yaml:4:5: error: an output needs 'profile'\n"
          "  - { file: b.sh, profil: p.yaml }\n"
          "    ^\n"
          "qemuc.yaml:5:63: error: 'host_checks' must be true or false\n"
          "  - { file: c.sh, profile: p.yaml, format: shel, host_checks: yes }\n"
          "                                                              ^~~\n"
          "qemuc.yaml:5:44: error: 'format' must be shell, json, args or systemd, not 'shel' "
          "(did you mean 'shell'?)\n"
          "  - { file: c.sh, profile: p.yaml, format: shel, host_checks: yes }\n"
          "                                           ^~~~\n"
          "qemuc.yaml:6:42: error: 'set' item 'qemu.cpuss=1': unknown key 'cpuss' in 'qemu' (did "
          "you mean 'cpus'?)\n"
          "  - { file: d.sh, profile: p.yaml, set: ['qemu.cpuss=1'], defines: { 1x: y } }\n"
          "                                         ^~~~~~~~~~~~~~\n"
          "qemuc.yaml:6:70: error: variable name '1x' must be letters, digits and '_', not "
          "starting with a digit\n"
          "  - { file: d.sh, profile: p.yaml, set: ['qemu.cpuss=1'], defines: { 1x: y } }\n"
          "                                                                     ^~\n");
  }

  TEST_CASE("two outputs may not write one file, however it is spelled") {
    const Loaded loaded(
        "outputs:\n"
        "  - { file: out/a.sh, profile: p.yaml }\n"
        "  - { file: ./out/../out/a.sh, profile: q.yaml }\n");
    CHECK_FALSE(loaded.project);
    CHECK(loaded.Rendered() ==
          "qemuc.yaml:3:13: error: two outputs write './out/../out/a.sh'\n"
          "  - { file: ./out/../out/a.sh, profile: q.yaml }\n"
          "            ^~~~~~~~~~~~~~~~~\n"
          "note: the first output writing it is at qemuc.yaml:2:13\n");
  }

  TEST_CASE("a profile where the project file belongs is named as such") {
    const Loaded loaded("extends: base.yaml\nqemu: { cpus: 2 }\n");
    CHECK_FALSE(loaded.project);
    CHECK(loaded.Rendered() ==
          "qemuc.yaml:1:1: error: this is a profile, not a project file: 'extends' is a key of "
          "profiles\n"
          "extends: base.yaml\n"
          "^~~~~~~\n"
          "note: a project file (qemuc.yaml) lists 'profiles' and 'outputs'; to check one "
          "profile, run 'qemuc validate PROFILE'\n");
  }

  TEST_CASE("tags, wrong kinds and empty paths are errors") {
    const Loaded loaded(
        "profiles: !reset x\n"
        "outputs: { file: a.sh }\n");
    CHECK_FALSE(loaded.project);
    CHECK(loaded.Rendered().find("qemuc.yaml:1:18: error: tags (!override, !reset, !delete) have "
                                 "no meaning in a project file") == 0);
    const Loaded kinds(
        "profiles: ['']\n"
        "outputs: { file: a.sh }\n");
    CHECK(kinds.Rendered() ==
          "qemuc.yaml:1:12: error: 'profiles[0]' must not be empty\n"
          "profiles: ['']\n"
          "           ^~\n"
          "qemuc.yaml:2:10: error: 'outputs' must be a list, not a mapping\n"
          "outputs: { file: a.sh }\n"
          "         ^\n");
  }

  TEST_CASE("a project file that cannot be read says why") {
    testing::Pipeline pipeline;
    CHECK_FALSE(
        LoadProject("/r/qemuc.yaml", "qemuc.yaml", pipeline.environment, pipeline.diagnostics));
    CHECK(pipeline.Rendered() ==
          "qemuc.yaml: error: cannot read the project file: No such file or directory\n");
  }

  TEST_CASE("outputs compile as compile does, with the files they were made from") {
    Loaded loaded(
        "outputs:\n"
        "  - { file: a.args, profile: /r/a.yaml, overlays: [big], set: ['qemu.memory=2G'] }\n"
        "  - { file: b.args, profile: /r/b.yaml }\n");
    testing::Pipeline& pipeline = loaded.pipeline;
    pipeline.reader.Add("/r/base.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k}\n");
    pipeline.reader.Add("/r/a.yaml",
                        "extends: base.yaml\noverlays: { big: { qemu: { cpus: 8 } } }\n");
    pipeline.reader.Add("/r/b.yaml", "extends: base.yaml\nqemu: { cpus: 0 }\n");
    REQUIRE(loaded.project);
    std::vector<const ProjectOutput*> outputs;
    for (const ProjectOutput& output : loaded.project->outputs) outputs.push_back(&output);
    for (const unsigned jobs : {1u, 2u}) {
      const std::vector<CompiledOutput> compiled =
          CompileOutputs(*loaded.project, outputs, pipeline.environment, jobs);
      REQUIRE(compiled.size() == 2);
      REQUIRE(compiled[0].text);
      CHECK(compiled[0].text->find("-m\n2048\n-smp\n8\n") != std::string::npos);
      CHECK(compiled[0].inputs ==
            std::vector<std::string>{"/r/qemuc.yaml", "/r/base.yaml", "/r/a.yaml"});
      CHECK_FALSE(compiled[1].text);
      CHECK(testing::Rendered(compiled[1].diagnostics) ==
            "/r/b.yaml:2:15: error: 'qemu.cpus' must be between 1 and 4096, not 0\n"
            "qemu: { cpus: 0 }\n"
            "              ^\n"
            "note: for the output b.args at qemuc.yaml:3:13\n");
      CHECK(AllInputs(compiled) ==
            std::vector<std::string>{"/r/qemuc.yaml", "/r/base.yaml", "/r/a.yaml"});
    }
  }

  TEST_CASE("check reads and parses each file once: validation and outputs share the cache") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/r/qemuc.yaml",
                        "outputs:\n"
                        "  - { file: a.args, profile: /r/a.yaml, overlays: [/r/o.yaml] }\n"
                        "  - { file: b.sh, profile: /r/b.yaml }\n");
    pipeline.reader.Add("/r/base.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k}\n");
    pipeline.reader.Add("/r/a.yaml", "extends: base.yaml\n");
    pipeline.reader.Add("/r/b.yaml", "extends: base.yaml\n");
    pipeline.reader.Add("/r/o.yaml", "abstract: true\nqemu: { cpus: 2 }\n");
    const RecordingFileReader recording(pipeline.reader);
    Environment environment{recording, pipeline.host, pipeline.sources, pipeline.cache};
    const std::optional<Project> project =
        LoadProject("/r/qemuc.yaml", "qemuc.yaml", environment, pipeline.diagnostics);
    REQUIRE(project);
    std::vector<ProfileRequest> requests;
    // o.yaml is validated as a profile and applied as an overlay file: read once all the same.
    for (const char* profile : {"/r/a.yaml", "/r/b.yaml", "/r/base.yaml", "/r/o.yaml"}) {
      requests.push_back({profile, {}, {}, {}});
    }
    for (const Diagnostics& found : ValidateProfiles(requests, environment, 2)) {
      CHECK_FALSE(found.has_errors());
    }
    const std::vector<const ProjectOutput*> outputs = {&project->outputs[0], &project->outputs[1]};
    for (const CompiledOutput& compiled : CompileOutputs(*project, outputs, environment, 2)) {
      CHECK(compiled.text);
    }
    std::vector<std::string> read = recording.paths();
    std::sort(read.begin(), read.end());
    CHECK(read == std::vector<std::string>{"/r/a.yaml", "/r/b.yaml", "/r/base.yaml", "/r/o.yaml",
                                           "/r/qemuc.yaml"});
  }
}

}  // namespace
}  // namespace qemuc
