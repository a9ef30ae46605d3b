// The examples every command's --help ends with (issue 15): real command lines, each run by a test
// (tests/cli/help_examples.py) against the shipped examples/ tree, so that none can rot.
#ifndef QEMUC_CLI_EXAMPLES_H_
#define QEMUC_CLI_EXAMPLES_H_

#include <string_view>
#include <vector>

namespace qemuc {

struct CommandExample {
  std::string_view command_line;  // as typed in examples/, after "$ "
  std::string_view what;          // one line: what it does
};

// The examples of `command` ("compile"), in the order shown; none for an unknown command.
const std::vector<CommandExample>& ExamplesOf(std::string_view command);

}  // namespace qemuc

#endif  // QEMUC_CLI_EXAMPLES_H_
