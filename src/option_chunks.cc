#include "option_chunks.h"

#include <algorithm>
#include <iterator>

namespace qemuc {
namespace {

namespace po = boost::program_options;

// Boost spends time on each token in proportion to the tokens after it in its chunk.
constexpr size_t kOptionChunkTokens = 64;

// The option `name` ("set", "-D"), or nullptr. Boost reports a name that matches several
// options (an empty one) where it reads it; here it is no option.
const po::option_description* Find(const po::options_description& options,
                                   const std::string& name) {
  try {
    return options.find_nothrow(name, false);
  } catch (const po::error&) {
    return nullptr;
  }
}

// The values an option takes from the next tokens when `adjacent` values came with it.
size_t ValuesWanted(const po::option_description* option, unsigned adjacent) {
  if (option == nullptr) return 0;
  const unsigned wanted = option->semantic()->min_tokens();
  return wanted > adjacent ? wanted - adjacent : 0;
}

// The option that a token of the form "--name" or "--name=value" names, or nullptr.
const po::option_description* LongOption(const po::options_description& options,
                                         const std::string& token) {
  return Find(options, token.substr(2, token.find('=') - 2));
}

// Boost reads "--=VALUE" as an option without a name, which it takes for the positional VALUE.
bool IsNamelessOption(const std::string& token) {
  return token.size() > 3 && token.compare(0, 3, "--=") == 0;
}

}  // namespace

bool IsOptionToken(const std::string& token) {
  return token.size() >= 2 && token[0] == '-' && token != "--";
}

size_t ValuesAfter(const po::options_description& options, const std::string& token) {
  if (!IsOptionToken(token)) return 0;
  if (token[1] == '-') {
    return ValuesWanted(LongOption(options, token), token.find('=') == std::string::npos ? 0 : 1);
  }
  // Short options stick together: Boost reads switches while more of the token follows; the first
  // option that takes a value takes the rest of the token as it, or else the next tokens.
  for (size_t i = 1; i < token.size(); ++i) {
    const po::option_description* option = Find(options, std::string{'-', token[i]});
    const bool rest = i + 1 < token.size();
    if (option != nullptr && option->semantic()->max_tokens() == 0 && rest) continue;
    return ValuesWanted(option, rest ? 1 : 0);
  }
  return 0;
}

bool SpellsOption(const po::options_description& options, const std::vector<std::string>& args,
                  const std::string& name) {
  const po::option_description* wanted = Find(options, name);
  return std::any_of(args.begin(), args.end(), [&](const std::string& token) {
    return IsOptionToken(token) && token[1] == '-' && !IsNamelessOption(token) &&
           LongOption(options, token) == wanted;
  });
}

std::vector<std::string> ExtractOptions(const po::options_description& options,
                                        std::vector<std::string>& args) {
  std::vector<std::string> taken;
  size_t kept = 0;  // positionals move to the front of `args`, in place: no second vector of them
  size_t i = 0;
  while (i < args.size()) {
    const bool nameless = IsNamelessOption(args[i]);
    if (nameless) args[i].erase(0, 3);
    if (nameless || !IsOptionToken(args[i])) {
      if (kept != i) args[kept] = std::move(args[i]);
      ++kept;
      ++i;
      continue;
    }
    const size_t end = std::min(args.size(), i + 1 + ValuesAfter(options, args[i]));
    for (; i < end; ++i) taken.push_back(std::move(args[i]));
  }
  args.resize(kept);
  return taken;
}

// A token that is a value is not read as an option (Boost takes it, or fails on it in the same
// chunk), so the chunk may end after it.
std::vector<std::vector<std::string>> OptionChunks(const po::options_description& options,
                                                   const std::vector<std::string>& args) {
  std::vector<std::vector<std::string>> chunks(1);
  size_t values_next = 0;
  for (const std::string& token : args) {
    chunks.back().push_back(token);
    values_next = values_next > 0 ? values_next - 1 : ValuesAfter(options, token);
    if (values_next == 0 && chunks.back().size() >= kOptionChunkTokens) chunks.emplace_back();
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
