// Which qemuc this is, precisely enough that results one build kept are never trusted by another:
// the version and the GNU build ID the linker computed from the program's bytes.
#ifndef QEMUC_BUILD_IDENTITY_H_
#define QEMUC_BUILD_IDENTITY_H_

#include <string>

namespace qemuc {

// "0.1.0 build 3f2a..." (the build ID in hex); without a build ID note, the executable's size,
// modification time and inode stand in for it.
std::string BuildIdentity();

}  // namespace qemuc

#endif  // QEMUC_BUILD_IDENTITY_H_
