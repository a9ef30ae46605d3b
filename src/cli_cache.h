// The result cache as validate and check use it: --no-cache, --cache-stats, and where it lives.
#ifndef QEMUC_CLI_CACHE_H_
#define QEMUC_CLI_CACHE_H_

#include <memory>

#include "cli_support.h"
#include "environment.h"
#include "result_cache.h"

namespace qemuc {

void AddCacheOptions(po::options_description& options);

// The cache of $XDG_CACHE_HOME/qemuc (SPEC §8), or nullptr with --no-cache or where there is no
// directory to keep it in. Files read for it go through the environment's reader.
std::unique_ptr<ResultCache> OpenResultCache(const CommandLine& line, Environment& environment);

// Saves what the run found clean; with --cache-stats, says on standard error how many profiles
// the cache answered and where it is, or why it could not be saved. A cache that cannot be saved
// is not an error: the next run checks everything again.
void CloseResultCache(ResultCache* results, const CommandLine& line, Console& console);

}  // namespace qemuc

#endif  // QEMUC_CLI_CACHE_H_
