#include "sha256.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace qemuc {
namespace {

std::string Hex(std::string_view bytes) {
  const Sha256Digest digest = Sha256Of(bytes);
  return HexOf(digest.data(), digest.size());
}

TEST_SUITE("sha256") {
  TEST_CASE("the FIPS 180-4 examples, and lengths around the padding boundary") {
    CHECK(Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(Hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // 55, 56 and 64 bytes: one block, two blocks, and a full block before the padding
    // (digests from Python's hashlib).
    CHECK(Hex(std::string(55, 'x')) ==
          "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    CHECK(Hex(std::string(56, 'y')) ==
          "4877e564e5e36e367c7c8d59670774becd3350610b6df4c399c9fa9b66da5813");
    CHECK(Hex(std::string(64, 'y')) ==
          "ffbf30ab94107b2c14d75cfb455ec94f200400ddc5ce304e0c21894090db055f");
  }

  TEST_CASE("updates in pieces give the digest of the whole") {
    const std::string text(200, 'q');
    for (const size_t cut : {0u, 1u, 55u, 63u, 64u, 65u, 128u, 199u}) {
      Sha256 pieces;
      pieces.Update(std::string_view(text).substr(0, cut))
          .Update(std::string_view(text).substr(cut));
      CHECK(pieces.Finish() == Sha256Of(text));
    }
  }

  TEST_CASE("the SHA extensions give the portable code's state, block after block") {
    if (!sha256_detail::HasShaExtensions()) {
      MESSAGE("skipped: this processor has no SHA extensions");
      return;
    }
    uint32_t portable[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t extensions[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t block[64];
    for (size_t round = 0; round < 200; ++round) {
      for (size_t i = 0; i < sizeof block; ++i) block[i] = static_cast<uint8_t>(i * 31 + round * 7);
      sha256_detail::BlockPortable(portable, block);
      sha256_detail::BlockShaExtensions(extensions, block);
      REQUIRE(std::equal(portable, portable + 8, extensions));
    }
  }

  TEST_CASE("fields are length-prefixed: a different split is a different digest") {
    CHECK(Sha256().Field("ab").Field("c").Finish() != Sha256().Field("a").Field("bc").Finish());
  }
}

}  // namespace
}  // namespace qemuc
