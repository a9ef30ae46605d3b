// "did you mean" suggestions (ninja's SpellcheckStringV).
#ifndef QEMUC_SPELL_H_
#define QEMUC_SPELL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qemuc {

// The Levenshtein distance, or limit + 1 when it is more than `limit`: linear time in the
// length for a small limit, so that a 100,000-character name costs no more than its reading.
size_t EditDistance(std::string_view a, std::string_view b, size_t limit = SIZE_MAX);

// The candidate closest to `word` within an edit distance of 3 (ties: the first), or "".
std::string_view ClosestMatch(std::string_view word,
                              const std::vector<std::string_view>& candidates);

// " (did you mean 'cpus'?)" or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace qemuc

#endif  // QEMUC_SPELL_H_
