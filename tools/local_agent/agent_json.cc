#include "tools/local_agent/agent_json.h"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>

namespace local_agent {
namespace json = boost::json;

namespace {

void AppendDouble(double d, std::string& out) {
  if (!std::isfinite(d)) {
    out += "null";  // JSON has no infinities; rapidjson refuses them too
    return;
  }
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof(text), d);  // shortest round trip
  std::string_view digits(text, end - text);
  out += digits;
  if (digits.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void Append(const json::value& value, std::string& out) {
  switch (value.kind()) {
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : value.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::string_view(member.key()));
        out += ':';
        Append(member.value(), out);
      }
      out += '}';
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        Append(element, out);
      }
      out += ']';
      return;
    }
    case json::kind::double_:
      AppendDouble(value.get_double(), out);
      return;
    default:
      out += json::serialize(value);
      return;
  }
}

}  // namespace

std::string RenderJson(const json::value& value) {
  std::string out;
  Append(value, out);
  return out;
}

}  // namespace local_agent
