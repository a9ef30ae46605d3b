#include "qmp_powerdown.h"

#include <doctest/doctest.h>

#include <limits>

namespace qemuc {
namespace {

TEST_SUITE("qmp_powerdown") {
  TEST_CASE("a PID is a decimal number from 1 to Linux's PID_MAX_LIMIT") {
    CHECK(ParsePowerdownPid("1") == 1);
    CHECK(ParsePowerdownPid("4194304") == 4194304);
    CHECK(ParsePowerdownPid("4194305") == std::nullopt);
    CHECK(ParsePowerdownPid("4294967297") == std::nullopt);  // 2^32 + 1 was cut to PID 1
    CHECK(ParsePowerdownPid("99999999999999999999999") == std::nullopt);
    CHECK(ParsePowerdownPid("0") == std::nullopt);
    CHECK(ParsePowerdownPid("-5") == std::nullopt);
    CHECK(ParsePowerdownPid("+5") == std::nullopt);
    CHECK(ParsePowerdownPid("5x") == std::nullopt);
    CHECK(ParsePowerdownPid("") == std::nullopt);
  }

  TEST_CASE("a timeout is finite, more than 0 and at most a day") {
    CHECK(PowerdownTimeoutInRange(0.001));
    CHECK(PowerdownTimeoutInRange(86400));
    CHECK_FALSE(PowerdownTimeoutInRange(86400.5));
    CHECK_FALSE(PowerdownTimeoutInRange(4294968));  // its milliseconds wrapped in poll()
    CHECK_FALSE(PowerdownTimeoutInRange(1e300));
    CHECK_FALSE(PowerdownTimeoutInRange(std::numeric_limits<double>::infinity()));
    CHECK_FALSE(PowerdownTimeoutInRange(std::numeric_limits<double>::quiet_NaN()));
    CHECK_FALSE(PowerdownTimeoutInRange(0));
    CHECK_FALSE(PowerdownTimeoutInRange(-1));
  }

  TEST_CASE("seconds in messages as a person writes them") {
    CHECK(FormatSeconds(1) == "1");
    CHECK(FormatSeconds(0.5) == "0.5");
    CHECK(FormatSeconds(4294968) == "4294968");
    CHECK(FormatSeconds(1e300) == "1e+300");
    CHECK(FormatSeconds(std::numeric_limits<double>::infinity()) == "inf");
  }

  TEST_CASE("out-of-range arguments fail before any conversion, even past the command line") {
    CHECK(QmpPowerdown("/nonexistent.qmp", 1, std::numeric_limits<double>::infinity()).status ==
          kPowerdownFailed);
    CHECK(QmpPowerdown("/nonexistent.qmp", 4294967297L, 1).message ==
          "process 4294967297 is not running");
  }
}

}  // namespace
}  // namespace qemuc
