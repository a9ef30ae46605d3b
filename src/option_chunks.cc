#include "option_chunks.h"

#include <iterator>

namespace qemuc {
namespace {

namespace po = boost::program_options;

// Boost spends time on each token in proportion to the tokens after it in its chunk.
constexpr size_t kOptionChunkTokens = 64;

// Whether `token`, read as an option, takes its value from the next token ("--set", "-D",
// "-hO"), so that no chunk may end with it.
bool TakesNextToken(const po::options_description& options, const std::string& token) {
  if (token.size() < 2 || token[0] != '-') return false;
  if (token[1] == '-') {
    if (token.find('=') != std::string::npos) return false;
    const po::option_description* option = options.find_nothrow(token.substr(2), false);
    return option != nullptr && option->semantic()->min_tokens() > 0;
  }
  // Short options stick together: each switch may be followed by another option.
  for (size_t i = 1; i < token.size(); ++i) {
    const po::option_description* option = options.find_nothrow(std::string{'-', token[i]}, false);
    if (option == nullptr) return false;  // an error wherever the chunk ends
    if (option->semantic()->min_tokens() > 0) return i + 1 == token.size();
  }
  return false;
}

}  // namespace

// A token after one that takes the next is that value (Boost takes it, or fails on it in the
// same chunk), so the chunk may end after it.
std::vector<std::vector<std::string>> OptionChunks(const po::options_description& options,
                                                   const std::vector<std::string>& args) {
  std::vector<std::vector<std::string>> chunks(1);
  bool value_next = false;
  for (const std::string& token : args) {
    chunks.back().push_back(token);
    value_next = !value_next && TakesNextToken(options, token);
    if (!value_next && chunks.back().size() >= kOptionChunkTokens) chunks.emplace_back();
  }
  return chunks;
}

po::parsed_options ParseInChunks(const std::vector<std::string>& args,
                                 const po::options_description& options,
                                 const po::positional_options_description& positional, int style) {
  const auto parse = [&](const std::vector<std::string>& chunk) {
    return po::command_line_parser(chunk)
        .options(options)
        .positional(positional)
        .style(style)
        .run();
  };
  const std::vector<std::vector<std::string>> chunks = OptionChunks(options, args);
  po::parsed_options parsed = parse(chunks[0]);  // also the prefix style that errors show
  for (size_t i = 1; i < chunks.size(); ++i) {
    po::parsed_options part = parse(chunks[i]);
    parsed.options.insert(parsed.options.end(), std::make_move_iterator(part.options.begin()),
                          std::make_move_iterator(part.options.end()));
  }
  return parsed;
}

}  // namespace qemuc
