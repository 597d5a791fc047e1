// The daemon's JSON answers (docker/responses.h: image and container
// inspect, wait, list, create) and its error bodies (docker/api_error.h).
// Every parser reads every input: the fuzzer does not need to know which
// endpoint a body came from.
// Invariant: a container name is Docker's with its one leading '/' removed,
// and otherwise unchanged (Docker never sends "//name", but the parser must
// not eat more than the one slash it owes).
#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "docker/api_error.h"
#include "docker/responses.h"

namespace {

namespace json = boost::json;

void CheckName(const json::value& sent, const std::string& parsed) {
  if (!sent.is_string()) return;
  const std::string_view raw = sent.as_string();
  if (raw != parsed && raw != "/" + parsed) __builtin_trap();
}

// The names Docker sent for each listed container, in the parser's order.
std::vector<std::vector<const json::value*>> SentNames(const json::value& root) {
  std::vector<std::vector<const json::value*>> out;
  if (!root.is_array()) return out;
  for (const json::value& item : root.as_array()) {
    if (!item.is_object()) continue;
    std::vector<const json::value*>& names = out.emplace_back();
    const json::value* list = item.as_object().if_contains("Names");
    if (!list || !list->is_array()) continue;
    for (const json::value& name : list->as_array()) {
      if (name.is_string()) names.push_back(&name);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  const json::value sent = json::parse(body, ec);

  (void)docker::ParseImageInfo(body);
  (void)docker::ParseExitStatus(body);
  (void)docker::ParseCreatedId(body);
  const base::Result<docker::ContainerState> state = docker::ParseContainerState(body);
  if (state.ok()) {
    const json::value* name = sent.as_object().if_contains("Name");
    if (name) CheckName(*name, state->name);
  }
  const base::Result<std::vector<docker::ContainerSummary>> list = docker::ParseContainerList(body);
  if (list.ok()) {
    const std::vector<std::vector<const json::value*>> names = SentNames(sent);
    if (names.size() != list->size()) __builtin_trap();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i].size() != (*list)[i].names.size()) __builtin_trap();
      for (std::size_t j = 0; j < names[i].size(); ++j) CheckName(*names[i][j], (*list)[i].names[j]);
    }
  }
  const base::Status error = docker::ErrorFromResponse("create container mesos-1", 500, body);
  if (error.ok()) __builtin_trap();
  (void)docker::PullFailure("registry.example", 500, docker::DockerMessage(body));
  return 0;
}
