// The doctest runner, compiled once and linked into every chapter's tests, so
// that a learner's edit rebuilds only their own file.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
