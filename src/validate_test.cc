#include "validate.h"

#include <doctest/doctest.h>

#include "table_walk.h"
#include "test_support.h"

namespace qemuc {
namespace {

using testing::ArgAfter;
using testing::Pipeline;

// A complete profile's qemu mapping, lines 1-4, so that a test's own lines start at line 5.
constexpr const char* kQemu = "qemu:\n  target: x86_64\n  memory: 64\n  kernel: /k\n";

// Whether validation checks completeness: the pipeline skips it for `abstract: true`.
enum class Kind { kComplete, kAbstract };

// What validation alone reports for `text` read as the merged profile /p/a.yaml (or `path`),
// rendered.
std::string Validated(const std::string& text, const std::string& path = "/p/a.yaml",
                      Kind kind = Kind::kComplete) {
  testing::Stages stages;
  const bool ok = stages.Validate({path, text}, kind == Kind::kComplete);
  CHECK(ok == stages.diagnostics.all().empty());
  return stages.Rendered();
}

// The one message validation alone reports for a profile: for tables of values that a rule
// refuses alike.
std::string OnlyMessage(const std::string& text, const std::string& path = "/p/a.yaml") {
  testing::Stages stages;
  CHECK_FALSE(stages.Validate({path, text}));
  REQUIRE_MESSAGE(stages.diagnostics.all().size() == 1, stages.Rendered());
  return stages.diagnostics.all()[0].message;
}

TEST_SUITE("validate") {
  // A visitor that skips missing rows (VisitsMissing) still sees every written one, and the
  // missing rows it asks for, with their paths.
  class PathRecorder : public RowVisitor {
   public:
    bool BeginMapping(const Field&, const Node* mapping, const KeyPath& path) override {
      seen += (mapping != nullptr ? "+" : "-") + path.Text() + " ";
      return mapping != nullptr;
    }
    void EndMapping(const Field&, const Node*, const KeyPath&) override {}
    void Value(const Field&, const Node* value, const KeyPath& path) override {
      seen += (value != nullptr ? "+" : "-") + path.Text() + " ";
    }
    bool VisitsMissing(const Field& row) const override { return row.name == "b"; }
    std::string seen;
  };

  TEST_CASE("the walk skips the missing rows a visitor does not visit") {
    const Field table =
        Field("", FieldType::kMapping, "")
            .Children({Field("a", FieldType::kString, ""), Field("b", FieldType::kString, ""),
                       Field("c", FieldType::kString, ""),
                       Field("m", FieldType::kMapping, "")
                           .Children({Field("b", FieldType::kString, ""),
                                      Field("d", FieldType::kString, "")})});
    testing::ParsedText parsed;
    testing::Parse(parsed, "c: x\nm: {d: y}\n");
    REQUIRE(parsed.root != nullptr);
    PathRecorder recorder;
    WalkRows(*parsed.root, table, recorder);
    CHECK(recorder.seen == "+ -b +c +m -m.b +m.d ");
  }

  TEST_CASE("qemu.cpu: QEMU's MODEL[,FEATURE...], and the host model only under KVM") {
    const std::string base = "qemu:\n  target: aarch64\n  memory: 64\n  kernel: /k\n";
    for (const char* good :
         {"max", "cortex-a72", "Haswell,+smap,-check,-fsgsbase", "max,pmu=off,sve=on", "rv64"}) {
      CAPTURE(good);
      CHECK(Validated(base + "  cpu: \"" + good + "\"\n") == "");
    }
    for (const char* bad : {"max pmu", "max,", ",max", "-max", "max,a=b=c", "max;reboot"}) {
      CAPTURE(bad);
      CHECK(OnlyMessage(base + "  cpu: \"" + bad + "\"\n") ==
            "'qemu.cpu' must be a QEMU CPU model such as max or host, optionally with features "
            "(Haswell,+smap,-check or max,pmu=off), not '" +
                std::string(bad) + "'");
    }
    CHECK(Validated(base + "  cpu: host,pmu=on\n  kvm: true\n") == "");
    CHECK(Validated(base + "  cpu: host\n  kvm: false\n") ==
          "/p/a.yaml:5:8: error: 'qemu.cpu' is host, which QEMU runs only under KVM; set "
          "'qemu.kvm' to true, or use max\n"
          "  cpu: host\n"
          "       ^~~~\n");
    // An abstract base may leave KVM to the boards that extend it.
    CHECK(Validated("qemu: {cpu: host}\n", "/p/a.yaml", Kind::kAbstract) == "");
  }

  TEST_CASE("riscv64 runs under TCG only: kvm: true is an error at kvm, host at cpu") {
    const std::string base = "qemu:\n  target: riscv64\n  memory: 64\n  kernel: /k\n";
    CHECK(Validated(base + "  kvm: false\n  cpu: rv64\n") == "");
    CHECK(Validated(base + "  kvm: true\n") ==
          "/p/a.yaml:5:8: error: 'qemu.kvm' must be false: qemuc runs target riscv64 under TCG "
          "only\n"
          "  kvm: true\n"
          "       ^~~~\n");
    // Without KVM the host model gets no advice to turn KVM on, which riscv64 cannot have.
    CHECK(
        Validated(base + "  cpu: host\n") ==
        "/p/a.yaml:5:8: error: 'qemu.cpu' is host, which QEMU runs only under KVM, and qemuc runs "
        "target riscv64 under TCG only; use rv64 or another model\n"
        "  cpu: host\n"
        "       ^~~~\n");
    // With it, each of the two is wrong on its own, and each error says so.
    testing::Stages both;
    CHECK_FALSE(both.Validate({"/p/a.yaml", base + "  kvm: true\n  cpu: host,zbb=true\n"}));
    REQUIRE(both.diagnostics.all().size() == 2);
    CHECK(FormatLocation(both.diagnostics.all()[0].range) == "/p/a.yaml:5:8");
    CHECK(FormatLocation(both.diagnostics.all()[1].range) == "/p/a.yaml:6:8");
    // An abstract base may leave the target or KVM to the boards that extend it.
    CHECK(Validated(base + "  kvm: true\n  cpu: host\n", "/p/a.yaml", Kind::kAbstract) == "");
  }

  TEST_CASE("kvm: true on riscv64 is an error at kvm, in the file that set it") {
    testing::Stages stages;
    const NodePtr merged =
        stages.Merge({{"/p/base.yaml", "qemu: {target: riscv64, memory: 64, kernel: /k}\n"},
                      {"/p/boards/b.yaml", "qemu: {kvm: true}\n"}});
    REQUIRE(merged != nullptr);
    CHECK_FALSE(ValidateMerged(*merged, true, stages.diagnostics));
    CHECK(stages.Rendered() ==
          "/p/boards/b.yaml:1:13: error: 'qemu.kvm' must be false: qemuc runs target riscv64 "
          "under TCG only\n"
          "qemu: {kvm: true}\n"
          "            ^~~~\n");
  }

  TEST_CASE("qemu.firmware: a device tree only where the target takes one") {
    const std::string aarch64 = "qemu:\n  target: aarch64\n  memory: 64\n  kernel: /k\n";
    CHECK(Validated(aarch64 + "  firmware: {dtb: b.dtb}\n") == "");
    CHECK(Validated(std::string(kQemu) + "  firmware: {dtb: b.dtb}\n") ==
          "/p/a.yaml:5:19: error: 'qemu.firmware.dtb' is a device tree, which the x86_64 target "
          "does not take (aarch64 and riscv64 do)\n"
          "  firmware: {dtb: b.dtb}\n"
          "                  ^~~~~\n"
          "note: the target is set here /p/a.yaml:2:11\n");
    // An abstract base may leave the target to the boards that extend it.
    CHECK(Validated("qemu: {target: x86_64, firmware: {dtb: b.dtb}}\n", "/p/a.yaml",
                    Kind::kAbstract) == "");
  }

  TEST_CASE("qemu.firmware: bios and uefi exclude each other; the later one is the error") {
    CHECK(Validated(std::string(kQemu) + "  firmware:\n    bios: b.bin\n"
                                         "    uefi: {code: c.fd, vars: v.fd}\n") ==
          "/p/a.yaml:7:5: error: 'qemu.firmware.uefi' and 'qemu.firmware.bios' exclude each "
          "other: QEMU starts one firmware\n"
          "    uefi: {code: c.fd, vars: v.fd}\n"
          "    ^~~~\n"
          "note: 'qemu.firmware.bios' is set here /p/a.yaml:6:5\n");
    // Across layers: the board's bios comes after its base's uefi.
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml",
                        "abstract: true\nqemu:\n  firmware:\n"
                        "    uefi: {code: c.fd, vars: v.fd}\n");
    pipeline.reader.Add("/p/a.yaml",
                        "extends: base.yaml\nqemu:\n  target: x86_64\n"
                        "  memory: 64\n  kernel: /k\n  firmware: {bios: b.bin}\n");
    CHECK_FALSE(pipeline.Compile("/p/a.yaml").has_value());
    CHECK(pipeline.Rendered() ==
          "/p/a.yaml:6:14: error: 'qemu.firmware.bios' and 'qemu.firmware.uefi' exclude each "
          "other: QEMU starts one firmware\n"
          "  firmware: {bios: b.bin}\n"
          "             ^~~~\n"
          "note: 'qemu.firmware.uefi' is set here /p/base.yaml:4:5\n"
          "note: a layer replaces an inherited firmware by resetting it: 'uefi: !reset'\n");
  }

