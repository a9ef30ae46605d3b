// The validation rules of SPEC §3, each attached to its row of the field table (schema.cc) with
// Field::Check and run by validation (validate.cc) on the merged profile: on a value, on each
// string of a string list, on each item of a keyed list (before its rows), or on a mapping (after
// its rows). Every problem is reported at the place that set the value.
#ifndef QEMUC_RULES_H_
#define QEMUC_RULES_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "diagnostic.h"
#include "key_path.h"
#include "node.h"

namespace qemuc {

struct Field;

// What rules share over one profile: where to report, whether the profile must be complete, and
// the values that must be unique across it.
class RuleContext {
 public:
  RuleContext(bool check_completeness, Diagnostics& diagnostics)
      : check_completeness_(check_completeness), diagnostics_(diagnostics) {}

  Diagnostic& Error(const SourceRange& range, std::string message) {
    return diagnostics_.Error(range, std::move(message));
  }
  // False for an abstract profile, which a profile that extends it may complete.
  bool check_completeness() const { return check_completeness_; }

  struct FirstUse {
    std::string text;
    SourceRange range;
  };
  std::map<int, FirstUse> pci_addresses;  // by slot << 3 | function
  // "tcp:2222" -> the host addresses it is bound to ("" for all), with their places.
  std::map<std::string, std::vector<std::pair<std::string, SourceRange>>> host_ports;

 private:
  bool check_completeness_;
  Diagnostics& diagnostics_;
};

// Values.
void CheckProfileName(const Node& value, const Field& row, const KeyPath& path,
                      RuleContext& context);
// A path, or a bare name where the row allows one (BareNameAllowed).
void CheckFilePath(const Node& value, const Field& row, const KeyPath& path, RuleContext& context);
// A path that also fits a unix socket's sun_path and holds no '=' (-qmp unix: reads it as a key).
void CheckQmpSocketPath(const Node& value, const Field& row, const KeyPath& path,
                        RuleContext& context);
void CheckInitrdPath(const Node& value, const Field& row, const KeyPath& path,
                     RuleContext& context);  // no ','
void CheckCpuModel(const Node& value, const Field& row, const KeyPath& path, RuleContext& context);
void CheckDriveId(const Node& value, const Field& row, const KeyPath& path, RuleContext& context);
void CheckShareTag(const Node& value, const Field& row, const KeyPath& path, RuleContext& context);
void CheckNetworkId(const Node& value, const Field& row, const KeyPath& path, RuleContext& context);
void CheckPciAddress(const Node& value, const Field& row, const KeyPath& path,
                     RuleContext& context);
void CheckMac(const Node& value, const Field& row, const KeyPath& path, RuleContext& context);
void CheckTapName(const Node& value, const Field& row, const KeyPath& path, RuleContext& context);
void CheckHostAddress(const Node& value, const Field& row, const KeyPath& path,
                      RuleContext& context);
void CheckUserOrGroup(const Node& value, const Field& row, const KeyPath& path,
                      RuleContext& context);
void CheckUnitName(const Node& value, const Field& row, const KeyPath& path, RuleContext& context);

// Items of keyed lists.
void CheckNetworkBackend(const Node& network, const Field& row, const KeyPath& path,
                         RuleContext& context);
void CheckUniqueHostPort(const Node& forward, const Field& row, const KeyPath& path,
                         RuleContext& context);

// Mappings.
// The rules between qemu's own keys: kvm: true with target riscv64 (TCG only), the host CPU
// model without KVM, a device tree on a target that reads none.
void CheckQemu(const Node& qemu, const Field& row, const KeyPath& path, RuleContext& context);
void CheckFirmware(const Node& firmware, const Field& row, const KeyPath& path,
                   RuleContext& context);  // bios and uefi exclude each other
void CheckUserNetwork(const Node& user, const Field& row, const KeyPath& path,
                      RuleContext& context);

}  // namespace qemuc

#endif  // QEMUC_RULES_H_
