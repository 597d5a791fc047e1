// sidecar/state_document: Servers[host].Services[id].Status as upstream's
// Go decoder saw it, fed whole, split at every byte, and byte by byte.
#include "sidecar/state_document.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace sidecar {
namespace {

using Outcome = StateLookup::Outcome;

// sidecar-api.md §2.7, as Sidecar sends it (compact).
constexpr char kExample[] =
    R"({"Servers":{"mesos-worker-01":{"Name":"mesos-worker-01","Services":{"3f2a9c1b7d4e":{"ID":"3f2a9c1b7d4e",)"
    R"("Name":"web-frontend","Image":"registry.example.com/web-frontend:1.4.2","Created":"2024-03-05T09:14:07Z",)"
    R"("Hostname":"mesos-worker-01","Ports":[{"Type":"tcp","Port":31045,"ServicePort":8080,"IP":"10.0.1.23"}],)"
    R"("Updated":"2024-03-05T10:02:11.4829157Z","ProxyMode":"http","Status":0},"a81c0e5f2b39":{"ID":"a81c0e5f2b39",)"
    R"("Name":"billing-api","Image":"registry.example.com/billing-api:2.0.0","Created":"2024-03-05T08:51:40Z",)"
    R"("Hostname":"mesos-worker-01","Ports":[{"Type":"tcp","Port":31872,"ServicePort":9000,"IP":"10.0.1.23"}],)"
    R"("Updated":"2024-03-05T10:02:10.913004112Z","ProxyMode":"tcp","Status":4}},)"
    R"("LastUpdated":"2024-03-05T10:02:11.4829157Z","LastChanged":"2024-03-05T10:01:58.104237911Z"},)"
    R"("mesos-worker-02":{"Name":"mesos-worker-02","Services":{"c7e14d90a6b2":{"ID":"c7e14d90a6b2",)"
    R"("Name":"web-frontend","Image":"registry.example.com/web-frontend:1.4.2","Created":"2024-03-05T09:15:22Z",)"
    R"("Hostname":"mesos-worker-02","Ports":[{"Type":"tcp","Port":31002,"ServicePort":8080,"IP":"10.0.1.24"},)"
    R"({"Type":"udp","Port":31003,"ServicePort":0,"IP":"10.0.1.24"}],"Updated":"2024-03-05T10:01:44.300000051Z",)"
    R"("ProxyMode":"http","Status":2}},"LastUpdated":"2024-03-05T10:01:44.300000051Z",)"
    R"("LastChanged":"2024-03-05T10:01:44.300000051Z"}},"LastChanged":"2024-03-05T10:01:58.104237911Z",)"
    R"("ClusterName":"default","Hostname":"mesos-worker-01"})";

// The same document as a person would write it: pretty, with a \u escape.
constexpr char kPrettyExample[] = R"({
  "Servers": {
    "mesos-worker-01": {
      "Name": "mesos-worker-01",
      "Services": {
        "3f2a9c1b7d4e": { "ID": "3f2a9c1b7d4e", "Name": "a \u003c b \"quoted\"", "Status": 2 }
      }
    }
  }
}
)";

struct Case {
  std::string name;
  std::string document;
  std::string host;
  std::string id;
  Outcome outcome;
  int64_t status = 0;
};

// {"Servers":{"h":{"Services":{"id":<service>}}}}
std::string One(const std::string& service) { return R"({"Servers":{"h":{"Services":{"id":)" + service + "}}}}"; }
// Our service healthy, and another host's service carrying `other`.
std::string WithOther(const std::string& other) {
  return R"({"Servers":{"h":{"Services":{"id":{"Status":0}}},"x":{"Services":{"y":)" + other + "}}}}";
}

