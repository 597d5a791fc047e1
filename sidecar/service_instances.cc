#include "sidecar/service_instances.h"

#include <boost/json/parse.hpp>

namespace sidecar {

namespace json = boost::json;

namespace {

bool StringFieldIs(const json::object& object, std::string_view field, std::string_view expected) {
  const json::value* value = object.if_contains(field);
  return value && value->is_string() && value->get_string() == expected;
}

}  // namespace

std::optional<int64_t> FindInstanceStatus(std::string_view document, std::string_view name, const ServiceKey& key) {
  boost::system::error_code ec;
  const json::value root = json::parse(document, ec);
  if (ec || !root.is_object()) return std::nullopt;
  const json::value* services = root.get_object().if_contains("Services");
  if (!services || !services->is_object()) return std::nullopt;
  const json::value* instances = services->get_object().if_contains(name);
  if (!instances || !instances->is_array()) return std::nullopt;
  for (const json::value& instance : instances->get_array()) {
    if (!instance.is_object()) return std::nullopt;
    const json::object& fields = instance.get_object();
    if (!StringFieldIs(fields, "ID", key.service_id) || !StringFieldIs(fields, "Hostname", key.host)) continue;
    const json::value* status = fields.if_contains("Status");
    if (!status || !status->is_int64()) return std::nullopt;
    return status->get_int64();
  }
  return std::nullopt;
}

}  // namespace sidecar
