// SHA-256 (FIPS 180-4), for the result cache: a content hash a crafted file cannot collide with
// the one that was checked (a non-cryptographic hash could be made to), small enough to keep here
// rather than link a crypto library into every start of qemuc.
#ifndef QEMUC_SHA256_H_
#define QEMUC_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace qemuc {

using Sha256Digest = std::array<uint8_t, 32>;

namespace sha256_detail {
// One 64-byte block into `state`: portably, and with the x86 SHA extensions (five times as
// fast; the result cache hashes every profile it answers for). Both for the test that compares
// them; Sha256 picks the second where the processor has it.
void BlockPortable(uint32_t* state, const uint8_t* block);
bool HasShaExtensions();
void BlockShaExtensions(uint32_t* state, const uint8_t* block);
}  // namespace sha256_detail

class Sha256 {
 public:
  Sha256();
  Sha256& Update(std::string_view bytes);
  // A length-prefixed field, so that ("ab", "c") and ("a", "bc") hash differently.
  Sha256& Field(std::string_view bytes);
  Sha256Digest Finish();

 private:
  void Block(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  void (*block_)(uint32_t* state, const uint8_t* block);
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes so far
};

Sha256Digest Sha256Of(std::string_view bytes);

// 128 bits of a SHA-256, enough to tell files and requests apart: the result cache's unit.
using Digest = std::array<uint8_t, 16>;
Digest DigestOf(std::string_view bytes);
Digest Truncated(const Sha256Digest& full);
std::string HexOf(const uint8_t* bytes, size_t size);

}  // namespace qemuc

#endif  // QEMUC_SHA256_H_