std::vector<Case> Cases() {
  return {
      // sidecar-api.md §2.7.
      {"example_alive", kExample, "mesos-worker-01", "3f2a9c1b7d4e", Outcome::kFound, 0},
      {"example_draining", kExample, "mesos-worker-01", "a81c0e5f2b39", Outcome::kFound, 4},
      {"example_unhealthy_other_host", kExample, "mesos-worker-02", "c7e14d90a6b2", Outcome::kFound, 2},
      {"example_host_missing", kExample, "mesos-worker-03", "3f2a9c1b7d4e", Outcome::kHostMissing},
      {"example_service_on_another_host", kExample, "mesos-worker-01", "c7e14d90a6b2", Outcome::kServiceMissing},
      {"example_empty_task_host", kExample, "", "3f2a9c1b7d4e", Outcome::kHostMissing},
      {"example_pretty_with_escapes", kPrettyExample, "mesos-worker-01", "3f2a9c1b7d4e", Outcome::kFound, 2},
      // Odd statuses are integers all the same.
      {"status_tombstone", One(R"({"Status":1})"), "h", "id", Outcome::kFound, 1},
      {"status_unknown", One(R"({"Status":3})"), "h", "id", Outcome::kFound, 3},
      {"status_negative", One(R"({"Status":-1})"), "h", "id", Outcome::kFound, -1},
      {"status_minus_zero", One(R"({"Status":-0})"), "h", "id", Outcome::kFound, 0},
      {"status_unexpected", One(R"({"Status":7})"), "h", "id", Outcome::kFound, 7},
      {"status_int64_max", One(R"({"Status":9223372036854775807})"), "h", "id", Outcome::kFound,
       9223372036854775807LL},
      {"status_int64_min", One(R"({"Status":-9223372036854775808})"), "h", "id", Outcome::kFound,
       std::numeric_limits<int64_t>::min()},
      // Missing and null.
      {"status_missing_is_zero", One(R"({"ID":"id"})"), "h", "id", Outcome::kFound, 0},
      {"status_null_is_zero", One(R"({"Status":null})"), "h", "id", Outcome::kFound, 0},
      {"status_null_keeps_value", One(R"({"Status":2,"Status":null})"), "h", "id", Outcome::kFound, 2},
      {"service_null_is_zero", One("null"), "h", "id", Outcome::kFound, 0},
      {"host_null", R"({"Servers":{"h":null}})", "h", "id", Outcome::kServiceMissing},
      {"services_null", R"({"Servers":{"h":{"Services":null}}})", "h", "id", Outcome::kServiceMissing},
      {"services_null_empties", R"({"Servers":{"h":{"Services":{"id":{}},"Services":null}}})", "h", "id",
       Outcome::kServiceMissing},
      {"servers_null", R"({"Servers":null})", "h", "id", Outcome::kHostMissing},
      {"servers_null_empties", R"({"Servers":{"h":{"Services":{"id":{}}}},"Servers":null})", "h", "id",
       Outcome::kHostMissing},
      {"document_null", "null", "h", "id", Outcome::kHostMissing},
      {"no_servers", R"({"ClusterName":"default"})", "h", "id", Outcome::kHostMissing},
      {"empty_servers", R"({"Servers":{}})", "h", "id", Outcome::kHostMissing},
      {"sidecar_error_body", R"({"message":"Not Found - Invalid content type extension","status":"error"})", "h",
       "id", Outcome::kHostMissing},
      // Go's key matching: fields fold case, map keys are exact.
      {"keys_lower_case", R"({"servers":{"h":{"services":{"id":{"status":2}}}}})", "h", "id", Outcome::kFound, 2},
      {"keys_upper_case", R"({"SERVERS":{"h":{"SERVICES":{"id":{"STATUS":2}}}}})", "h", "id", Outcome::kFound, 2},
      {"keys_long_s", "{\"\xC5\xBF" "ervers\":{\"h\":{\"Services\":{\"id\":{\"\xC5\xBFtatus\":2}}}}}", "h", "id",
       Outcome::kFound, 2},
      {"keys_escaped", R"({"Serv\u0065rs":{"\u0068":{"Services":{"i\u0064":{"St\u0061tus":1}}}}})", "h", "id",
       Outcome::kFound, 1},
      {"key_near_miss", R"({"Server":{"h":{"Services":{"id":{"Status":2}}}}})", "h", "id", Outcome::kHostMissing},
      {"host_key_is_exact", kExample, "Mesos-Worker-01", "3f2a9c1b7d4e", Outcome::kHostMissing},
      {"service_key_is_exact", kExample, "mesos-worker-01", "3F2A9C1B7D4E", Outcome::kServiceMissing},
      {"full_container_id_is_not_the_key", kExample, "mesos-worker-01",
       "3f2a9c1b7d4e0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293", Outcome::kServiceMissing},
      // Duplicates: the last wins; a repeated map adds to the first.
      {"duplicate_status", One(R"({"Status":2,"status":0})"), "h", "id", Outcome::kFound, 0},
      {"duplicate_service", R"({"Servers":{"h":{"Services":{"id":{"Status":2},"id":{"ID":"id"}}}}})", "h", "id",
       Outcome::kFound, 0},
      {"duplicate_host_replaces", R"({"Servers":{"h":{"Services":{"id":{"Status":2}}},"h":{"Services":{}}}})", "h",
       "id", Outcome::kServiceMissing},
      {"repeated_servers_merge", R"({"Servers":{"h":{"Services":{"id":{"Status":2}}}},"servers":{"x":{}}})", "h",
       "id", Outcome::kFound, 2},
      {"repeated_services_merge", R"({"Servers":{"h":{"Services":{"id":{"Status":1}},"Services":{"z":{}}}}})", "h",
       "id", Outcome::kFound, 1},
      // Status only counts in a service object.
      {"status_elsewhere_ignored",
       R"({"Status":"x","Servers":{"h":{"Status":"x","Services":{"id":{"Ports":[{"Status":"x"}],"Status":2}}}}})",
       "h", "id", Outcome::kFound, 2},
      {"unknown_keys_any_shape", One(R"({"Extra":[[[{"a":[1,2.5,"s",true,null]}]]],"Status":4})"), "h", "id",
       Outcome::kFound, 4},
      {"invalid_utf8_in_strings", One("{\"Name\":\"\xFF\xFE\",\"Status\":2}"), "h", "id", Outcome::kFound, 2},
      {"trailing_white_space", One(R"({"Status":2})") + " \n\t\r ", "h", "id", Outcome::kFound, 2},
      // A non-integer Status anywhere: upstream could not decode the document.
      {"status_float", One(R"({"Status":2.0})"), "h", "id", Outcome::kUndecodable},
      {"status_exponent", One(R"({"Status":1e0})"), "h", "id", Outcome::kUndecodable},
      {"status_string", One(R"({"Status":"2"})"), "h", "id", Outcome::kUndecodable},
      {"status_bool", One(R"({"Status":true})"), "h", "id", Outcome::kUndecodable},
      {"status_object", One(R"({"Status":{}})"), "h", "id", Outcome::kUndecodable},
      {"status_array", One(R"({"Status":[2]})"), "h", "id", Outcome::kUndecodable},
      {"status_beyond_int64", One(R"({"Status":9223372036854775808})"), "h", "id", Outcome::kUndecodable},
      {"status_below_int64", One(R"({"Status":-9223372036854775809})"), "h", "id", Outcome::kUndecodable},
      {"other_host_status_string", WithOther(R"({"Status":"0"})"), "h", "id", Outcome::kUndecodable},
      {"other_host_status_float", WithOther(R"({"Status":0.5})"), "h", "id", Outcome::kUndecodable},
      {"other_host_service_not_object", WithOther("5"), "h", "id", Outcome::kUndecodable},
      {"other_host_fine", WithOther(R"({"Status":9})"), "h", "id", Outcome::kFound, 0},
      {"unknown_status_after_ours", R"({"Servers":{"h":{"Services":{"id":{"Status":2},"z":{"Status":"x"}}}}})", "h",
       "id", Outcome::kUndecodable},
      // Wrong shapes on the path.
      {"servers_array", R"({"Servers":[]})", "h", "id", Outcome::kUndecodable},
      {"servers_string", R"({"Servers":"h"})", "h", "id", Outcome::kUndecodable},
      {"host_array", R"({"Servers":{"h":[]}})", "h", "id", Outcome::kUndecodable},
      {"other_host_number", R"({"Servers":{"x":1,"h":{"Services":{"id":{}}}}})", "h", "id", Outcome::kUndecodable},
      {"services_array", R"({"Servers":{"h":{"Services":[]}}})", "h", "id", Outcome::kUndecodable},
      {"service_string", One(R"("up")"), "h", "id", Outcome::kUndecodable},
      {"document_array", "[]", "h", "id", Outcome::kUndecodable},
      {"document_string", R"("state")", "h", "id", Outcome::kUndecodable},
      {"document_number", "5", "h", "id", Outcome::kUndecodable},
      // Not JSON.
      {"empty_body", "", "h", "id", Outcome::kUndecodable},
      {"white_space_only", "  \n", "h", "id", Outcome::kUndecodable},
      {"truncated", std::string(kExample).substr(0, 200), "mesos-worker-01", "3f2a9c1b7d4e", Outcome::kUndecodable},
      {"syntax_error_after_our_service", R"({"Servers":{"h":{"Services":{"id":{"Status":2}},"x":]}}})", "h", "id",
       Outcome::kUndecodable},
      {"trailing_data", One(R"({"Status":2})") + "{}", "h", "id", Outcome::kUndecodable},
      {"trailing_comma", R"({"Servers":{"h":{"Services":{"id":{"Status":2},}}}})", "h", "id", Outcome::kUndecodable},
      {"comment", R"({"Servers":/* no */{}})", "h", "id", Outcome::kUndecodable},
      {"unquoted_key", R"({Servers:{}})", "h", "id", Outcome::kUndecodable},
      {"html_error_page", "<html><body>502 Bad Gateway</body></html>", "h", "id", Outcome::kUndecodable},
  };
}

