#include "key_path.h"

#include "text.h"

namespace qemuc {
namespace {

// Reads "name" or "name[ITEM]" at `i` into `step`; returns the offset after it, or an error.
std::variant<size_t, std::string> ReadStep(std::string_view text, size_t i, KeyPath::Step& step) {
  const size_t end = std::min(text.find_first_of(".[", i), text.size());
  step.key = std::string(text.substr(i, end - i));
  step.key_offset = i;
  if (step.key.empty()) return std::string("an empty key in the path");
  if (end == text.size() || text[end] == '.') return end;
  const size_t close = text.find(']', end);
  if (close == std::string_view::npos) return "'[' without ']' after " + Quoted(step.key);
  step.item = std::string(text.substr(end + 1, close - end - 1));
  step.item_offset = end + 1;
  if (step.item->empty()) return "an empty item key in '[]' after " + Quoted(step.key);
  if (close + 1 < text.size() && text[close + 1] != '.') {
    return "expected '.' after " + Quoted(text.substr(end, close - end + 1));
  }
  return close + 1;
}

}  // namespace

// Every value of every file gets a path as the shape check and the merge walk down to it: one
// allocation each, not a copy and then a second one to grow it.
KeyPath KeyPath::Child(std::string_view key) const {
  KeyPath child;
  child.steps_.reserve(steps_.size() + 1);
  child.steps_.insert(child.steps_.end(), steps_.begin(), steps_.end());
  child.steps_.push_back(Step{std::string(key), std::nullopt});
  return child;
}

KeyPath KeyPath::Item(std::string_view item) const {
  KeyPath child = *this;
  if (child.steps_.empty() || child.steps_.back().item) {
    Step in_list{"", std::string(item)};  // a list inside a list: "[0][1]"
    in_list.in_list = true;
    child.steps_.push_back(std::move(in_list));
  } else {
    child.steps_.back().item = std::string(item);
  }
  return child;
}

KeyPath::Saved KeyPath::AppendChild(std::string_view key) {
  const Saved saved{steps_.size(), false};
  steps_.push_back(Step{std::string(key), std::nullopt});
  return saved;
}

KeyPath::Saved KeyPath::AppendItem(std::string_view item) {
  Saved saved{steps_.size(), false};
  if (steps_.empty() || steps_.back().item) {
    Step in_list{"", std::string(item)};
    in_list.in_list = true;
    steps_.push_back(std::move(in_list));
  } else {
    steps_.back().item = std::string(item);
    saved.item_set = true;
  }
  return saved;
}

void KeyPath::Restore(const Saved& saved) {
  steps_.resize(saved.size);
  if (saved.item_set) steps_.back().item.reset();
}

std::variant<KeyPath, std::string> KeyPath::Parse(std::string_view text,
                                                  KeyPath* read_before_error) {
  KeyPath path;
  const auto failed = [&](std::string error) -> std::variant<KeyPath, std::string> {
    if (read_before_error != nullptr) *read_before_error = std::move(path);
    return error;
  };
  if (text.empty()) return failed("the path is empty");
  for (size_t i = 0;;) {
    Step step;
    const auto next = ReadStep(text, i, step);
    if (const auto* error = std::get_if<std::string>(&next)) return failed(*error);
    path.steps_.push_back(std::move(step));
    const size_t after = std::get<size_t>(next);
    if (after >= text.size()) return path;
    i = after + 1;
    if (i == text.size()) return failed("an empty key in the path");
  }
}

std::string KeyPath::Text() const {
  std::string text;
  for (const Step& step : steps_) {
    if (!text.empty() && !step.in_list) text += '.';
    text += step.key;
    if (step.item) text += "[" + *step.item + "]";
  }
  return text;
}

}  // namespace qemuc
