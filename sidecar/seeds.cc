#include "sidecar/seeds.h"

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "net/http_client.h"
#include "sidecar/client.h"
#include "sidecar/go_key.h"

namespace sidecar {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// A large cluster's /slaves runs to several MB.
constexpr std::size_t kMaxMesosBody = 64 * 1024 * 1024;

base::Result<json::value> ParseJson(std::string_view text, std::string_view what) {
  json::parse_options options;
  options.allow_invalid_utf8 = true;  // as Go's decoder
  boost::system::error_code ec;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) return base::Status::Invalid(std::string(what) + " is not JSON: " + ec.message());
  return value;
}

// Go's decoding of one struct field: the last matching key wins. A null
// leaves a string as it was but empties a slice; with `null_is_value` the
// null itself is returned. nullptr: the field stays unset.
const json::value* Field(const json::object& object, std::string_view name, bool null_is_value = false) {
  const json::value* found = nullptr;
  for (const auto& [key, value] : object) {
    if (!GoKeyMatches(std::string_view(key.data(), key.size()), name)) continue;
    if (!value.is_null() || null_is_value) found = &value;
  }
  return found;
}

base::Result<std::string> StringField(const json::object& object, std::string_view name, std::string_view where) {
  const json::value* value = Field(object, name);
  if (!value) return std::string();
  if (!value->is_string()) return base::Status::Invalid(fmt::format("{} of {} is not a string", name, where));
  return std::string(value->get_string());
}

}  // namespace

base::Result<std::string> ParseMasterHostname(std::string_view agent_state) {
  base::Result<json::value> document = ParseJson(agent_state, "the agent's /state");
  if (!document.ok()) return document.status();
  if (document->is_null()) return base::Status::Invalid("the agent's /state is null");
  if (!document->is_object()) return base::Status::Invalid("the agent's /state is not an object");
  base::Result<std::string> master = StringField(document->get_object(), "master_hostname", "the agent's /state");
  if (master.ok() && master->empty()) {
    return base::Status::NotFound("the agent's /state has no master_hostname (is it connected to a master?)");
  }
  return master;
}

base::Result<std::vector<std::string>> ParseAgentHostnames(std::string_view master_slaves) {
  base::Result<json::value> document = ParseJson(master_slaves, "the master's /slaves");
  if (!document.ok()) return document.status();
  std::vector<std::string> hostnames;
  if (document->is_null()) return hostnames;
  if (!document->is_object()) return base::Status::Invalid("the master's /slaves is not an object");
  const json::value* slaves = Field(document->get_object(), "slaves", /*null_is_value=*/true);
  if (!slaves || slaves->is_null()) return hostnames;
  if (!slaves->is_array()) return base::Status::Invalid("slaves of the master's /slaves is not an array");
  for (const json::value& agent : slaves->get_array()) {
    if (agent.is_null()) {
      hostnames.emplace_back();
      continue;
    }
    if (!agent.is_object()) return base::Status::Invalid("an entry of slaves in the master's /slaves is not an object");
    base::Result<std::string> hostname = StringField(agent.get_object(), "hostname", "an agent in /slaves");
    if (!hostname.ok()) return hostname.status();
    hostnames.push_back(std::move(hostname).value());
  }
  return hostnames;
}

namespace {

asio::awaitable<base::Result<std::string>> Get(const std::string& url, std::chrono::nanoseconds timeout) {
  const base::Result<net::HttpUrl> parsed = net::ParseHttpUrl(url);
  if (!parsed.ok()) co_return parsed.status();
  net::Request request;
  request.target = parsed->target;
  const base::Result<net::Response> response =
      co_await net::Fetch(parsed->endpoint, request, base::After(timeout), kMaxMesosBody);
  if (!response.ok()) co_return response.status().Wrap("GET " + url);
  if (response->status / 100 != 2) co_return base::Status::Failed(url + ": " + net::DescribeFailure(request, *response));
  co_return response->body;
}

}  // namespace

asio::awaitable<base::Result<std::vector<std::string>>> FetchSidecarSeeds(std::string agent_endpoint,
                                                                          std::string master_port,
                                                                          std::chrono::nanoseconds http_timeout) {
  const auto timeout = EffectiveHttpTimeout(http_timeout);
  const base::Result<std::string> state = co_await Get("http://" + agent_endpoint + "/state", timeout);
  if (!state.ok()) co_return state.status().Wrap("Unable to fetch Mesos master info from worker endpoint");
  const base::Result<std::string> master = ParseMasterHostname(*state);
  if (!master.ok()) co_return master.status();
  const std::string master_address = master_port.empty() ? *master : *master + ":" + master_port;
  const base::Result<std::string> slaves = co_await Get("http://" + master_address + "/slaves", timeout);
  if (!slaves.ok()) co_return slaves.status().Wrap("Unable to fetch info from master endpoint");
  co_return ParseAgentHostnames(*slaves);
}

SeedExtension::SeedExtension(std::optional<std::string> agent_endpoint, std::string master_port,
                             std::chrono::nanoseconds http_timeout)
    : agent_endpoint_(std::move(agent_endpoint)), master_port_(std::move(master_port)), http_timeout_(http_timeout) {}

asio::awaitable<base::Status> SeedExtension::PrepareLaunch(executor::LaunchPreparation& preparation) {
  if (!agent_endpoint_ || agent_endpoint_->empty()) {
    spdlog::error("Can't get MESOS_AGENT_ENDPOINT from env! Won't provide Sidecar seeds (SIDECAR_SEEDS not set)");
    co_return base::Status::Ok();
  }
  const base::Result<std::vector<std::string>> seeds =
      co_await FetchSidecarSeeds(*agent_endpoint_, master_port_, http_timeout_);
  if (!seeds.ok()) {
    spdlog::error("Won't provide Sidecar seeds (SIDECAR_SEEDS not set), the task launches without: {}",
                  seeds.status().message());
    co_return base::Status::Ok();
  }
  const std::string value = fmt::format("{}", fmt::join(*seeds, ","));
  spdlog::info("Sidecar seeds from the Mesos master: {} agents", seeds->size());
  preparation.extra_env.push_back("SIDECAR_SEEDS=" + value);
  co_return base::Status::Ok();
}

}  // namespace sidecar