void ExpectLookup(const Case& c, const StateLookup& got, const std::string& how) {
  EXPECT_EQ(static_cast<int>(got.outcome), static_cast<int>(c.outcome)) << c.name << " " << how << ": " << got.error;
  if (c.outcome == Outcome::kFound) {
    EXPECT_EQ(got.status, c.status) << c.name << " " << how;
  }
  if (c.outcome == Outcome::kUndecodable) {
    EXPECT_FALSE(got.error.empty()) << c.name << " " << how;
  }
}

class StateDocumentTest : public ::testing::TestWithParam<Case> {};

TEST_P(StateDocumentTest, WholeDocument) {
  const Case& c = GetParam();
  ExpectLookup(c, LookUpService(c.document, ServiceKey{c.host, c.id}), "whole");
}

TEST_P(StateDocumentTest, EverySplitIntoTwoPieces) {
  const Case& c = GetParam();
  StateDocumentReader reader(ServiceKey{c.host, c.id});  // reused: Finish() readies it again
  for (std::size_t at = 0; at <= c.document.size(); ++at) {
    reader.Feed(std::string_view(c.document).substr(0, at));
    reader.Feed(std::string_view(c.document).substr(at));
    ExpectLookup(c, reader.Finish(), "split at " + std::to_string(at));
  }
}

