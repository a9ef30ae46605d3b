#include "option_chunks.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

namespace po = boost::program_options;

po::options_description Options() {
  po::options_description options;
  options.add_options()("set", po::value<std::vector<std::string>>())(
      "define,D", po::value<std::vector<std::string>>())("help,h", "")("check", "");
  return options;
}

TEST_SUITE("option_chunks") {
  TEST_CASE("chunks of 64 tokens never end with an option that waits for its value") {
    std::vector<std::string> args;
    for (int i = 0; i < 63; ++i) args.push_back("--check");
    args.insert(args.end(), {"--set", "a=1", "-hD", "b=2", "-Dc=3", "--set=d", "x"});
    const auto chunks = OptionChunks(Options(), args);
    REQUIRE(chunks.size() == 2);
    CHECK(chunks[0].size() == 65);  // "--set" is 64th: its value goes with it
    CHECK(chunks[0].back() == "a=1");
    CHECK(chunks[1] == std::vector<std::string>{"-hD", "b=2", "-Dc=3", "--set=d", "x"});
    // A value that looks like an option is still a value: the chunk may end after it.
    std::vector<std::string> odd(63, "--check");
    odd.insert(odd.end(), {"-D", "-D", "x"});
    CHECK(OptionChunks(Options(), odd)[0].back() == "-D");
  }

  TEST_CASE("how many tokens after an option Boost takes as its values") {
    const po::options_description options = Options();
    for (const char* none : {"a.yaml", "-", "", "--check", "--set=a=1", "-Dc=3", "-h", "-hh",
                             "-hDc=3", "--bogus", "-Z", "-hZ", "--=x"}) {
      CAPTURE(none);
      CHECK(ValuesAfter(options, none) == 0);
    }
    for (const char* one : {"--set", "-D", "-hD", "--define"}) {
      CAPTURE(one);
      CHECK(ValuesAfter(options, one) == 1);
    }
  }

  TEST_CASE("the options and their values leave the arguments; the positionals stay, in order") {
    std::vector<std::string> args = {"a.yaml", "-D",  "x=1",     "b.yaml", "--set",
                                     "y=2",    "-hD", "z=3",     "c.yaml", "--set=w=4",
                                     "-Dv=5",  "-",   "--check", "d.yaml"};
    CHECK(ExtractOptions(Options(), args) == std::vector<std::string>{"-D", "x=1", "--set", "y=2",
                                                                      "-hD", "z=3", "--set=w=4",
                                                                      "-Dv=5", "--check"});
    CHECK(args == std::vector<std::string>{"a.yaml", "b.yaml", "c.yaml", "-", "d.yaml"});
  }

  TEST_CASE("a value that looks like a path or an option stays with its option") {
    std::vector<std::string> args = {"-D",     "a.yaml", "b.yaml", "--set", "-x.yaml",
                                     "c.yaml", "-D",     "-D",     "d.yaml"};
    CHECK(ExtractOptions(Options(), args) ==
          std::vector<std::string>{"-D", "a.yaml", "--set", "-x.yaml", "-D", "-D"});
    CHECK(args == std::vector<std::string>{"b.yaml", "c.yaml", "d.yaml"});
  }

  TEST_CASE("unknown options, and one missing its value, go to Boost to be reported") {
    std::vector<std::string> args = {"a.yaml", "--bogus", "b.yaml", "-hZ", "c.yaml", "--set"};
    CHECK(ExtractOptions(Options(), args) == std::vector<std::string>{"--bogus", "-hZ", "--set"});
    CHECK(args == std::vector<std::string>{"a.yaml", "b.yaml", "c.yaml"});
  }

  TEST_CASE("Boost reads \"--=VALUE\" as the positional VALUE, whatever VALUE looks like") {
    std::vector<std::string> args = {"--=a.yaml", "--=-D", "--set", "--=x"};
    CHECK(ExtractOptions(Options(), args) == std::vector<std::string>{"--set", "--=x"});
    CHECK(args == std::vector<std::string>{"a.yaml", "-D"});
  }

  TEST_CASE("which arguments spell a long option") {
    const po::options_description options = Options();
    CHECK(SpellsOption(options, {"a", "--set", "x"}, "set"));
    CHECK(SpellsOption(options, {"--set=x"}, "set"));
    CHECK_FALSE(SpellsOption(options, {"--sett", "-D", "set", "--=set", "--check"}, "set"));
  }

  TEST_CASE("parsing in chunks gives the options of one parse, in order") {
    std::vector<std::string> args;
    for (int i = 0; i < 500; ++i) {
      args.insert(args.end(), {i % 2 ? "--set" : "-D", "v" + std::to_string(i)});
    }
    po::options_description options = Options();
    options.add_options()("input", po::value<std::vector<std::string>>());
    po::positional_options_description positional;
    positional.add("input", -1);
    args.push_back("file");
    const po::parsed_options whole =
        po::command_line_parser(args).options(options).positional(positional).run();
    const po::parsed_options chunked =
        ParseInChunks(args, options, positional, po::command_line_style::default_style);
    REQUIRE(chunked.options.size() == whole.options.size());
    for (size_t i = 0; i < whole.options.size(); ++i) {
      CHECK(chunked.options[i].string_key == whole.options[i].string_key);
      CHECK(chunked.options[i].value == whole.options[i].value);
    }
  }
}

}  // namespace
}  // namespace qemuc
