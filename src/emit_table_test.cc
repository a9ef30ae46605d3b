// The hostile argv elements of notes/shell-systemd-json-qemu-values.md section 7 through all
// three emitters, each encoding pinned (issue 5). That the encodings mean the same bytes is
// shown by real consumers elsewhere: tests/shell (five shells), tests/systemd (systemd-analyze).
#include <doctest/doctest.h>

#include "emit.h"
#include "json_string.h"
#include "lower.h"

namespace qemuc {
namespace {

struct Row {
  std::string input;
  std::string shell;
  std::string systemd;
  std::string json;
};

const std::vector<Row>& Table() {
  static const std::vector<Row> rows = {
      {"plain", "plain", "\"plain\"", "\"plain\""},
      {"", "''", "\"\"", "\"\""},
      {"a b", "'a b'", "\"a b\"", "\"a b\""},
      {"it's", "'it'\\''s'", "\"it's\"", "\"it's\""},
      {"'", "''\\'''", "\"'\"", "\"'\""},
      {"\"", "'\"'", "\"\\\"\"", "\"\\\"\""},
      {"$HOME", "'$HOME'", "\"$$HOME\"", "\"$HOME\""},
      {"${X}", "'${X}'", "\"$${X}\"", "\"${X}\""},
      {"$", "'$'", "\"$$\"", "\"$\""},
      {"$$", "'$$'", "\"$$$$\"", "\"$$\""},
      {"`id`", "'`id`'", "\"`id`\"", "\"`id`\""},
      {"$(id)", "'$(id)'", "\"$$(id)\"", "\"$(id)\""},
      {"100%", "100%", "\"100%%\"", "\"100%\""},
      {"%n", "%n", "\"%%n\"", "\"%n\""},
      {"%%", "%%", "\"%%%%\"", "\"%%\""},
      {"\\", "'\\'", "\"\\\\\"", "\"\\\\\""},
      {"a\\", "'a\\'", "\"a\\\\\"", "\"a\\\\\""},
      {"\\n", "'\\n'", "\"\\\\n\"", "\"\\\\n\""},
      {"\n", "'\n'", "\"\\n\"", "\"\\n\""},
      {"a\tb", "'a\tb'", "\"a\\tb\"", "\"a\\tb\""},
      {"\r", "'\r'", "\"\\r\"", "\"\\r\""},
      {"\x01", "'\x01'", "\"\\x01\"", "\"\\u0001\""},
      {"\x1b[0m", "'\x1b[0m'", "\"\\x1b[0m\"", "\"\\u001b[0m\""},
      {"\x7f", "'\x7f'", "\"\\x7f\"", "\"\\u007f\""},
      {";", "';'", "\";\"", "\";\""},
      {"\\;", "'\\;'", "\"\\\\;\"", "\"\\\\;\""},
      {"#x", "'#x'", "\"#x\"", "\"#x\""},
      {"~", "'~'", "\"~\"", "\"~\""},
      {"*", "'*'", "\"*\"", "\"*\""},
      {"-", "-", "\"-\"", "\"-\""},
      {"=x", "=x", "\"=x\"", "\"=x\""},
      {" lead", "' lead'", "\" lead\"", "\" lead\""},
      {"trail ", "'trail '", "\"trail \"", "\"trail \""},
      {"file=/v/a,b", "file=/v/a,b", "\"file=/v/a,b\"", "\"file=/v/a,b\""},
      {"é", "'é'", "\"é\"", "\"é\""},
      {"😀", "'😀'", "\"😀\"", "\"😀\""},
      {"\xE2\x80\xA8", "'\xE2\x80\xA8'", "\"\xE2\x80\xA8\"", "\"\xE2\x80\xA8\""},
  };
  return rows;
}

TEST_SUITE("emit_table") {
  TEST_CASE("every hostile element, in each output format") {
    for (const Row& row : Table()) {
      CAPTURE(row.input);
      CHECK(ShellQuote(row.input) == row.shell);
      CHECK(SystemdArgument(row.input) == row.systemd);
      CHECK(JsonString(row.input) == row.json);
    }
  }

  TEST_CASE("a byte that is not UTF-8: systemd writes it \\xHH; JSON refuses it") {
    const std::string byte("\xff", 1);
    CHECK(ShellQuote(byte) == "'\xff'");
    CHECK(SystemdArgument(byte) == "\"\\xff\"");
    CHECK(EmitJson({"x", {}, {"/q", byte}, {}, {}, {}}).error != "");
  }

  TEST_CASE("systemd: an ExecStart= line of 1 MiB is refused before systemd would") {
    Invocation invocation{"x", {}, {"/q"}, DefaultUnitSettings(), {}, {}};
    for (int i = 0; i < 9; ++i) invocation.argv.push_back(std::string(131071, 'x'));
    CHECK(EmitSystemd(invocation, "").error.find("the ExecStart= line would be ") == 0);
    invocation.argv.resize(8);  // 7 x 131071 bytes: under 1 MiB
    CHECK(EmitSystemd(invocation, "").error == "");
  }
}

}  // namespace
}  // namespace qemuc