TEST_P(StateDocumentTest, ByteByByte) {
  const Case& c = GetParam();
  StateDocumentReader reader(ServiceKey{c.host, c.id});
  for (char byte : c.document) reader.Feed(std::string_view(&byte, 1));
  ExpectLookup(c, reader.Finish(), "byte by byte");
}

INSTANTIATE_TEST_SUITE_P(Documents, StateDocumentTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(StateDocument, UndecodableSaysWhy) {
  const StateLookup lookup = LookUpService(WithOther(R"({"Status":"0"})"), ServiceKey{"h", "id"});
  EXPECT_EQ(lookup.error, R"(Status of service "y" on host "x" is a string, not an integer)");
  const StateLookup syntax = LookUpService(R"({"Servers":{]})", ServiceKey{"h", "id"});
  EXPECT_NE(syntax.error.find("invalid JSON at byte"), std::string::npos) << syntax.error;
}

TEST(StateDocument, FeedReportsUndecodableEarlyAndIgnoresTheRest) {
  StateDocumentReader reader(ServiceKey{"h", "id"});
  EXPECT_TRUE(reader.Feed(R"({"Servers":)"));
  EXPECT_FALSE(reader.Feed(R"([)"));
  EXPECT_FALSE(reader.Feed(R"(anything at all)"));
  EXPECT_EQ(reader.Finish().outcome, Outcome::kUndecodable);
  // And the next document is read afresh.
  EXPECT_TRUE(reader.Feed(One(R"({"Status":1})")));
  const StateLookup next = reader.Finish();
  EXPECT_EQ(next.outcome, Outcome::kFound);
  EXPECT_EQ(next.status, 1);
}

TEST(StateDocument, DeepUnknownValuesAreSkipped) {
  const std::string deep = std::string(500, '[') + std::string(500, ']');
  const StateLookup lookup = LookUpService(One(R"({"Extra":)" + deep + R"(,"Status":2})"), ServiceKey{"h", "id"});
  EXPECT_EQ(lookup.outcome, Outcome::kFound) << lookup.error;
  EXPECT_EQ(lookup.status, 2);
}

// The Name Sidecar files our service under: what later polls ask for.
TEST(StateDocument, NameOfOurServiceIsKept) {
  struct NameCase {
    std::string service;
    std::string name;
  };
  const std::vector<NameCase> cases = {
      {R"({"Name":"web","Status":0})", "web"},
      {R"({"Status":0,"nAmE":"web"})", "web"},                      // Go's key folding
      {R"({"Name":"a \u003c b \"q\"","Status":0})", "a < b \"q\""},  // escapes decoded
      {R"({"Name":"old","Name":"new"})", "new"},                    // the last key wins
      {R"({"Name":"web","Name":null})", "web"},                     // null leaves a Go string as it was
      {R"({"Name":["web"],"Status":1})", ""},                       // not a string: skipped
      {R"({"Name":{"x":"web"},"Status":1})", ""},
      {R"({"Name":7,"Status":1})", ""},
      {R"({"Status":0})", ""},
  };
  for (const NameCase& c : cases) {
    const std::string document = One(c.service);
    StateDocumentReader reader(ServiceKey{"h", "id"});
    for (std::size_t at = 0; at <= document.size(); ++at) {
      reader.Feed(std::string_view(document).substr(0, at));
      reader.Feed(std::string_view(document).substr(at));
      const StateLookup lookup = reader.Finish();
      EXPECT_EQ(lookup.outcome, Outcome::kFound) << c.service << " split at " << at << ": " << lookup.error;
      EXPECT_EQ(lookup.name, c.name) << c.service << " split at " << at;
    }
  }
  // Another service's Name is not ours.
  const StateLookup other = LookUpService(
      R"({"Servers":{"h":{"Services":{"x":{"Name":"theirs"},"id":{"Status":0},"y":{"Name":"late"}}}}})",
      ServiceKey{"h", "id"});
  EXPECT_EQ(other.outcome, Outcome::kFound);
  EXPECT_EQ(other.name, "");
  EXPECT_EQ(LookUpService(kExample, ServiceKey{"mesos-worker-01", "a81c0e5f2b39"}).name, "billing-api");
}

TEST(StateDocument, StatusNames) {
  EXPECT_EQ(StatusName(0), "ALIVE");
  EXPECT_EQ(StatusName(1), "TOMBSTONE");
  EXPECT_EQ(StatusName(2), "UNHEALTHY");
  EXPECT_EQ(StatusName(3), "UNKNOWN");
  EXPECT_EQ(StatusName(4), "DRAINING");
  EXPECT_EQ(StatusName(-1), "status -1");
}

}  // namespace
}  // namespace sidecar
