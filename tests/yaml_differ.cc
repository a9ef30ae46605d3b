// yaml_differ: checks the YAML fast path (src/yaml_fast_path.h) against yaml-cpp.
//
//   yaml_differ [--mutants N] [--seed S] [--min-accepted PERCENT] [--tamper] PATH...
//
// Every *.yaml file under the PATHs, and N mutants of each (characters that matter to YAML
// inserted, deleted, replaced; lines duplicated, indented, joined), is read both ways: where the
// fast path accepts a text, its events and marks must be yaml-cpp's and yaml-cpp must read the
// text as one document. Prints the counts and the first differences; exits 1 on any difference,
// or when the fast path accepts fewer than PERCENT of the files themselves (so that a fast path
// that declines everything cannot pass). --tamper changes every fast-path reading before the
// comparison, which must then fail: the test that the differ can.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "yaml_event_compare.h"

namespace {

namespace fs = std::filesystem;
using qemuc::testing::Agreement;

struct Counts {
  size_t texts = 0;
  size_t accepted = 0;
  size_t different = 0;
};

std::vector<fs::path> YamlFiles(const std::vector<std::string>& roots) {
  std::vector<fs::path> files;
  for (const std::string& root : roots) {
    if (fs::is_regular_file(root)) {
      files.emplace_back(root);
      continue;
    }
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const std::string extension = entry.path().extension().string();
      if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml")) {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadText(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

// One random edit of the kind that moves a text across the fast path's borders.
std::string Mutate(std::string text, std::mt19937_64& random) {
  static const std::string kAlphabet = " \n:-#[]{},\"'!&*|>?%@`~\\\tab0.$";
  static const std::vector<std::string> kWords = {"!reset",
                                                  "!override",
                                                  "!delete",
                                                  "!foo",
                                                  "- ",
                                                  ": ",
                                                  " #",
                                                  "---",
                                                  "...",
                                                  "null",
                                                  "~",
                                                  "[",
                                                  "]",
                                                  "{",
                                                  "}",
                                                  ", ",
                                                  "\"",
                                                  "'",
                                                  "''",
                                                  "  ",
                                                  "\n  ",
                                                  "\n- ",
                                                  "key: ",
                                                  "&a ",
                                                  "*a",
                                                  "<<: ",
                                                  "|",
                                                  ">-",
                                                  "\r\n",
                                                  "\xc3\xa9",
                                                  "\xe2\x80\x94",
                                                  "\xef\xbb\xbf",
                                                  "\xc2\x85",
                                                  "\xe2\x80\xa8",
                                                  "\xff"};
  const auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(random() % n); };
  const size_t pos = pick(text.size() + 1);
  switch (random() % 6) {
    case 0:
      text.insert(pos, 1, kAlphabet[pick(kAlphabet.size())]);
      break;
    // One pick per statement: the order in which a call's arguments are evaluated differs
    // between GCC and clang, and the mutants of a seed must not.
    case 1:
      if (!text.empty()) {
        const size_t at = pick(text.size());
        text.erase(at, 1 + pick(3));
      }
      break;
    case 2:
      if (!text.empty()) {
        const size_t at = pick(text.size());
        text[at] = kAlphabet[pick(kAlphabet.size())];
      }
      break;
    case 3:
      text.insert(pos, kWords[pick(kWords.size())]);
      break;
    case 4: {  // a line's indentation changed
      const size_t start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
      const size_t line = start == std::string::npos ? 0 : start + 1;
      if (random() % 2 == 0) {
        text.insert(line, std::string(1 + pick(4), ' '));
      } else if (line < text.size() && text[line] == ' ') {
        text.erase(line, 1);
      }
      break;
    }
    default: {  // a line duplicated, or joined with the next
      const size_t end = text.find('\n', pos);
      if (end == std::string::npos) break;
      if (random() % 2 == 0) {
        const size_t start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
        const size_t line = start == std::string::npos || pos == 0 ? 0 : start + 1;
        text.insert(end + 1, text.substr(line, end + 1 - line));
      } else {
        text.erase(end, 1);
      }
    }
  }
  return text;
}

bool tamper = false;

void Check(const std::string& name, const std::string& text, Counts& counts, size_t max_reports) {
  ++counts.texts;
  const qemuc::testing::Comparison comparison = qemuc::testing::CompareWithYamlCpp(text, tamper);
  if (comparison.agreement == Agreement::kDeclined) return;
  ++counts.accepted;
  if (comparison.agreement == Agreement::kSame) return;
  if (++counts.different <= max_reports) {
    std::cout << "DIFFERENT: " << name << "\n  text: " << std::quoted(text) << "\n"
              << comparison.explanation;
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t mutants = 0;
  uint64_t seed = 1;
  double min_accepted = 0;
  std::vector<std::string> roots;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--tamper") {
      tamper = true;
      continue;
    }
    if ((arg == "--mutants" || arg == "--seed" || arg == "--min-accepted") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--mutants") mutants = std::stoul(value);
      if (arg == "--seed") seed = std::stoull(value);
      if (arg == "--min-accepted") min_accepted = std::stod(value);
    } else {
      roots.push_back(arg);
    }
  }
  if (roots.empty()) {
    std::cerr << "usage: yaml_differ [--mutants N] [--seed S] [--min-accepted PERCENT] [--tamper] "
                 "PATH...\n";
    return 2;
  }
  std::mt19937_64 random(seed);
  Counts files;
  Counts mutated;
  constexpr size_t kMaxReports = 10;
  for (const fs::path& path : YamlFiles(roots)) {
    const std::string text = ReadText(path);
    Check(path.string(), text, files, kMaxReports);
    for (size_t i = 0; i < mutants; ++i) {
      std::string mutant = Mutate(text, random);
      for (int edits = static_cast<int>(random() % 3); edits > 0; --edits) {
        mutant = Mutate(mutant, random);
      }
      Check(path.string() + " (mutant " + std::to_string(i) + ")", mutant, mutated,
            kMaxReports - std::min(kMaxReports, files.different));
    }
  }
  const double percent = files.texts == 0 ? 0
                                          : 100.0 * static_cast<double>(files.accepted) /
                                                static_cast<double>(files.texts);
  std::cout << "files: " << files.texts << ", fast path took " << files.accepted << " ("
            << static_cast<int>(percent) << "%), " << files.different << " different\n"
            << "mutants: " << mutated.texts << ", fast path took " << mutated.accepted << ", "
            << mutated.different << " different\n";
  if (files.different + mutated.different > 0) return 1;
  if (percent < min_accepted) {
    std::cout << "the fast path took fewer than " << min_accepted << "% of the files\n";
    return 1;
  }
  return 0;
}
