// Boost.Program_options in linear time: its command line parser erases each token from the front
// of its vector, which is quadratic in the number of arguments (8,000 --set: 0.5 s; the 2 MiB of
// arguments Linux allows: a minute). The arguments go to it in chunks instead.
#ifndef QEMUC_OPTION_CHUNKS_H_
#define QEMUC_OPTION_CHUNKS_H_

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace qemuc {

// The arguments in chunks of about 64 tokens, each ending where no option waits for its value
// in the next token ("--set", "-D", the sticky "-hO").
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
