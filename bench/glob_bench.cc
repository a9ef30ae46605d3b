// Times ExpandGlob on the real disk, in process: bench/glob_expand.py builds and runs it.
// usage: glob_bench DIRECTORY PATTERN RUNS -> "MATCHES MEDIAN_MS" on stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "glob.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: glob_bench DIRECTORY PATTERN RUNS\n");
    return 2;
  }
  const qemuc::DiskDirectoryLister disk;
  const int runs = std::atoi(argv[3]);
  std::vector<double> milliseconds;
  size_t matches = 0;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const qemuc::GlobResult result = qemuc::ExpandGlob(disk, argv[1], argv[2]);
    const auto end = std::chrono::steady_clock::now();
    if (result.error) {
      std::fprintf(stderr, "glob_bench: %s\n", result.error->message.c_str());
      return 1;
    }
    matches = result.matches.size();
    milliseconds.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  std::printf("%zu %.2f\n", matches, milliseconds[milliseconds.size() / 2]);
  return 0;
}
