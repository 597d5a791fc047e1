// sidecar/service_instances: our instance's Status in the answer to
// GET /api/services/<name>.json, or nothing, so the full state decides.
#include "sidecar/service_instances.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sidecar {
namespace {

// sidecar-api.md §6, as Sidecar indents it.
constexpr char kWebFrontend[] = R"({
  "Services": {
    "web-frontend": [
      {
        "ID": "c7e14d90a6b2",
        "Name": "web-frontend",
        "Hostname": "mesos-worker-02",
        "Status": 2
      },
      {
        "ID": "3f2a9c1b7d4e",
        "Name": "web-frontend",
        "Hostname": "mesos-worker-01",
        "Ports": [{"Type": "tcp", "Port": 31045, "ServicePort": 8080, "IP": "10.0.1.23"}],
        "Status": 0
      }
    ]
  },
  "ClusterName": "default"
})";

struct Case {
  std::string name;
  std::string document;
  std::string service_name;
  ServiceKey key;
  std::optional<int64_t> status;
};

std::vector<Case> Cases() {
  const ServiceKey ours{"mesos-worker-01", "3f2a9c1b7d4e"};
  const auto with = [](const std::string& instance) {
    return R"({"Services":{"web":[)" + instance + R"(]},"ClusterName":"default"})";
  };
  return {
      {"OursAmongOthers", kWebFrontend, "web-frontend", ours, 0},
      {"TheOtherHostsInstance", kWebFrontend, "web-frontend", ServiceKey{"mesos-worker-02", "c7e14d90a6b2"}, 2},
      {"SameIdOnAnotherHostIsNotOurs", kWebFrontend, "web-frontend", ServiceKey{"mesos-worker-02", "3f2a9c1b7d4e"},
       std::nullopt},
      {"AnotherNamesList", kWebFrontend, "billing-api", ours, std::nullopt},
      {"Tombstone", with(R"({"ID":"3f2a9c1b7d4e","Hostname":"mesos-worker-01","Status":1})"), "web", ours, 1},
      {"StatusMissing", with(R"({"ID":"3f2a9c1b7d4e","Hostname":"mesos-worker-01"})"), "web", ours, std::nullopt},
      {"StatusNotAnInteger", with(R"({"ID":"3f2a9c1b7d4e","Hostname":"mesos-worker-01","Status":"0"})"), "web", ours,
       std::nullopt},
      {"StatusFractional", with(R"({"ID":"3f2a9c1b7d4e","Hostname":"mesos-worker-01","Status":0.5})"), "web", ours,
       std::nullopt},
      {"IdNotAString", with(R"({"ID":7,"Hostname":"mesos-worker-01","Status":0})"), "web", ours, std::nullopt},
      {"InstanceNotAnObject", with(R"("3f2a9c1b7d4e")"), "web", ours, std::nullopt},
      {"ListNotAnArray", R"({"Services":{"web":{}}})", "web", ours, std::nullopt},
      {"ServicesNotAnObject", R"({"Services":[]})", "web", ours, std::nullopt},
      {"NotFoundBody", R"({"message":"no instances of web found","status":"error"})", "web", ours, std::nullopt},
      {"Truncated", std::string(kWebFrontend).substr(0, 200), "web-frontend", ours, std::nullopt},
      {"TrailingGarbage", std::string(kWebFrontend) + "x", "web-frontend", ours, std::nullopt},
      {"Empty", "", "web", ours, std::nullopt},
  };
}

class ServiceInstancesTest : public ::testing::TestWithParam<Case> {};

TEST_P(ServiceInstancesTest, Finds) {
  const Case& c = GetParam();
  EXPECT_EQ(FindInstanceStatus(c.document, c.service_name, c.key), c.status);
}

INSTANTIATE_TEST_SUITE_P(Documents, ServiceInstancesTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace sidecar
