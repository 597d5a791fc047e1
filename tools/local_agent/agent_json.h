// JSON text the way the Mesos agent writes it (rapidjson through stout):
// doubles always carry a fraction ("64.0", "0.5"), which Boost.JSON's own
// serializer would print as "6.4E1".
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace local_agent {

std::string RenderJson(const boost::json::value& value);

}  // namespace local_agent
