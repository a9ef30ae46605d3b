#include "shape_check.h"

#include <doctest/doctest.h>

#include "schema.h"
#include "test_support.h"

namespace qemuc {
namespace {

using testing::ParsedText;

// The rendered shape errors of a profile ("" when it passes).
std::string ShapeErrors(const std::string& text) {
  ParsedText parsed;
  testing::Parse(parsed, text);
  REQUIRE_MESSAGE(parsed.root.get() != nullptr, parsed.Rendered());
  const bool ok = CheckShape(*parsed.root, FileRole::kProfile, parsed.diagnostics);
  // False only after an error; a bad value (cpus: 0) is reported and still returns true.
  if (!ok) CHECK_FALSE(parsed.Rendered().empty());
  return parsed.Rendered();
}

// Only the first line of each diagnostic: "p.yaml:L:C: error: message".
std::string Headlines(const std::string& text) {
  const std::string rendered = ShapeErrors(text);
  std::string lines;
  size_t start = 0;
  while (start < rendered.size()) {
    const size_t end = rendered.find('\n', start);
    const std::string line = rendered.substr(start, end - start);
    if (line.rfind("p.yaml:", 0) == 0) lines += line + "\n";
    start = end + 1;
  }
  return lines;
}

TEST_SUITE("shape_check") {
  // Field::Find compares a name's first byte before the rest: names of one length that differ
  // anywhere, and the empty name, must still be told apart.
  TEST_CASE("a row is found by its whole name") {
    const Field table =
        Field("t", FieldType::kMapping, "")
            .Children({Field("cpus", FieldType::kInteger, ""), Field("cmds", FieldType::kArgs, ""),
                       Field("cpux", FieldType::kBool, ""), Field("", FieldType::kBool, "")});
    CHECK(table.Find("cpus") == &table.fields[0]);
    CHECK(table.Find("cmds") == &table.fields[1]);
    CHECK(table.Find("cpux") == &table.fields[2]);
    CHECK(table.Find("") == &table.fields[3]);
    CHECK(table.Find("cpuy") == nullptr);
    CHECK(table.Find("dpus") == nullptr);
    CHECK(table.Find("cpu") == nullptr);
    CHECK(ProfileSchema().Find("qemu")->Find("cpus")->name == "cpus");
  }

  TEST_CASE("a bad value is reported and leaves the tree to merge; a wrong kind does not") {
    for (const char* text : {"qemu: {cpus: 0}\n", "qemu: {memory: 2X}\n", "qemu: {kvm: yes}\n",
                             "qemu: {cpus: \"4\"}\n"}) {
      ParsedText parsed;
      testing::Parse(parsed, text);
      REQUIRE(parsed.root != nullptr);
      CAPTURE(text);
      CHECK(CheckShape(*parsed.root, FileRole::kProfile, parsed.diagnostics));
      CHECK(parsed.diagnostics.error_count() == 1);
    }
    for (const char* text :
         {"qemu: {cpus: [1]}\n", "qemu: {cpuss: 1}\n", "qemu: 3\n", "qemu: {target: x86}\n"}) {
      ParsedText parsed;
      testing::Parse(parsed, text);
      REQUIRE(parsed.root != nullptr);
      CAPTURE(text);
      CHECK_FALSE(CheckShape(*parsed.root, FileRole::kProfile, parsed.diagnostics));
    }
  }

  TEST_CASE("a complete profile of every key passes") {
    CHECK(ShapeErrors(R"(extends: [../base.yaml]
abstract: false
name: x64-dev
description: "A VM"
vars: {out: ../out, img_2: x}
qemu:
  binary: qemu-system-x86_64
  target: x86_64
  cpus: 4
  memory: 2G
  kvm: true
  kernel: k.bin
  initrd: rd.zbi
  drives:
    - {id: blk0, file: a.img, addr: "05.0"}
    - !delete old
  networks:
    - id: net0
      mac: "52:54:00:63:5e:7a"
      user:
        network: 10.0.2.0/24
        dhcp_start: 10.0.2.15
        dns: 10.0.2.3
        host: 10.0.2.2
        forwards: [{host: 8022, guest: 22, protocol: udp, host_address: 127.0.0.1}]
    - {id: net1, tap: {name: qemu0}}
  extra_args: [-vga, none]
cmdline: [console=ttyS0, !delete quiet]
overlays:
  kvm: {qemu: {kvm: true}}
systemd:
  description: d
  user: qemu
  group: kvm
  restart: always
  restart_sec: 0
  after: [network.target]
  wants: [network.target]
  wanted_by: multi-user.target
  graceful_stop: true
  stop_timeout: 60
  hardening: false
)") == "");
  }

  TEST_CASE("an unknown key is reported with a suggestion") {
    CHECK(ShapeErrors("qemu:\n  cpuss: 4\n") ==
          "p.yaml:2:3: error: unknown key 'cpuss' in 'qemu' (did you mean 'cpus'?)\n"
          "  cpuss: 4\n"
          "  ^~~~~\n");
    CHECK(Headlines("nmae: x\nzzzzzzzz: 1\n") ==
          "p.yaml:1:1: error: unknown key 'nmae' (did you mean 'name'?)\n"
          "p.yaml:2:1: error: unknown key 'zzzzzzzz'\n");
  }

  TEST_CASE("booleans are plain true or false only") {
    CHECK(ShapeErrors("qemu:\n  kvm: yes\n") ==
          "p.yaml:2:8: error: 'qemu.kvm' must be true or false, not 'yes'\n"
          "  kvm: yes\n"
          "       ^~~\n"
          "note: booleans are the plain words true and false (YAML 1.2)\n");
    CHECK(Headlines("qemu: {kvm: \"true\"}\nabstract: On\n") ==
          "p.yaml:1:13: error: 'qemu.kvm' must be true or false, not a quoted string\n"
          "p.yaml:2:11: error: 'abstract' must be true or false, not 'On'\n");
  }

  TEST_CASE("integers are plain decimal, within their range") {
    CHECK(Headlines("qemu:\n  cpus: 010\n") ==
          "p.yaml:2:9: error: 'qemu.cpus' must be a decimal integer, not '010' (no leading zeros: "
          "YAML 1.1 reads "
          "010 as octal)\n");
    CHECK(Headlines("qemu: {cpus: 0x10}\n") ==
          "p.yaml:1:14: error: 'qemu.cpus' must be a decimal integer, not '0x10'\n");
    CHECK(Headlines("qemu: {cpus: \"4\"}\n") ==
          "p.yaml:1:14: error: 'qemu.cpus' must be a decimal integer, not a quoted string\n");
    CHECK(Headlines("qemu: {cpus: 1.5}\n") ==
          "p.yaml:1:14: error: 'qemu.cpus' must be a decimal integer, not '1.5'\n");
    CHECK(Headlines("qemu: {cpus: 0}\n") ==
          "p.yaml:1:14: error: 'qemu.cpus' must be between 1 and 4096, not 0\n");
    // Past the range of int: rejected, never wrapped into a small -smp.
    CHECK(Headlines("qemu: {cpus: 4294967297}\n") ==
          "p.yaml:1:14: error: 'qemu.cpus' must be between 1 and 4096, not 4294967297\n");
    CHECK(Headlines("systemd: {restart_sec: -1}\n") ==
          "p.yaml:1:24: error: 'systemd.restart_sec' must be between 0 and 86400, not -1\n");
    CHECK(
        Headlines("qemu: {cpus: 99999999999999999999}\n") ==
        "p.yaml:1:14: error: 'qemu.cpus' must be a decimal integer, not '99999999999999999999'\n");
    CHECK(
        Headlines("qemu: {networks: [{id: n, user: {forwards: [{guest: 22, host: 70000}]}}]}\n") ==
        "p.yaml:1:63: error: 'qemu.networks[n].user.forwards[22].host' must be between 1 and "
        "65535, not 70000\n");
  }

  TEST_CASE("memory is MiB or a size with a binary unit, in whole MiB") {
    CHECK(ShapeErrors("qemu: {memory: 512}\n") == "");
    CHECK(ShapeErrors("qemu: {memory: 4G}\n") == "");
    CHECK(ShapeErrors("qemu: {memory: \"1048576K\"}\n") == "");
    CHECK(Headlines("qemu: {memory: 1536K}\n") ==
          "p.yaml:1:16: error: 'qemu.memory' must be a whole number of MiB, not 1536K\n");
    CHECK(Headlines("qemu: {memory: 0}\n") ==
          "p.yaml:1:16: error: 'qemu.memory' must be at least 1 MiB, not 0\n");
    CHECK(Headlines("qemu: {memory: 2GB}\n") ==
          "p.yaml:1:16: error: 'qemu.memory' must be MiB as a plain integer, or a size such as "
          "512M or 2G (K, M, G, "
          "T: binary units), not '2GB'\n");
    CHECK(Headlines("qemu: {memory: \"2048\"}\n") ==
          "p.yaml:1:16: error: 'qemu.memory' must be MiB as a plain integer, or a size such as "
          "512M or 2G (K, M, G, "
          "T: binary units), not a quoted number\n");
    const std::string too_large =
        "p.yaml:1:16: error: 'qemu.memory' must be at most 990G (1013760 MiB), the most that "
        "QEMU's q35 and virt machines address as qemuc starts them; not ";
    CHECK(Headlines("qemu: {memory: 99999999999999999T}\n") ==
          too_large + "'99999999999999999T'\n");
    CHECK(Headlines("qemu: {memory: 99999999999999999999T}\n") ==
          too_large + "'99999999999999999999T'\n");
    CHECK(Headlines("qemu: {memory: 99999999999999999999}\n") ==
          too_large + "'99999999999999999999'\n");
    CHECK(Headlines("qemu: {memory: 8388607T}\n") == too_large + "'8388607T'\n");
    CHECK(Headlines("qemu: {memory: 991G}\n") == too_large + "'991G'\n");
    CHECK(Headlines("qemu: {memory: 1013761}\n") == too_large + "'1013761'\n");
    CHECK(ShapeErrors("qemu: {memory: 990G}\n") == "");
    CHECK(ShapeErrors("qemu: {memory: 1013760}\n") == "");
    CHECK(ShapeErrors("qemu: {memory: 1038090240K}\n") == "");
  }

  TEST_CASE("enums name their choices and suggest the closest") {
    CHECK(Headlines("qemu: {target: x86-64}\n") ==
          "p.yaml:1:16: error: 'qemu.target' must be x86_64, aarch64 or riscv64, not 'x86-64' (did "
          "you mean "
          "'x86_64'?)\n");
    CHECK(Headlines("systemd: {restart: sometimes}\n") ==
          "p.yaml:1:20: error: 'systemd.restart' must be no, on-failure or always, not "
          "'sometimes'\n");
  }

  TEST_CASE("a value of the wrong kind names what was expected") {
    CHECK(Headlines("qemu: 5\ncmdline: quiet\nname: [a]\nqemu2: 1\n") ==
          "p.yaml:1:7: error: 'qemu' must be a mapping, not a scalar\n"
          "p.yaml:2:10: error: 'cmdline' must be a list, not a scalar\n"
          "p.yaml:3:7: error: 'name' must be a string, not a list\n"
          "p.yaml:4:1: error: unknown key 'qemu2' (did you mean 'qemu'?)\n");
  }

  TEST_CASE("a value of the wrong kind carries its key path, for the earlier-value note") {
    const auto key_paths = [](const std::string& text) {
      ParsedText parsed;
      testing::Parse(parsed, text);
      REQUIRE(parsed.root != nullptr);
      CheckShape(*parsed.root, FileRole::kProfile, parsed.diagnostics);
      std::vector<std::string> paths;
      for (const Diagnostic& diagnostic : parsed.diagnostics.all()) {
        paths.push_back(diagnostic.key_path.Text());
      }
      return paths;
    };
    const KeyPath file = KeyPath().Child("qemu").Child("drives").Item("a.b]").Child("file");
    ParsedText parsed;
    testing::Parse(parsed, "qemu: {drives: [{id: \"a.b]\", file: [x]}]}\n");
    CheckShape(*parsed.root, FileRole::kProfile, parsed.diagnostics);
    REQUIRE(parsed.diagnostics.size() == 1);
    CHECK(parsed.diagnostics.all()[0].key_path == file);
    CHECK(key_paths("qemu: {cpus: [1]}\nvars: {x: [y]}\noverlays: {o: 1}\n") ==
          std::vector<std::string>{"qemu.cpus", "vars.x", "overlays.o"});
    // An item of a list is not a key of its own: nothing earlier to name.
    CHECK(key_paths("qemu: {drives: [a.img]}\ncmdline: [[a]]\n") ==
          std::vector<std::string>{"", ""});
  }

  TEST_CASE("keyed list items need their key, once per list") {
    CHECK(ShapeErrors("qemu:\n  drives:\n    - file: a.img\n") ==
          "p.yaml:3:7: error: an item of 'qemu.drives' needs 'id' (items are merged by it)\n"
          "    - file: a.img\n"
          "      ^\n");
    CHECK(ShapeErrors("qemu:\n  drives:\n    - {id: a, file: x}\n    - {id: a, file: y}\n") ==
          "p.yaml:4:12: error: duplicate id 'a' in 'qemu.drives'\n"
          "    - {id: a, file: y}\n"
          "           ^\n"
          "note: first used at p.yaml:3:12\n");
    CHECK(Headlines("qemu: {drives: [a.img]}\n") ==
          "p.yaml:1:17: error: 'qemu.drives item' must be a mapping, not a scalar\n");
  }

  TEST_CASE("the key of a keyed list item is a plain value: items are merged by it") {
    CHECK(
        Headlines("qemu:\n  drives: [{id: !override a, file: x}]\n  networks:\n    - id: n\n"
                  "      user: {forwards: [{guest: !reset, host: 8022}]}\n") ==
        "p.yaml:2:27: error: the key 'id' of an item of 'qemu.drives' cannot carry a tag\n"
        "p.yaml:5:33: error: the key 'guest' of an item of 'qemu.networks[n].user.forwards' cannot "
        "carry a tag\n");
  }

  TEST_CASE("paths are not empty") {
    CHECK(Headlines("qemu: {binary: \"\", kernel: '', drives: [{id: d, file: \"\"}]}\n") ==
          "p.yaml:1:16: error: 'qemu.binary' must not be empty\n"
          "p.yaml:1:28: error: 'qemu.kernel' must not be empty\n"
          "p.yaml:1:55: error: 'qemu.drives[d].file' must not be empty\n");
  }

  TEST_CASE("merge directives stand only where they mean something") {
    CHECK(Headlines("name: !delete x\nqemu: {extra_args: [!reset a]}\n") ==
          "p.yaml:1:15: error: '!delete' removes an item of a keyed list or cmdline; it cannot "
          "stand for 'name'\n"
          "p.yaml:2:28: error: a tag cannot stand on an item of 'qemu.extra_args'\n");
    CHECK(ShapeErrors("qemu: {kvm: !reset whatever, cpus: !override 2}\n") == "");
  }

  TEST_CASE("strings hold no NUL and only valid UTF-8, even through escapes") {
    CHECK(Headlines("name: \"a\\0b\"\n") == "p.yaml:1:7: error: 'name' contains a NUL character\n");
    CHECK(Headlines("cmdline: [\"\\x00\"]\n") ==
          "p.yaml:1:11: error: 'cmdline item' contains a NUL character\n");
  }

  TEST_CASE("overlays are partial profiles that cannot extend or nest") {
    CHECK(Headlines("overlays:\n  kvm: {extends: a.yaml, qemu: {kvm: maybe}}\n  x: 1\n") ==
          "p.yaml:2:9: error: 'extends' cannot be set in an overlay\n"
          "p.yaml:2:38: error: 'qemu.kvm' must be true or false, not 'maybe'\n"
          "p.yaml:3:6: error: 'overlays.x' must be a mapping, not a scalar\n");
  }

  TEST_CASE("variable names are identifiers") {
    CHECK(Headlines("vars: {1x: a, ok_1: b, bad-name: c}\n") ==
          "p.yaml:1:8: error: variable name '1x' must be letters, digits and '_', not starting "
          "with a digit\n"
          "p.yaml:1:24: error: variable name 'bad-name' must be letters, digits and '_', not "
          "starting with a digit\n");
  }
}

}  // namespace
}  // namespace qemuc
