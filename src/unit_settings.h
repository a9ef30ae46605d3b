// What a systemd unit says beyond the argv (the profile's `systemd:` keys, SPEC §6): filled by
// lowering, read by emit_systemd. Its own header, so that lowering does not see the emitters.
#ifndef QEMUC_UNIT_SETTINGS_H_
#define QEMUC_UNIT_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace qemuc {

struct UnitSettings {
  std::string description;  // the profile's own; empty: from its name and description
  std::string user;
  std::string group;
  std::string restart = "on-failure";
  int64_t restart_sec = 5;
  std::vector<std::string> after;
  std::vector<std::string> wants;
  std::string wanted_by = "multi-user.target";
  int64_t stop_timeout = 90;
  bool hardening = true;
  bool graceful_stop = false;
  bool kvm = false;                               // DeviceAllow=/dev/kvm
  bool tap = false;                               // /dev/net/tun, and after network-online.target
  std::vector<std::string> writable_directories;  // of the drive files
};

}  // namespace qemuc

#endif  // QEMUC_UNIT_SETTINGS_H_
