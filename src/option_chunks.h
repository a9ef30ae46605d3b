// Boost.Program_options in linear time and memory. Its command line parser erases each token from
// the front of its vector, which is quadratic in the number of arguments (8,000 --set: 0.5 s; the
// 2 MiB of arguments Linux allows: a minute), so the options go to it in chunks. And it keeps six
// strings for each positional (100,000 profiles to validate: 50 MiB and 0.4 s before the first
// was read), so positionals never go to it at all.
#ifndef QEMUC_OPTION_CHUNKS_H_
#define QEMUC_OPTION_CHUNKS_H_

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace qemuc {

// Whether Boost (default style) reads `token` as an option or a group of short ones ("-x",
// "--x", "-hO"), not as a positional ("x", "-", "", "--" which the caller splits off first).
bool IsOptionToken(const std::string& token);

// How many of the tokens after `token` Boost takes as the values of the options it reads in it:
// "--set", "-D" and "-hD" one, "--set=a=1", "-Da=1" and "--help" none. None for a positional, or
// for an option `options` does not have: Boost fails on it wherever it stands.
size_t ValuesAfter(const boost::program_options::options_description& options,
                   const std::string& token);

// Whether Boost would read a token of `args` as the long option `name` (one without a short
// name): "--input a.yaml", "--input=a.yaml", even "--=a.yaml", since Boost takes an empty name
// for such an option.
bool SpellsOption(const boost::program_options::options_description& options,
                  const std::vector<std::string>& args, const std::string& name);

// Moves the options and their values (ValuesAfter) out of `args` and returns them, in order;
// what stays in `args` is what Boost would have read as positionals, in order ("--=a.yaml" is
// a.yaml to Boost).
std::vector<std::string> ExtractOptions(const boost::program_options::options_description& options,
                                        std::vector<std::string>& args);

// The arguments in chunks of about 64 tokens, none ending with an option that waits for its
// value in the next token ("--set", "-D", the sticky "-hO").
std::vector<std::vector<std::string>> OptionChunks(
    const boost::program_options::options_description& options,
    const std::vector<std::string>& args);

// What boost::program_options::command_line_parser(args) with these settings gives: the same
// options, values and errors, parsed chunk by chunk.
boost::program_options::parsed_options ParseInChunks(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional, int style);

}  // namespace qemuc

#endif  // QEMUC_OPTION_CHUNKS_H_
