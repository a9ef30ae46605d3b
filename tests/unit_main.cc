// The doctest main, alone in its file: it is the costliest translation unit and never changes.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
