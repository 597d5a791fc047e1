// One RecordIO record of the agent's event stream -> mesos::Event
// (mesos/messages.h), and the echo of a launched TaskInfo in SUBSCRIBE.
// Invariants: a launched task has the task id TaskIdOf finds; raw bytes
// decoded from base64 encode back to base64 that decodes to them; the
// SUBSCRIBE that echoes the tasks is JSON and holds each task's text.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/base64.h"
#include "mesos/messages.h"

namespace {

const mesos::CallIds kIds{"framework-1", "executor-1"};

void CheckLaunched(const std::vector<mesos::Launch>& launches) {
  std::vector<const boost::json::object*> tasks;
  for (const mesos::Launch& launch : launches) {
    const base::Result<std::string> id = mesos::TaskIdOf(launch.task);
    if (!id.ok() || *id != launch.task_id || launch.task_id.empty()) __builtin_trap();
    tasks.push_back(&launch.task);
  }
  const std::string text = mesos::SubscribeCall(kIds, tasks, {});
  boost::system::error_code ec;
  const boost::json::value call = boost::json::parse(text, ec);
  if (ec) __builtin_trap();
  const boost::json::value* echoed = call.at("subscribe").as_object().if_contains("unacknowledged_tasks");
  if (tasks.empty()) {
    if (echoed) __builtin_trap();
    return;
  }
  if (!echoed || echoed->as_array().size() != tasks.size()) __builtin_trap();
  // Compared as text: Boost.JSON 1.81 reads long mantissas to within an
  // ulp, so parsing the echo back may not give the very same double.
  for (const boost::json::object* task : tasks) {
    if (text.find(boost::json::serialize(*task)) == std::string::npos) __builtin_trap();
  }
}

void CheckRoundTrip(const std::string& raw) {
  const std::optional<std::string> again = base::Base64Decode(base::Base64Encode(raw));
  if (!again || *again != raw) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const base::Result<mesos::Event> event =
      mesos::ParseEvent(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!event.ok()) return 0;
  if (const auto* launch = std::get_if<mesos::Launch>(&*event)) {
    CheckLaunched({*launch});
  } else if (const auto* group = std::get_if<mesos::LaunchGroup>(&*event)) {
    CheckLaunched(group->tasks);
  } else if (const auto* acknowledged = std::get_if<mesos::Acknowledged>(&*event)) {
    CheckRoundTrip(acknowledged->uuid);
  } else if (const auto* message = std::get_if<mesos::Message>(&*event)) {
    CheckRoundTrip(message->data);
  } else if (const auto* kill = std::get_if<mesos::Kill>(&*event)) {
    if (kill->grace && kill->grace->count() < 0) __builtin_trap();
  }
  return 0;
}
