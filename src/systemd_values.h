// What systemd 252 accepts in the unit settings that profile values reach, so that validation
// refuses the rest at the value and the emitter never writes a setting systemd reads otherwise.
// The rules follow systemd's own: unit_name_is_valid() (src/basic/unit-name.c),
// valid_user_group_name() in strict mode and parse_uid() (src/basic/user-util.c), and the line
// continuation of config_parse() (src/shared/conf-parser.c).
#ifndef QEMUC_SYSTEMD_VALUES_H_
#define QEMUC_SYSTEMD_VALUES_H_

#include <string>
#include <string_view>

namespace qemuc {

// A unit name for After=, Wants= and WantedBy=: letters, digits and ":-_.\" (at most one '@',
// not first, with an instance after it), then '.' and a unit type, under 256 bytes. No
// whitespace, quote or '%', so systemd's word splitting and specifiers leave it as it is.
bool IsSystemdUnitName(std::string_view name);

// User= and Group=: a name a letter or '_' then letters, digits, '_' or '-', at most 31
// characters (systemd's strict rules; it accepts more only with a warning), or a numeric id
// 0..4294967294 other than 65535, without leading zeros.
bool IsSystemdUserOrGroup(std::string_view name);

// Description= as systemd reads it: no quoting or escapes, specifiers expanded. Each run of
// whitespace and control characters becomes one space (a setting is one line), the ends are
// trimmed (systemd trims them too), and '%' is doubled. A trailing backslash is followed by a
// space, so that it is not read as a line continuation.
std::string SystemdDescription(std::string_view text);

}  // namespace qemuc

#endif  // QEMUC_SYSTEMD_VALUES_H_
