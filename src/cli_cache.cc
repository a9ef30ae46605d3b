#include "cli_cache.h"

#include <cstdlib>
#include <ctime>

#include "build_identity.h"
#include "utf8.h"

namespace qemuc {

void AddCacheOptions(po::options_description& options) {
  options.add_options()("no-cache", "check every profile; neither read nor write the cache")(
      "cache-stats", "say how many profiles the cache answered, and where it is");
}

std::unique_ptr<ResultCache> OpenResultCache(const CommandLine& line, Environment& environment) {
  if (line.values.count("no-cache") > 0) return nullptr;
  std::string directory = CacheDirectory(std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
  if (directory.empty()) return nullptr;
  environment.cache.set_keep_digests(true);
  auto results =
      std::make_unique<ResultCache>(std::move(directory), BuildIdentity(), environment.reader);
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);  // before any profile is read
  results->set_started(int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec);
  return results;
}

void CloseResultCache(ResultCache* results, const CommandLine& line, Console& console) {
  const bool stats = line.values.count("cache-stats") > 0;
  if (results == nullptr) {
    if (stats) console.err << "qemuc: no cache (--no-cache, or neither XDG_CACHE_HOME nor HOME)\n";
    return;
  }
  const std::string error = results->Save();
  if (!stats) return;
  console.err << "qemuc: cache: " << results->hits() << " of "
              << results->hits() + results->misses()
              << " profiles unchanged since they were found clean ("
              << EscapeForTerminal(results->directory()) << ")\n";
  if (!error.empty()) console.err << "qemuc: cache not saved: " << EscapeForTerminal(error) << "\n";
}

}  // namespace qemuc
