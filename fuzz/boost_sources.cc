// The compiled parts of Boost.JSON and Boost.URL, built with the fuzzing
// instrumentation (see CMakeLists.txt).
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
