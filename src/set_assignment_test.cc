#include "set_assignment.h"

#include <doctest/doctest.h>

#include "paths.h"
#include "test_support.h"

namespace qemuc {
namespace {

using testing::ArgAfter;
using testing::Pipeline;
using Strings = std::vector<std::string>;

std::string PathError(const std::string& argument) {
  const auto parsed = ParseAssignment(argument);
  const auto* error = std::get_if<std::string>(&parsed);
  return error != nullptr ? *error : "<parsed>";
}

Assignment Parsed(const std::string& argument) {
  return std::get<Assignment>(ParseAssignment(argument));
}

constexpr const char* kProfile = R"(qemu:
  target: x86_64
  memory: 64
  kernel: /k
  drives: [{id: blk0, file: /a.img}]
  networks: [{id: net0, user: {forwards: [{guest: 22, host: 8022}]}}]
)";

Strings ArgvWith(const std::vector<std::string>& sets) {
  Pipeline pipeline;
  pipeline.reader.Add("/p/b.yaml", kProfile);
  ProfileRequest request{"/p/b.yaml", {}, {}, {}};
  for (const std::string& set : sets) request.sets.push_back(Parsed(set));
  return pipeline.Argv(request);
}

TEST_SUITE("set_assignment") {
  TEST_CASE("paths name fields of the table, and keyed items by their key") {
    const Assignment cpus = Parsed("qemu.cpus=8");
    REQUIRE(cpus.path.steps().size() == 2);
    CHECK(cpus.path.steps()[1].key == "cpus");
    REQUIRE(cpus.fields.size() == 2);
    CHECK(cpus.fields[1]->type == FieldType::kInteger);
    CHECK(cpus.value_offset == 10);
    const Assignment host = Parsed("qemu.networks[net0].user.forwards[22].host=2222");
    REQUIRE(host.path.steps().size() == 5);
    CHECK(host.path.Text() == "qemu.networks[net0].user.forwards[22].host");
    CHECK(host.path.steps()[1].item == std::optional<std::string>("net0"));
    CHECK(host.path.steps()[3].item == std::optional<std::string>("22"));
    CHECK(host.path.steps()[3].key_offset == 25);
    CHECK(host.path.steps()[3].item_offset == 34);
    CHECK(host.fields[3]->type == FieldType::kKeyedList);
    CHECK(Parsed("qemu.drives[a.b].file=x").path.steps()[1].item ==
          std::optional<std::string>("a.b"));
    CHECK(Parsed("vars.out=/o").path.steps()[1].key == "out");
  }

  TEST_CASE("a wrong step is named before a syntax error later in the path") {
    CHECK(PathError("qemu.cpuss..x=1") == "unknown key 'cpuss' in 'qemu' (did you mean 'cpus'?)");
    CHECK(PathError("qemux.drives[a=1") == "unknown key 'qemux' (did you mean 'qemu'?)");
    CHECK(PathError("qemu.cpus.=1") == "'qemu.cpus' has no keys");
    CHECK(PathError("qemu.cpus.x[=1") == "'qemu.cpus' has no keys");
    CHECK(PathError("qemu.cpux[0=1") == "'[' without ']' after 'cpux'");  // its own syntax first
    CHECK(PathError("qemu.=1") == "an empty key in the path");
  }

  TEST_CASE("an item key may hold '.', '[' and '='") {
    const Strings argv = ArgvWith({"qemu.drives[blk0].file=/y.img", "qemu.drives[a.b]={file: /z}",
                                   "qemu.drives[a.b].file=/w"});
    CHECK(ArgAfter(argv, "-drive") ==
          "id=blk0,file=/y.img,format=raw,if=none,cache=unsafe,aio=threads");
    CHECK(ArgAfter(argv, "-drive", 1) ==
          "id=a.b,file=/w,format=raw,if=none,cache=unsafe,aio=threads");
    const Assignment bracket = Parsed("qemu.drives[a[b].file=x=y");
    CHECK(bracket.path.steps()[1].item == std::optional<std::string>("a[b"));
    CHECK(bracket.argument.substr(bracket.value_offset) == "x=y");
  }

  TEST_CASE("a bad path says which part is wrong") {
    CHECK(PathError("qemu.cpus") == "expected PATH=VALUE");
    CHECK(PathError("=3") == "the path before '=' is empty");
    CHECK(PathError("qemu.cpuss=3") == "unknown key 'cpuss' in 'qemu' (did you mean 'cpus'?)");
    CHECK(PathError("qemux.cpus=3") == "unknown key 'qemux' (did you mean 'qemu'?)");
    CHECK(PathError("qemu..cpus=3") == "an empty key in the path");
    CHECK(PathError("qemu.cpus[0]=3") == "'qemu.cpus' is not a keyed list; '[0]' cannot follow it");
    CHECK(PathError("qemu.drives[blk0=x") == "'[' without ']' after 'drives'");
    CHECK(PathError("qemu.drives[]=x") == "an empty item key in '[]' after 'drives'");
    CHECK(PathError("qemu.drives[a]x=1") == "expected '.' after '[a]'");
    CHECK(PathError("qemu.cpus.x=1") == "'qemu.cpus' has no keys");
    CHECK(PathError("extends=a.yaml") == "'extends' cannot be set with --set");
    CHECK(PathError("overlays.kvm={}") == "'overlays' cannot be set with --set");
    CHECK(PathError("qemu.drives[blk0].id=x") ==
          "'qemu.drives[blk0].id' cannot be set: the item is identified by it");
    CHECK(PathError("qemu.networks[n].user.forwards[22].guest=23") ==
          "'qemu.networks[n].user.forwards[22].guest' cannot be set: the item is identified by it");
  }

  TEST_CASE("values are YAML, set after everything else, items addressed by key") {
    const Strings argv =
        ArgvWith({"qemu.cpus=8", "qemu.drives[blk0].file=/x.img",
                  "qemu.networks[net0].user.forwards[22].host=2222", "cmdline=[a, b]"});
    CHECK(ArgAfter(argv, "-smp") == "8");
    CHECK(ArgAfter(argv, "-drive") ==
          "id=blk0,file=/x.img,format=raw,if=none,cache=unsafe,aio=threads");
    CHECK(ArgAfter(argv, "-netdev") == "user,id=net0,hostfwd=tcp::2222-:22");
    CHECK(ArgAfter(argv, "-append") == "a b");
    CHECK(
        ArgAfter(ArgvWith({"qemu.drives[new]={file: n.img}"}), "-drive") ==
        "id=blk0,file=/a.img,format=raw,if=none,cache=unsafe,aio=threads");  // appended after blk0
    CHECK(ArgAfter(ArgvWith({"qemu.cpus=2", "qemu.cpus=3"}), "-smp") == "3");  // in order
  }

  TEST_CASE("!reset as a value removes what the profile set") {
    CHECK(ArgAfter(ArgvWith({"qemu.drives=!reset"}), "-drive") == "<missing>");
    CHECK(ArgAfter(ArgvWith({"qemu.cpus=4", "qemu.cpus= !reset "}), "-smp") == "1");
  }

  TEST_CASE("!reset as a value removes what the profile set") {
    CHECK(ArgAfter(ArgvWith({"qemu.drives=!reset"}), "-drive") == "<missing>");
    CHECK(ArgAfter(ArgvWith({"qemu.cpus=4", "qemu.cpus= !reset "}), "-smp") == "1");
  }

  TEST_CASE("a relative path in a value is relative to the current directory") {
    CHECK(ArgAfter(ArgvWith({"qemu.kernel=k.bin"}), "-kernel") == AbsolutePath("k.bin"));
  }

  TEST_CASE("a bad value is reported at its place in the argument") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", kProfile);
    CHECK_FALSE(
        pipeline.CompileWith({"/p/b.yaml", {}, {Parsed("qemu.cpus=eight")}, {}}).has_value());
    CHECK(pipeline.Rendered() ==
          "--set:1:11: error: 'qemu.cpus' must be a decimal integer, not "
          "'eight'\nqemu.cpus=eight\n          ^~~~~\n");
    Pipeline item;
    item.reader.Add("/p/b.yaml", kProfile);
    CHECK_FALSE(
        item.CompileWith({"/p/b.yaml", {}, {Parsed("qemu.drives[blk0]=x")}, {}}).has_value());
    CHECK(
        item.Rendered() ==
        "--set:1:19: error: the value of 'drives[blk0]' must be a mapping, such as {file: /x.img}\n"
        "qemu.drives[blk0]=x\n                  ^\n");
    Pipeline keyed;
    keyed.reader.Add("/p/b.yaml", kProfile);
    CHECK_FALSE(
        keyed.CompileWith({"/p/b.yaml", {}, {Parsed("qemu.drives[blk0]={id: x, file: q}")}, {}})
            .has_value());
    CHECK(keyed.Rendered() ==
          "--set:1:20: error: the item 'drives[blk0]' is identified by its 'id'; it cannot be set "
          "here\n"
          "qemu.drives[blk0]={id: x, file: q}\n                   ^~\n");
  }
}

}  // namespace
}  // namespace qemuc
