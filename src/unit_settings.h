// What a systemd unit says beyond the argv (the profile's `systemd:` keys, SPEC §6): filled by
// lowering, read by emit_systemd. Its own header, so that lowering does not see the emitters.
#ifndef QEMUC_UNIT_SETTINGS_H_
#define QEMUC_UNIT_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace qemuc {

// The defaults are the field table's (schema.cc), which lowering stores where a key is not set.
struct UnitSettings {
  std::string description;
  std::string user;
  std::string group;
  std::string restart;
  int64_t restart_sec = 0;
  std::vector<std::string> after;
  std::vector<std::string> wants;
  std::string wanted_by;
  int64_t stop_timeout = 0;
  bool hardening = false;
  bool graceful_stop = false;
  bool kvm = false;  // DeviceAllow=/dev/kvm
  bool tap = false;  // /dev/net/tun, and after network-online.target
  // Of the writable drives, the UEFI vars, the serial log and the QMP socket; writable shares.
  std::vector<std::string> writable_directories;
};

}  // namespace qemuc

#endif  // QEMUC_UNIT_SETTINGS_H_
