// qemuc-key-reference: the profile keys of the field table, for the README (built, not installed).
//   qemuc-key-reference                 the key table in Markdown
//   qemuc-key-reference --paths         the key paths, one a line
//   qemuc-key-reference --update FILE   FILE's table between the key-table markers, rewritten
//   qemuc-key-reference --scdoc         the key list of qemuc-profile(5), in scdoc
//   qemuc-key-reference --scdoc-page TEMPLATE
//                                       TEMPLATE with that list between its key-list markers (the
//                                       build's man page source: doc/qemuc-profile.5.scd.in)
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "file_reader.h"
#include "key_reference.h"
#include "output_file.h"
#include "schema.h"

namespace {

constexpr std::string_view kProgram = "qemuc-key-reference";
constexpr std::string_view kBeginMarker = "<!-- key-table:begin -->";
constexpr std::string_view kEndMarker = "<!-- key-table:end -->";
// scdoc comments, so that the generated page keeps them harmlessly.
constexpr std::string_view kScdocBeginMarker = "; key-list:begin";
constexpr std::string_view kScdocEndMarker = "; key-list:end";
constexpr int kExitProblem = 1;
constexpr int kExitUsage = 2;

int Usage(std::ostream& out, int status) {
  out << "usage: " << kProgram << " [--paths | --update FILE | --scdoc | --scdoc-page TEMPLATE]\n"
      << "  (no option)     print the key table of the profile format in Markdown\n"
      << "  --paths         print the key paths, one a line\n"
      << "  --update FILE   rewrite FILE's table, between the lines\n"
      << "                  " << kBeginMarker << " and " << kEndMarker << "\n"
      << "  --scdoc         print the key list of the man page, in scdoc\n"
      << "  --scdoc-page TEMPLATE\n"
      << "                  print TEMPLATE with that list between the lines\n"
      << "                  " << kScdocBeginMarker << " and " << kScdocEndMarker << "\n";
  return status;
}

int Fail(const std::string& message) {
  std::cerr << kProgram << ": error: " << message << "\n";
  return kExitProblem;
}

int Update(const std::string& path, const std::string& table) {
  const qemuc::ReadResult read = qemuc::DiskFileReader().Read(path);
  if (!read.text) return Fail(path + ": " + read.error);
  std::string document = *read.text;
  std::string error;
  if (!qemuc::ReplaceBetweenMarkers(document, kBeginMarker, kEndMarker, table, error)) {
    return Fail(path + ": " + error + "; the table goes between a line " +
                std::string(kBeginMarker) + " and a line " + std::string(kEndMarker));
  }
  if (document == *read.text) {
    std::cout << path << ": the key table is up to date\n";
    return 0;
  }
  error = qemuc::WriteFileAtomically(path, document, /*executable=*/false);
  if (!error.empty()) return Fail(path + ": " + error);
  std::cout << path << ": the key table is rewritten\n";
  return 0;
}

// The page goes to stdout: meson captures it, and a failed run leaves no page behind.
int PrintPage(const std::string& template_path, const std::string& list) {
  const qemuc::ReadResult read = qemuc::DiskFileReader().Read(template_path);
  if (!read.text) return Fail(template_path + ": " + read.error);
  std::string page = *read.text;
  std::string error;
  if (!qemuc::ReplaceBetweenMarkers(page, kScdocBeginMarker, kScdocEndMarker, list, error)) {
    return Fail(template_path + ": " + error + "; the key list goes between a line " +
                std::string(kScdocBeginMarker) + " and a line " + std::string(kScdocEndMarker));
  }
  std::cout << page;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::vector<qemuc::KeyReferenceEntry> entries = qemuc::KeyReference(qemuc::ProfileSchema());
  if (args.empty()) {
    std::cout << qemuc::KeyTableMarkdown(entries);
  } else if (args.size() == 1 && args[0] == "--paths") {
    std::cout << qemuc::KeyPathLines(entries);
  } else if (args.size() == 2 && args[0] == "--update") {
    return Update(args[1], qemuc::KeyTableMarkdown(entries));
  } else if (args.size() == 1 && args[0] == "--scdoc") {
    std::cout << qemuc::KeyListScdoc(entries);
  } else if (args.size() == 2 && args[0] == "--scdoc-page") {
    if (const int status = PrintPage(args[1], qemuc::KeyListScdoc(entries))) return status;
  } else if (args.size() == 1 && args[0] == "--help") {
    return Usage(std::cout, 0);
  } else {
    return Usage(std::cerr, kExitUsage);
  }
  std::cout.flush();
  if (!std::cout) return Fail("cannot write to standard output");
  return 0;
}