  TEST_CASE("qemu.firmware.uefi needs both code and vars; drives take format, readonly, snapshot") {
    CHECK(Validated(std::string(kQemu) + "  firmware:\n    uefi: {code: c.fd}\n") ==
          "/p/a.yaml:6:11: error: missing required key 'qemu.firmware.uefi.vars'\n"
          "    uefi: {code: c.fd}\n"
          "          ^\n");
    CHECK(Validated(std::string(kQemu) +
                    "  drives: [{id: d, file: d.img, format: qcow2, readonly: true, "
                    "snapshot: true}]\n") == "");
  }

  TEST_CASE("required keys are reported at the mapping that lacks them") {
    CHECK(Validated("qemu:\n  cpus: 2\n") ==
          "/p/a.yaml:2:3: error: missing required key 'qemu.target'\n  cpus: 2\n  ^\n"
          "/p/a.yaml:2:3: error: missing required key 'qemu.memory'\n  cpus: 2\n  ^\n"
          "/p/a.yaml:2:3: error: missing required key 'qemu.kernel'\n  cpus: 2\n  ^\n");
  }

  TEST_CASE("the pipeline stops after validation: a profile with a missing key does not compile") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "qemu:\n  cpus: 2\n");
    CHECK_FALSE(pipeline.Compile("/p/a.yaml").has_value());
    CHECK(pipeline.Rendered().find("missing required key 'qemu.target'") != std::string::npos);
  }

  TEST_CASE("a network needs exactly one of user and tap; list items need their required keys") {
    CHECK(
        Validated("qemu:\n  target: x86_64\n  memory: 1\n  kernel: k\n  networks:\n    - {id: n0}\n"
                  "    - {id: n1, user: {}, tap: {name: t}}\n    - {id: n2, tap: {}}\n"
                  "    - {id: n3, user: {forwards: [{guest: 22}]}}\n  drives: [{id: d}]\n") ==
        "/p/a.yaml:6:7: error: network 'n0' needs 'user' or 'tap'\n    - {id: n0}\n      ^\n"
        "/p/a.yaml:7:7: error: network 'n1' sets both 'user' and 'tap'; choose one\n"
        "    - {id: n1, user: {}, tap: {name: t}}\n      ^\n"
        "/p/a.yaml:8:21: error: missing required key 'qemu.networks[n2].tap.name'\n    - {id: "
        "n2, tap: {}}\n"
        "                    ^\n"
        "/p/a.yaml:9:34: error: missing required key 'qemu.networks[n3].user.forwards[22].host'\n"
        "    - {id: n3, user: {forwards: [{guest: 22}]}}\n                                 ^\n"
        "/p/a.yaml:10:12: error: missing required key 'qemu.drives[d].file'\n  drives: [{id: "
        "d}]\n           ^\n");
  }

  TEST_CASE("an abstract profile cannot be compiled but validates") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml", "abstract: true\nqemu: {cpus: 2}\n");
    CHECK_FALSE(pipeline.Compile("/p/base.yaml").has_value());
    CHECK(pipeline.Rendered() ==
          "/p/base.yaml:1:11: error: this profile is abstract (a base or overlay) and cannot be "
          "compiled\n"
          "abstract: true\n          ^~~~\nnote: compile a profile that extends it\n");
    Diagnostics diagnostics;
    CHECK(ValidateProfile(ProfileRequest{"/p/base.yaml", {}, {}, {}}, pipeline.environment,
                          diagnostics));
    CHECK(diagnostics.all().empty());
  }
  TEST_CASE("a profile without qemu misses each of its required keys") {
    CHECK(Validated("name: x\n") ==
          "/p/a.yaml:1:1: error: missing required key 'qemu.target'\nname: x\n^\n"
          "/p/a.yaml:1:1: error: missing required key 'qemu.memory'\nname: x\n^\n"
          "/p/a.yaml:1:1: error: missing required key 'qemu.kernel'\nname: x\n^\n");
  }

  TEST_CASE("an abstract profile is checked for everything but completeness") {
    CHECK(Validated("abstract: true\nqemu:\n  networks: [{id: a}, {id: b, user: {}, tap: {name: "
                    "t}}]\n",
                    "/p/base.yaml", Kind::kAbstract) ==
          "/p/base.yaml:3:23: error: network 'b' sets both 'user' and 'tap'; choose one\n"
          "  networks: [{id: a}, {id: b, user: {}, tap: {name: t}}]\n                      ^\n");
  }

  TEST_CASE("the pipeline validates an abstract profile without completeness") {
    Pipeline pipeline;
    pipeline.reader.Add(
        "/p/base.yaml",
        "abstract: true\nqemu:\n  networks: [{id: a}, {id: b, user: {}, tap: {name: t}}]\n");
    Diagnostics diagnostics;
    CHECK_FALSE(ValidateProfile(ProfileRequest{"/p/base.yaml", {}, {}, {}}, pipeline.environment,
                                diagnostics));
    REQUIRE(diagnostics.all().size() == 1);
    CHECK(diagnostics.all()[0].message == "network 'b' sets both 'user' and 'tap'; choose one");
  }

  TEST_CASE("drive and network ids are QEMU ids: a letter, then letters, digits, '.', '_', '-'") {
    CHECK(
        Validated(std::string(kQemu) +
                  "  drives:\n    - {id: 1blk, file: /d}\n    - {id: a-b.c_d9, file: /d}\n"
                  "    - {id: b\xc3\xa9, file: /d}\n"
                  "  networks:\n    - {id: \"n 0\", tap: {name: t0}}\n"
                  "    - {id: _n, tap: {name: t1}}\n    - {id: N.1-x_y, tap: {name: t2}}\n") ==
        "/p/a.yaml:6:12: error: drive id '1blk' must start with a letter and hold only letters, "
        "digits, '.', '_' and '-' (a QEMU id)\n"
        "    - {id: 1blk, file: /d}\n"
        "           ^~~~\n"
        "/p/a.yaml:8:12: error: drive id 'b\xc3\xa9' must start with a letter and hold only "
        "letters, digits, '.', '_' and '-' (a QEMU id)\n"
        "    - {id: b\xc3\xa9, file: /d}\n"
        "           ^~\n"
        "/p/a.yaml:10:12: error: network id 'n 0' must start with a letter and hold only letters, "
        "digits, '.', '_' and '-' (a QEMU id)\n"
        "    - {id: \"n 0\", tap: {name: t0}}\n"
        "           ^~~~~\n"
        "/p/a.yaml:11:12: error: network id '_n' must start with a letter and hold only letters, "
        "digits, '.', '_' and '-' (a QEMU id)\n"
        "    - {id: _n, tap: {name: t1}}\n"
        "           ^~\n");
  }

  TEST_CASE("a drive and a network may share an id: QEMU keeps -drive and -netdev ids apart") {
    // Within one list ids are unique by construction: items with the same id are merged.
    CHECK(Validated(std::string(kQemu) +
                    "  drives: [{id: net0, file: /d}]\n  networks: [{id: net0, tap: {name: t0}}]\n")
              .empty());
  }

  TEST_CASE("a MAC address is six hex octets separated by ':', unicast and not all zeros") {
    CHECK(
        Validated(std::string(kQemu) +
                  "  networks:\n"
                  "    - {id: n0, mac: \"52:54:00:12:34\", tap: {name: t0}}\n"
                  "    - {id: n1, mac: \"52-54-00-12-34-56\", tap: {name: t1}}\n"
                  "    - {id: n2, mac: \"01:00:5e:00:00:01\", tap: {name: t2}}\n"
                  "    - {id: n3, mac: \"ff:ff:ff:ff:ff:ff\", tap: {name: t3}}\n"
                  "    - {id: n4, mac: \"00:00:00:00:00:00\", tap: {name: t4}}\n"
                  "    - {id: n5, mac: \"02:00:00:00:00:01\", tap: {name: t5}}\n"
                  "    - {id: n6, mac: \"52:54:00:AB:cd:EF\", tap: {name: t6}}\n"
                  "    - {id: n7, mac: \"52:54:00:12:34:5g\", tap: {name: t7}}\n") ==
        "/p/a.yaml:6:21: error: 'qemu.networks[n0].mac' must be six hexadecimal octets separated "
        "by ':', such as 52:54:00:12:34:56, not '52:54:00:12:34'\n"
        "    - {id: n0, mac: \"52:54:00:12:34\", tap: {name: t0}}\n"
        "                    ^~~~~~~~~~~~~~~~\n"
        "/p/a.yaml:7:21: error: 'qemu.networks[n1].mac' must be six hexadecimal octets separated "
        "by ':', such as 52:54:00:12:34:56, not '52-54-00-12-34-56'\n"
        "    - {id: n1, mac: \"52-54-00-12-34-56\", tap: {name: t1}}\n"
        "                    ^~~~~~~~~~~~~~~~~~~\n"
        "/p/a.yaml:8:21: error: 'qemu.networks[n2].mac' must be a unicast address, not the "
        "multicast 01:00:5e:00:00:01 (its first octet is odd)\n"
        "    - {id: n2, mac: \"01:00:5e:00:00:01\", tap: {name: t2}}\n"
        "                    ^~~~~~~~~~~~~~~~~~~\n"
        "/p/a.yaml:9:21: error: 'qemu.networks[n3].mac' must be a unicast address, not the "
        "multicast ff:ff:ff:ff:ff:ff (its first octet is odd)\n"
        "    - {id: n3, mac: \"ff:ff:ff:ff:ff:ff\", tap: {name: t3}}\n"
        "                    ^~~~~~~~~~~~~~~~~~~\n"
        "/p/a.yaml:10:21: error: 'qemu.networks[n4].mac' must not be 00:00:00:00:00:00, which is "
        "no device's address\n"
        "    - {id: n4, mac: \"00:00:00:00:00:00\", tap: {name: t4}}\n"
        "                    ^~~~~~~~~~~~~~~~~~~\n"
        "/p/a.yaml:13:21: error: 'qemu.networks[n7].mac' must be six hexadecimal octets separated "
        "by ':', such as 52:54:00:12:34:56, not '52:54:00:12:34:5g'\n"
        "    - {id: n7, mac: \"52:54:00:12:34:5g\", tap: {name: t7}}\n"
        "                    ^~~~~~~~~~~~~~~~~~~\n");
  }

  TEST_CASE("host, dns, dhcp_start and host_address are IPv4 addresses in four decimal octets") {
    CHECK(Validated(std::string(kQemu) +
                    "  networks:\n    - id: n0\n      user:\n        host: 10.0.2\n"
                    "        dns: 10.0.2.256\n        dhcp_start: 10.0.2.015\n        forwards:\n"
                    "          - {guest: 22, host: 8022, host_address: localhost}\n"
                    "          - {guest: 23, host: 8023, host_address: 0.0.0.0}\n"
                    "          - {guest: 24, host: 8024, host_address: \" 127.0.0.1\"}\n") ==
          "/p/a.yaml:8:15: error: 'qemu.networks[n0].user.host' must be an IPv4 address such as "
          "10.0.2.2, not '10.0.2'\n"
          "        host: 10.0.2\n"
          "              ^~~~~~\n"
          "/p/a.yaml:9:14: error: 'qemu.networks[n0].user.dns' must be an IPv4 address such as "
          "10.0.2.3, not '10.0.2.256'\n"
          "        dns: 10.0.2.256\n"
          "             ^~~~~~~~~~\n"
          "/p/a.yaml:10:21: error: 'qemu.networks[n0].user.dhcp_start' must be an IPv4 address "
          "such as 10.0.2.15, not '10.0.2.015' (no leading zeros: QEMU reads 010 as octal 8)\n"
          "        dhcp_start: 10.0.2.015\n"
          "                    ^~~~~~~~~~\n"
          "/p/a.yaml:12:51: error: 'qemu.networks[n0].user.forwards[22].host_address' must be an "
          "IPv4 address such as 127.0.0.1, not 'localhost'\n"
          "          - {guest: 22, host: 8022, host_address: localhost}\n"
          "                                                  ^~~~~~~~~\n"
          "/p/a.yaml:14:51: error: 'qemu.networks[n0].user.forwards[24].host_address' must be an "
          "IPv4 address such as 127.0.0.1, not ' 127.0.0.1'\n"
          "          - {guest: 24, host: 8024, host_address: \" 127.0.0.1\"}\n"
          "                                                  ^~~~~~~~~~~~\n");
    for (const char* refused :
         {"1.2.3.4.5", "1..2.3", "1.2.3.", "+1.2.3.4", "1.2.3.4 ", "", "0x7f.0.0.1"}) {
      CAPTURE(refused);
      CHECK(OnlyMessage(std::string(kQemu) +
                        "  networks: [{id: n0, user: {forwards: [{guest: 1, host: 2, "
                        "host_address: \"" +
                        refused + "\"}]}}]\n") ==
            "'qemu.networks[n0].user.forwards[1].host_address' must be an IPv4 address such as "
            "127.0.0.1, not '" +
                std::string(refused) + "'");
    }
  }

  TEST_CASE("a name taken from the file name follows the name rule too") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/my board.yaml", kQemu);
    CHECK_FALSE(pipeline.Compile("/p/my board.yaml").has_value());
    CHECK(pipeline.Rendered() ==
          "/p/my board.yaml: error: the profile is named 'my board' after its file, which is not a "
          "valid name (letters, digits, '.', '_' and '-', not starting with a punctuation mark)\n"
          "note: set 'name:' in the profile, or rename the file\n");
    pipeline.reader.Add("/p/named.yaml", std::string("name: my-vm\n") + kQemu);
    CHECK(pipeline.Compile("/p/named.yaml").has_value());
  }

  TEST_CASE("a host port may be shared by tcp and udp, or by two distinct addresses") {
    CHECK(Validated(std::string(kQemu) +
                    "  networks:\n    - id: n\n      user:\n        forwards:\n"
                    "          - {host: 5353, guest: 53}\n"
                    "          - {host: 5353, guest: 5353, protocol: udp}\n"
                    "          - {host: 8022, guest: 22, host_address: 127.0.0.1}\n"
                    "          - {host: 8022, guest: 23, host_address: 127.0.0.2}\n"
                    "          - {host: 8022, guest: 24}\n") ==
          "/p/a.yaml:13:20: error: duplicate host port 8022\n"
          "          - {host: 8022, guest: 24}\n                   ^~~~\n"
          "note: first used at /p/a.yaml:11:20\n");
  }

  TEST_CASE("a user network is IPv4 in CIDR form with a prefix QEMU takes (4 to 32)") {
    CHECK(Validated(std::string(kQemu) +
                    "  networks:\n    - {id: n0, user: {network: 10.0.2.0}}\n"
                    "    - {id: n1, user: {network: 010.0.2.0/24}}\n"
                    "    - {id: n2, user: {network: 0.0.0.0/3}}\n"
                    "    - {id: n3, user: {network: 10.0.2.0/30}}\n"
                    "    - {id: n4, user: {network: 10.0.2.15/24}}\n"
                    "    - {id: n5, user: {network: 16.0.0.0/4}}\n"
                    "    - {id: n6, user: {network: 10.0.2.0/29}}\n"
                    "    - {id: n7, user: {network: 10.0.0.0/8}}\n"
                    "    - {id: n8, user: {network: 10.9.0.0/30, host: 10.9.0.1, "
                    "dns: 10.9.0.2, dhcp_start: 10.9.0.3}}\n") ==
          "/p/a.yaml:6:32: error: 'qemu.networks[n0].user.network' must be an IPv4 network in CIDR "
          "form such as 10.0.2.0/24, not '10.0.2.0'\n"
          "    - {id: n0, user: {network: 10.0.2.0}}\n"
          "                               ^~~~~~~~\n"
          "/p/a.yaml:7:32: error: 'qemu.networks[n1].user.network' must be an IPv4 network in CIDR "
          "form such as 10.0.2.0/24, not '010.0.2.0/24' (no leading zeros: QEMU reads 010 as octal "
          "8)\n"
          "    - {id: n1, user: {network: 010.0.2.0/24}}\n"
          "                               ^~~~~~~~~~~~\n"
          "/p/a.yaml:8:32: error: 'qemu.networks[n2].user.network' must have a prefix length "
          "between 4 and 32, not 3\n"
          "    - {id: n2, user: {network: 0.0.0.0/3}}\n"
          "                               ^~~~~~~~~\n"
          "note: QEMU refuses any other netmask\n"
          // Host bits are masked away, as QEMU does (n4); a /30 works once the addresses are set
          // (n8).
          "/p/a.yaml:9:32: error: 'qemu.networks[n3].user.network' is too small for QEMU's default "
          "DNS address and DHCP start address, which would both be 10.0.2.3\n"
          "    - {id: n3, user: {network: 10.0.2.0/30}}\n"
          "                               ^~~~~~~~~~~\n"
          "note: set 'dns' and 'dhcp_start' to distinct addresses\n");
    for (const char* refused : {"10.0.2.0/24/1", "10.0.2.0/024", "10.0.2.0/33", "10.0.2.0/", "/24",
                                "10.0.2/24", "10.0.2.0/255.255.255.0"}) {
      CAPTURE(refused);
      CHECK(OnlyMessage(std::string(kQemu) + "  networks: [{id: n0, user: {network: \"" + refused +
                        "\"}}]\n") ==
            "'qemu.networks[n0].user.network' must be an IPv4 network in CIDR form such as "
            "10.0.2.0/24, not '" +
                std::string(refused) + "'");
    }
  }

  TEST_CASE("host, dns and dhcp_start lie inside the network, with a note at the network") {
    CHECK(Validated(std::string(kQemu) +
                    "  networks:\n    - id: n0\n      user:\n        network: 192.168.7.0/24\n"
                    "        host: 192.168.8.2\n        dns: 10.0.2.3\n"
                    "        dhcp_start: 192.168.7.255\n") ==
          "/p/a.yaml:9:15: error: 'qemu.networks[n0].user.host' must be inside the network "
          "192.168.7.0/24, not 192.168.8.2\n"
          "        host: 192.168.8.2\n"
          "              ^~~~~~~~~~~\n"
          "note: the network is set at /p/a.yaml:8:18\n"
          "/p/a.yaml:10:14: error: 'qemu.networks[n0].user.dns' must be inside the network "
          "192.168.7.0/24, not 10.0.2.3\n"
          "        dns: 10.0.2.3\n"
          "             ^~~~~~~~\n"
          "note: the network is set at /p/a.yaml:8:18\n");
  }

  TEST_CASE("without a network, they lie inside QEMU's default 10.0.2.0/24, and a note says so") {
    CHECK(Validated(std::string(kQemu) +
                    "  networks:\n    - id: n0\n      user:\n        host: 192.168.7.2\n"
                    "        dns: 10.0.3.3\n        dhcp_start: 10.0.2.100\n") ==
          "/p/a.yaml:8:15: error: 'qemu.networks[n0].user.host' must be inside QEMU's default "
          "network 10.0.2.0/24, not 192.168.7.2\n"
          "        host: 192.168.7.2\n"
          "              ^~~~~~~~~~~\n"
          "note: 'qemu.networks[n0].user.network' is not set, so QEMU uses 10.0.2.0/24\n"
          "/p/a.yaml:9:14: error: 'qemu.networks[n0].user.dns' must be inside QEMU's default "
          "network 10.0.2.0/24, not 10.0.3.3\n"
          "        dns: 10.0.3.3\n"
          "             ^~~~~~~~\n"
          "note: 'qemu.networks[n0].user.network' is not set, so QEMU uses 10.0.2.0/24\n");
  }

  TEST_CASE("host, dns and dhcp_start differ from each other, QEMU's defaults included") {
    CHECK(Validated(
              std::string(kQemu) +
              "  networks:\n    - {id: n0, user: {dns: 10.0.2.2}}\n"
              "    - {id: n1, user: {host: 10.0.2.15}}\n"
              "    - {id: n2, user: {host: 10.0.2.9, dns: 10.0.2.9, dhcp_start: 10.0.2.9}}\n"
              "    - {id: n3, user: {network: 192.168.0.0/16, dhcp_start: 192.168.2.3}}\n"
              "    - {id: n4, user: {network: 10.0.0.0/29, dhcp_start: 10.0.0.3}}\n"
              "    - {id: n5, user: {host: 10.0.2.3, dns: 10.0.2.2, dhcp_start: 10.0.2.4}}\n") ==
          "/p/a.yaml:6:28: error: 'qemu.networks[n0].user.dns' must differ from the host address "
          "10.0.2.2\n"
          "    - {id: n0, user: {dns: 10.0.2.2}}\n"
          "                           ^~~~~~~~\n"
          "note: 'host' is not set, and QEMU's default host address in 10.0.2.0/24 is 10.0.2.2\n"
          "/p/a.yaml:7:29: error: 'qemu.networks[n1].user.host' must differ from the DHCP start "
          "address 10.0.2.15\n"
          "    - {id: n1, user: {host: 10.0.2.15}}\n"
          "                            ^~~~~~~~~\n"
          "note: 'dhcp_start' is not set, and QEMU's default DHCP start address in 10.0.2.0/24 is "
          "10.0.2.15\n"
          "/p/a.yaml:8:44: error: 'qemu.networks[n2].user.dns' must differ from the host address "
          "10.0.2.9\n"
          "    - {id: n2, user: {host: 10.0.2.9, dns: 10.0.2.9, dhcp_start: 10.0.2.9}}\n"
          "                                           ^~~~~~~~\n"
          "note: the host address is set at /p/a.yaml:8:29\n"
          "/p/a.yaml:8:66: error: 'qemu.networks[n2].user.dhcp_start' must differ from the host "
          "address 10.0.2.9\n"
          "    - {id: n2, user: {host: 10.0.2.9, dns: 10.0.2.9, dhcp_start: 10.0.2.9}}\n"
          "                                                                 ^~~~~~~~\n"
          "note: the host address is set at /p/a.yaml:8:29\n"
          "/p/a.yaml:9:60: error: 'qemu.networks[n3].user.dhcp_start' must differ from the DNS "
          "address 192.168.2.3\n"
          "    - {id: n3, user: {network: 192.168.0.0/16, dhcp_start: 192.168.2.3}}\n"
          "                                                           ^~~~~~~~~~~\n"
          "note: 'dns' is not set, and QEMU's default DNS address in 192.168.0.0/16 is "
          "192.168.2.3\n"
          "/p/a.yaml:10:57: error: 'qemu.networks[n4].user.dhcp_start' must differ from the DNS "
          "address 10.0.0.3\n"
          "    - {id: n4, user: {network: 10.0.0.0/29, dhcp_start: 10.0.0.3}}\n"
          "                                                        ^~~~~~~~\n"
          "note: 'dns' is not set, and QEMU's default DNS address in 10.0.0.0/29 is 10.0.0.3\n");
  }

  TEST_CASE("a tap name is 1 to 15 bytes without '/', ':', ',' or whitespace") {
    CHECK(Validated(std::string(kQemu) +
                    "  networks:\n    - {id: n0, tap: {name: \"\"}}\n"
                    "    - {id: n1, tap: {name: qemu-tap-device0}}\n"
                    "    - {id: n2, tap: {name: qemu-tap-devic0}}\n"
                    "    - {id: n3, tap: {name: tap/0}}\n"
                    "    - {id: n4, tap: {name: \"tap\\t0\"}}\n"
                    "    - {id: n5, tap: {name: \"..\"}}\n"
                    "    - {id: n6, tap: {name: \"tap%d\"}}\n"
                    "    - {id: n7, tap: {name: \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                    "\xc3\xa9\xc3\xa9\"}}\n") ==
          "/p/a.yaml:6:28: error: 'qemu.networks[n0].tap.name' must not be empty\n"
          "    - {id: n0, tap: {name: \"\"}}\n"
          "                           ^~\n"
          "/p/a.yaml:7:28: error: 'qemu.networks[n1].tap.name' must be at most 15 bytes (a Linux "
          "interface name), not 16\n"
          "    - {id: n1, tap: {name: qemu-tap-device0}}\n"
          "                           ^~~~~~~~~~~~~~~~\n"
          "/p/a.yaml:9:28: error: 'qemu.networks[n3].tap.name' must not contain '/' (a Linux "
          "interface name has no '/', ':' or whitespace, and QEMU's ifname= no ',')\n"
          "    - {id: n3, tap: {name: tap/0}}\n"
          "                           ^~~~~\n"
          "/p/a.yaml:10:28: error: 'qemu.networks[n4].tap.name' must not contain a tab (a Linux "
          "interface name has no '/', ':' or whitespace, and QEMU's ifname= no ',')\n"
          "    - {id: n4, tap: {name: \"tap\\t0\"}}\n"
          "                           ^~~~~~~~\n"
          "/p/a.yaml:11:28: error: 'qemu.networks[n5].tap.name' must not be '..' (Linux refuses "
          "it)\n"
          "    - {id: n5, tap: {name: \"..\"}}\n"
          "                           ^~~~\n"
          "/p/a.yaml:13:28: error: 'qemu.networks[n7].tap.name' must be at most 15 bytes (a Linux "
          "interface name), not 16\n"
          "    - {id: n7, tap: {name: \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
          "\xc3\xa9\"}}\n"
          "                           ^~~~~~~~~~\n");
    const std::string kWhy =
        " (a Linux interface name has no '/', ':' or whitespace, and QEMU's ifname= no ',')";
    for (const auto& [name, what] :
         std::vector<std::pair<std::string, std::string>>{{"tap,0", "','"},
                                                          {"tap:0", "':'"},
                                                          {"tap 0", "a space"},
                                                          {"tap\\n0", "a newline"},
                                                          {"tap\\v", "the control character \\x0b"},
                                                          {".", ""}}) {
      const std::string& tap_name = name;  // clang 14 cannot capture a structured binding
      CAPTURE(tap_name);
      const std::string expected =
          what.empty() ? "'qemu.networks[n0].tap.name' must not be '.' (Linux refuses it)"
                       : "'qemu.networks[n0].tap.name' must not contain " + what + kWhy;
      CHECK(OnlyMessage(std::string(kQemu) + "  networks: [{id: n0, tap: {name: \"" + name +
                        "\"}}]\n") == expected);
    }
  }

  TEST_CASE("name is a letter or digit, then letters, digits, '.', '_' and '-'") {
    CHECK(Validated("name: \"my board\"\n" + std::string(kQemu)) ==
          "/p/a.yaml:1:7: error: 'name' must start with a letter or digit and hold only letters, "
          "digits, '.', '_' and '-', not 'my board'\n"
          "name: \"my board\"\n"
          "      ^~~~~~~~~~\n");
    CHECK(OnlyMessage("name: -board\n" + std::string(kQemu)) ==
          "'name' must start with a letter or digit and hold only letters, digits, '.', '_' and "
          "'-', not '-board'");
    CHECK(OnlyMessage("name: b/c\n" + std::string(kQemu)) ==
          "'name' must start with a letter or digit and hold only letters, digits, '.', '_' and "
          "'-', not 'b/c'");
    CHECK(Validated("name: 9board.v2_1-x\n" + std::string(kQemu)).empty());
  }

  TEST_CASE("initrd holds no ',', nor does the directory a relative initrd resolves against") {
    CHECK(Validated(std::string(kQemu) +
                    "  initrd: a,b.zbi\n  drives: [{id: d, file: \"a,b.img\"}]\n") ==
          "/p/a.yaml:5:11: error: 'qemu.initrd' must not contain ',' (QEMU's multiboot loader "
          "splits the initrd at commas)\n"
          "  initrd: a,b.zbi\n"
          "          ^~~~~~~\n");
    CHECK(Validated(std::string(kQemu) + "  initrd: rd.zbi\n  drives: [{id: d, file: d.img}]\n",
                    "/p,q/a.yaml") ==
          "/p,q/a.yaml:5:11: error: 'qemu.initrd' is relative, and the directory it resolves "
          "against contains ',' (QEMU's multiboot loader splits the initrd at commas)\n"
          "  initrd: rd.zbi\n"
          "          ^~~~~~\n"
          "note: write an absolute path, or move the file that sets it\n");
    // Absolute, or leaving the directory with "..", the path does not hold the comma.
    CHECK(Validated(std::string(kQemu) + "  initrd: ../rd.zbi\n", "/p,q/a.yaml").empty());
  }

  TEST_CASE("no path holds a newline or another control character") {
    CHECK(Validated("qemu:\n  target: x86_64\n  memory: 64\n  kernel: \"/out/kernel\\n.bin\"\n"
                    "  initrd: \"/out/rd\\r\"\n  binary: \"qemu\\n\"\n  drives:\n"
                    "    - {id: d0, file: \"/d\\t0\"}\n    - {id: d1, file: \"/d\\x1b[31m\"}\n"
                    "    - {id: d2, file: \"/d\\x7f\"}\n") ==
          "/p/a.yaml:4:11: error: 'qemu.kernel' must not contain a newline\n"
          "  kernel: \"/out/kernel\\n.bin\"\n"
          "          ^~~~~~~~~~~~~~~~~~~\n"
          "/p/a.yaml:5:11: error: 'qemu.initrd' must not contain a carriage return\n"
          "  initrd: \"/out/rd\\r\"\n"
          "          ^~~~~~~~~~~\n"
          "/p/a.yaml:6:11: error: 'qemu.binary' must not contain a newline\n"
          "  binary: \"qemu\\n\"\n"
          "          ^~~~~~~~\n"
          "/p/a.yaml:8:22: error: 'qemu.drives[d0].file' must not contain a tab\n"
          "    - {id: d0, file: \"/d\\t0\"}\n"
          "                     ^~~~~~~\n"
          "/p/a.yaml:9:22: error: 'qemu.drives[d1].file' must not contain the control character "
          "\\x1b\n"
          "    - {id: d1, file: \"/d\\x1b[31m\"}\n"
          "                     ^~~~~~~~~~~~\n"
          "/p/a.yaml:10:22: error: 'qemu.drives[d2].file' must not contain the control character "
          "\\x7f\n"
          "    - {id: d2, file: \"/d\\x7f\"}\n"
          "                     ^~~~~~~~\n");
    CHECK(Validated(std::string(kQemu) + "  binary: qemu\n", "/p\nq/a.yaml").empty());  // bare
    CHECK(OnlyMessage(std::string(kQemu) + "  binary: ./qemu\n", "/p\nq/a.yaml") ==
          "'qemu.binary' is relative, and the directory it resolves against contains a newline");
  }

  TEST_CASE("a share's tag is a QEMU id of at most 31 bytes, once per profile; path required") {
    const std::string tag31 = "t" + std::string(30, 'x');
    CHECK(Validated(std::string(kQemu) + "  shares:\n    - {tag: " + tag31 +
                    ", path: /a}\n    - {tag: a-b.c_D9, path: /b, readonly: true}\n")
              .empty());
    CHECK(Validated(std::string(kQemu) + "  shares:\n    - {tag: 1src, path: /a}\n" +
                    "    - {tag: " + tag31 + "y, path: /b}\n    - {tag: nopath}\n") ==
          "/p/a.yaml:6:13: error: share tag '1src' must start with a letter and hold only "
          "letters, digits, '.', '_' and '-' (a QEMU id)\n"
          "    - {tag: 1src, path: /a}\n"
          "            ^~~~\n"
          "/p/a.yaml:7:13: error: share tag '" +
              tag31 +
              "y' is 32 bytes; QEMU takes a 9p mount tag of at most 31\n"
              "    - {tag: " +
              tag31 +
              "y, path: /b}\n"
              "            ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
              "/p/a.yaml:8:7: error: missing required key 'qemu.shares[nopath].path'\n"
              "    - {tag: nopath}\n"
              "      ^\n");
  }

  TEST_CASE("a second share with a tag is an error in one file; across layers it merges") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml", std::string("abstract: true\n") + kQemu +
                                            "  shares: [{tag: src, path: /a, readonly: true}]\n");
    pipeline.reader.Add("/p/a.yaml",
                        "extends: base.yaml\nqemu:\n  shares: [{tag: src, path: /b}]\n");
    const std::optional<Invocation> merged = pipeline.Compile("/p/a.yaml");
    REQUIRE_MESSAGE(merged.has_value(), pipeline.Rendered());
    REQUIRE(merged->config.shares.size() == 1);
    CHECK(merged->config.shares[0].path == "/b");
    CHECK(merged->config.shares[0].readonly);  // merged key by key
    pipeline.reader.Add("/p/twice.yaml", std::string(kQemu) +
                                             "  shares:\n    - {tag: src, path: /a}\n"
                                             "    - {tag: src, path: /b}\n");
    CHECK_FALSE(pipeline.Compile("/p/twice.yaml").has_value());
    CHECK(pipeline.Rendered() ==
          "/p/twice.yaml:7:13: error: duplicate tag 'src' in 'qemu.shares'\n"
          "    - {tag: src, path: /b}\n"
          "            ^~~\n"
          "note: first used at /p/twice.yaml:6:13\n");
  }

  TEST_CASE("qmp fits a unix socket: at most 107 bytes once resolved against its file") {
    // /p/a.yaml resolves "run/..." to "/p/run/...": 7 bytes more than written.
    const std::string fits = "run/" + std::string(100, 's');  // 107 bytes resolved
    CHECK(Validated(std::string(kQemu) + "  qmp: " + fits + "\n").empty());
    CHECK(Validated(std::string(kQemu) + "  qmp: /" + std::string(106, 's') + "\n").empty());
    CHECK(Validated(std::string(kQemu) + "  qmp: " + fits + "x\n") ==
          "/p/a.yaml:5:8: error: 'qemu.qmp' is 108 bytes as an absolute path; a unix socket's "
          "path holds at most 107\n"
          "  qmp: " +
              fits + "x\n" + "       ^" + std::string(104, '~') + "\n" +
              "note: the absolute path: /p/" + fits + "x\n");
    CHECK(OnlyMessage(std::string(kQemu) + "  qmp: \"/run/q\\n\"\n") ==
          "'qemu.qmp' must not contain a newline");
    CHECK(OnlyMessage(std::string(kQemu) + "  serial_log: \"/log\\t\"\n") ==
          "'qemu.serial_log' must not contain a tab");
    CHECK(OnlyMessage(std::string(kQemu) + "  shares: [{tag: s, path: \"/s\\r\"}]\n") ==
          "'qemu.shares[s].path' must not contain a carriage return");
  }

  TEST_CASE("qmp holds no '=', nor does the directory a relative qmp resolves against") {
    // QEMU 7.2 reads `-qmp unix:/run/a=b/q.sock,...` as the key "/run/a": "Invalid parameter".
    CHECK(Validated(std::string(kQemu) + "  qmp: \"/run/a=b/q.sock\"\n") ==
          "/p/a.yaml:5:8: error: 'qemu.qmp' must not contain '=' (QEMU's -qmp unix: would read "
          "the path as key=value)\n"
          "  qmp: \"/run/a=b/q.sock\"\n"
          "       ^~~~~~~~~~~~~~~~~\n");
    CHECK(Validated(std::string(kQemu) + "  qmp: q.sock\n", "/p=q/a.yaml") ==
          "/p=q/a.yaml:5:8: error: 'qemu.qmp' is relative, and the directory it resolves against "
          "contains '=' (QEMU's -qmp unix: would read the path as key=value)\n"
          "  qmp: q.sock\n"
          "       ^~~~~~\n"
          "note: write an absolute path, or move the file that sets it\n");
    CHECK(Validated(std::string(kQemu) + "  qmp: \"/run/a,b/q.sock\"\n").empty());
    // Other paths take '=' (they are raw, or follow an explicit key such as logfile=).
    CHECK(Validated(std::string(kQemu) + "  serial_log: /a=b/log\n  qmp: q.sock\n").empty());
  }

  // CheckPath resolves only when the file's path holds a refused character; these pin what the
  // resolved path then decides.
  TEST_CASE("a refused character of the file's path counts only if the resolved path keeps it") {
    CHECK(Validated(std::string(kQemu) + "  qmp: q.sock\n", "/p/a=b.yaml").empty());  // the name
    CHECK(Validated(std::string(kQemu) + "  qmp: ../q.sock\n", "/p=q/a.yaml").empty());
    CHECK(Validated(std::string(kQemu) + "  qmp: /run/q.sock\n", "/p=q/a.yaml").empty());
    CHECK(Validated(std::string(kQemu) + "  initrd: rd\n", "/p,q/a,b.yaml") ==
          "/p,q/a,b.yaml:5:11: error: 'qemu.initrd' is relative, and the directory it resolves "
          "against contains ',' (QEMU's multiboot loader splits the initrd at commas)\n"
          "  initrd: rd\n"
          "          ^~\n"
          "note: write an absolute path, or move the file that sets it\n");
    CHECK(Validated(std::string(kQemu) + "  initrd: ../rd\n", "/p,q/a,b.yaml").empty());
  }

  TEST_CASE("a PCI address is slot[.function] in hex; one address is one however written") {
    CHECK(Validated(std::string(kQemu) + "  drives:\n    - {id: d0, file: /d, addr: \"20.0\"}\n"
                                         "    - {id: d1, file: /d, addr: \"1f.8\"}\n"
                                         "    - {id: d2, file: /d, addr: \"1f.7\"}\n"
                                         "    - {id: d3, file: /d, addr: \"1\"}\n"
                                         "    - {id: d4, file: /d, addr: \"1F.6\"}\n"
                                         "    - {id: d5, file: /d, addr: \"05.0\"}\n"
                                         "    - {id: d6, file: /d, addr: \"5\"}\n"
                                         "    - {id: d7, file: /d, addr: \"05.0\"}\n") ==
          "/p/a.yaml:6:32: error: 'qemu.drives[d0].addr' must be a PCI address slot[.function] in "
          "hex, slot 00 to 1f and function 0 to 7 (such as 05.0), not '20.0'\n"
          "    - {id: d0, file: /d, addr: \"20.0\"}\n"
          "                               ^~~~~~\n"
          "/p/a.yaml:7:32: error: 'qemu.drives[d1].addr' must be a PCI address slot[.function] in "
          "hex, slot 00 to 1f and function 0 to 7 (such as 05.0), not '1f.8'\n"
          "    - {id: d1, file: /d, addr: \"1f.8\"}\n"
          "                               ^~~~~~\n"
          "/p/a.yaml:12:32: error: duplicate PCI address 5 (the same as 05.0)\n"
          "    - {id: d6, file: /d, addr: \"5\"}\n"
          "                               ^~~\n"
          "note: first used at /p/a.yaml:11:32\n"
          "/p/a.yaml:13:32: error: duplicate PCI address 05.0\n"
          "    - {id: d7, file: /d, addr: \"05.0\"}\n"
          "                               ^~~~~~\n"
          "note: first used at /p/a.yaml:11:32\n");
    for (const char* slot_zero : {"0", "00.0", "0.7"}) {
      CAPTURE(slot_zero);
      CHECK(OnlyMessage(std::string(kQemu) + "  drives: [{id: d0, file: /d, addr: \"" + slot_zero +
                        "\"}]\n") ==
            "'qemu.drives[d0].addr' must not be in slot 00, which holds the PCI host bridge");
    }
    for (const char* refused : {"05.", ".0", "005.0", "0x5", "5.0.0", "g.0", "05.00", "", " 5"}) {
      CAPTURE(refused);
      CHECK(OnlyMessage(std::string(kQemu) + "  drives: [{id: d0, file: /d, addr: \"" + refused +
                        "\"}]\n") ==
            "'qemu.drives[d0].addr' must be a PCI address slot[.function] in hex, slot 00 to 1f "
            "and function 0 to 7 (such as 05.0), not '" +
                std::string(refused) + "'");
    }
  }

  TEST_CASE("host ports and PCI addresses are unique across networks, drives and layers") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml",
                        "abstract: true\nqemu:\n  drives: [{id: d0, file: /d, addr: \"05.0\"}]\n"
                        "  networks: [{id: n0, user: {forwards: [{guest: 22, host: 8022}]}}]\n");
    pipeline.reader.Add("/p/a.yaml",
                        "extends: base.yaml\n" + std::string(kQemu) +
                            "  drives: [{id: d1, file: /d, addr: \"05\"}]\n"
                            "  networks:\n"
                            "    - {id: n1, user: {forwards: [{guest: 22, host: 8022}]}}\n"
                            "    - {id: n2, user: {forwards: [{guest: 80, host: 8022}]}}\n");
    CHECK_FALSE(ValidateProfile(ProfileRequest{"/p/a.yaml", {}, {}, {}}, pipeline.environment,
                                pipeline.diagnostics));
    CHECK(pipeline.Rendered() ==
          "/p/a.yaml:6:37: error: duplicate PCI address 05 (the same as 05.0)\n"
          "  drives: [{id: d1, file: /d, addr: \"05\"}]\n"
          "                                    ^~~~\n"
          "note: first used at /p/base.yaml:3:37\n"
          "/p/a.yaml:8:52: error: duplicate host port 8022\n"
          "    - {id: n1, user: {forwards: [{guest: 22, host: 8022}]}}\n"
          "                                                   ^~~~\n"
          "note: first used at /p/base.yaml:4:59\n"
          "/p/a.yaml:9:52: error: duplicate host port 8022\n"
          "    - {id: n2, user: {forwards: [{guest: 80, host: 8022}]}}\n"
          "                                                   ^~~~\n"
          "note: first used at /p/base.yaml:4:59\n");
  }

  TEST_CASE("an abstract profile gets every rule but completeness and QEMU's defaults") {
    // A profile that extends it may still set the network, host, DNS or DHCP start, so values
    // are checked against what the abstract profile itself sets, never against a default.
    CHECK(Validated("abstract: true\nqemu:\n  networks:\n"
                    "    - {id: 0n, mac: \"03:00:00:00:00:01\", user: {dns: 192.168.1.3}}\n"
                    "    - {id: n1, user: {network: 10.0.2.0/24, host: 10.0.3.2}}\n"
                    "    - {id: n2, user: {host: 10.0.2.9, dns: 10.0.2.9}}\n"
                    "    - {id: n3, user: {dns: 10.0.2.2, dhcp_start: 10.0.2.3}}\n"
                    "  drives: [{id: d0, addr: \"40\"}]\n",
                    "/p/a.yaml", Kind::kAbstract) ==
          "/p/a.yaml:4:12: error: network id '0n' must start with a letter and hold only letters, "
          "digits, '.', '_' and '-' (a QEMU id)\n"
          "    - {id: 0n, mac: \"03:00:00:00:00:01\", user: {dns: 192.168.1.3}}\n"
          "           ^~\n"
          "/p/a.yaml:4:21: error: 'qemu.networks[0n].mac' must be a unicast address, not the "
          "multicast 03:00:00:00:00:01 (its first octet is odd)\n"
          "    - {id: 0n, mac: \"03:00:00:00:00:01\", user: {dns: 192.168.1.3}}\n"
          "                    ^~~~~~~~~~~~~~~~~~~\n"
          "/p/a.yaml:5:51: error: 'qemu.networks[n1].user.host' must be inside the network "
          "10.0.2.0/24, not 10.0.3.2\n"
          "    - {id: n1, user: {network: 10.0.2.0/24, host: 10.0.3.2}}\n"
          "                                                  ^~~~~~~~\n"
          "note: the network is set at /p/a.yaml:5:32\n"
          "/p/a.yaml:6:44: error: 'qemu.networks[n2].user.dns' must differ from the host address "
          "10.0.2.9\n"
          "    - {id: n2, user: {host: 10.0.2.9, dns: 10.0.2.9}}\n"
          "                                           ^~~~~~~~\n"
          "note: the host address is set at /p/a.yaml:6:29\n"
          "/p/a.yaml:8:27: error: 'qemu.drives[d0].addr' must be a PCI address slot[.function] in "
          "hex, slot 00 to 1f and function 0 to 7 (such as 05.0), not '40'\n"
          "  drives: [{id: d0, addr: \"40\"}]\n"
          "                          ^~~~\n");
  }

  TEST_CASE("an error stands where a layer or variable set the value, with the layer chain") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml",
                        "abstract: true\nqemu:\n  networks: [{id: n0, tap: {name: \"t 0\"}}]\n");
    pipeline.reader.Add("/p/a.yaml",
                        "extends: base.yaml\nqemu:\n  target: x86_64\n  memory: 64\n  kernel: /k\n"
                        "  networks: [{id: n0, mac: \"${mac}\"}]\n");
    CHECK_FALSE(ValidateProfile(ProfileRequest{"/p/a.yaml", {}, {}, {"mac=01:02:03:04:05:06"}},
                                pipeline.environment, pipeline.diagnostics));
    // In the order the files were read: the profile, then its parent (SPEC §3).
    CHECK(pipeline.Rendered() ==
          "/p/a.yaml:6:28: error: 'qemu.networks[n0].mac' must be a unicast address, not the "
          "multicast 01:02:03:04:05:06 (its first octet is odd)\n"
          "  networks: [{id: n0, mac: \"${mac}\"}]\n"
          "                           ^~~~~~~~\n"
          "/p/base.yaml:3:35: error: 'qemu.networks[n0].tap.name' must not contain a space (a "
          "Linux interface name has no '/', ':' or whitespace, and QEMU's ifname= no ',')\n"
          "  networks: [{id: n0, tap: {name: \"t 0\"}}]\n"
          "                                  ^~~~~\n"
          "note: /p/base.yaml is extended by /p/a.yaml:1:10\n");
  }

  TEST_CASE("boundary values that every rule accepts compile into the argv as written") {
    Pipeline pipeline;
    pipeline.reader.Add(
        "/p/a.yaml",
        "name: x64.dev_2-b\nqemu:\n  target: x86_64\n  memory: 1\n  kernel: /k\n"
        "  initrd: /rd.zbi\n  binary: /usr/bin/qemu-system-x86_64\n"
        "  drives: [{id: a-b.c_d9, file: \"/d,x\", addr: \"1f.7\"}, {id: Z, file: /e, addr: "
        "\"3\"}]\n"
        "  networks:\n"
        "    - {id: n.0_a-b, mac: \"02:00:00:00:00:01\", tap: {name: abcdefghijklmno}}\n"
        "    - id: n1\n      mac: \"FE:FF:FF:FF:FF:FF\"\n"
        "      user:\n        network: 10.0.0.0/8\n        host: 10.255.255.254\n"
        "        dns: 10.0.0.1\n        dhcp_start: 10.0.0.0\n"
        "        forwards: [{guest: 1, host: 65535, host_address: 0.0.0.0}]\n"
        "    - {id: n2, user: {network: 16.0.0.0/4}}\n"
        "    - {id: n3, user: {network: 192.168.9.248/29, dns: 192.168.9.254}}\n");
    const std::vector<std::string> argv = pipeline.Argv({"/p/a.yaml", {}, {}, {}});
    CHECK(ArgAfter(argv, "-device", 1) ==
          "virtio-blk-pci,drive=a-b.c_d9,iothread=iothread0,addr=1f.7");
    CHECK(ArgAfter(argv, "-netdev") ==
          "tap,id=n.0_a-b,ifname=abcdefghijklmno,script=no,downscript=no");
    CHECK(ArgAfter(argv, "-netdev", 1) ==
          "user,id=n1,net=10.0.0.0/8,dhcpstart=10.0.0.0,dns=10.0.0.1,host=10.255.255.254,"
          "hostfwd=tcp:0.0.0.0:65535-:1");
    CHECK(ArgAfter(argv, "-netdev", 3) == "user,id=n3,net=192.168.9.248/29,dns=192.168.9.254");
  }
}

}  // namespace
}  // namespace qemuc
