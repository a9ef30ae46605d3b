#include "spell.h"

#include <algorithm>
#include <vector>

#include "text.h"

namespace qemuc {

constexpr size_t kMaxSuggestionDistance = 3;

size_t EditDistance(std::string_view a, std::string_view b, size_t limit) {
  limit = std::min(limit, std::max(a.size(), b.size()));
  const size_t beyond = limit + 1;
  if (std::max(a.size(), b.size()) - std::min(a.size(), b.size()) > limit) return beyond;
  // Only the cells within `limit` of the diagonal can lead to a distance within it (Ukkonen):
  // n x (2 limit + 1) steps instead of n x m. Cells outside that band count as `beyond`.
  std::vector<size_t> above(b.size() + 1, beyond);
  std::vector<size_t> row(b.size() + 1, beyond);
  for (size_t j = 0; j <= std::min(b.size(), limit); ++j) above[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    const size_t low = i > limit ? i - limit : 0;
    const size_t high = std::min(b.size(), i + limit);
    if (low > 0) row[low - 1] = beyond;
    for (size_t j = low; j <= high; ++j) {
      if (j == 0) {
        row[0] = i;
        continue;
      }
      size_t best = above[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      if (j + 1 <= i + limit) best = std::min(best, above[j] + 1);  // (i - 1, j) is in the band
      best = std::min(best, row[j - 1] + 1);
      row[j] = std::min(best, beyond);
    }
    std::swap(above, row);
  }
  return std::min(above[b.size()], beyond);
}

std::string_view ClosestMatch(std::string_view word,
                              const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_distance = kMaxSuggestionDistance + 1;
  for (const std::string_view candidate : candidates) {
    // EditDistance answers at once for lengths that differ by more than the limit, which keeps a
    // 100,000-character name linear instead of 100,000 x 100,000 steps (49 s).
    const size_t distance = EditDistance(word, candidate, kMaxSuggestionDistance);
    // A suggestion as long as the word itself is a guess, not a correction ("ab" -> "id").
    if (distance < best_distance && distance < std::max(word.size(), candidate.size())) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates) {
  const std::string_view match = ClosestMatch(word, candidates);
  return match.empty() ? "" : " (did you mean " + Quoted(match) + "?)";
}

std::string Speller::DidYouMean(std::string_view word,
                                const std::vector<std::string_view>& candidates) {
  // A comparison costs a row of the band for each character of the word, and one step at least.
  const size_t cost = candidates.size() * (word.size() * (2 * kMaxSuggestionDistance + 1) + 1);
  if (cost > budget_) {
    budget_ = 0;
    return "";
  }
  budget_ -= cost;
  return qemuc::DidYouMean(word, candidates);
}

}  // namespace qemuc
