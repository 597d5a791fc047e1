// Reads the JSON-lines body of POST /images/create (docker-engine-api.md §2.3).
//
// A pull succeeded only if the HTTP status was 2xx AND no line carried
// "error"/"errorDetail": registry failures after streaming began arrive
// inside the 200 body. Progress is reduced to status changes per layer so a
// caller can log them without a line per downloaded kilobyte.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"

namespace docker {

struct PullProgress {
  std::string id;  // layer id, the tag for "Pulling from ...", empty for summary lines
  std::string
      status;  // "Pulling fs layer", "Download complete", "Status: Downloaded newer image for ..."
};

class PullProgressParser {
 public:
  using Handler = std::function<void(const PullProgress&)>;

  explicit PullProgressParser(Handler handler);

  // Any split of the body is fine. Returns the first failure, with Docker's
  // message and the code of PullFailureCode(0, message); every later call
  // returns the same failure. A line that is not a JSON object is a failure
  // too (Unavailable: the stream is corrupt, a new attempt may do better).
  base::Status Feed(std::string_view bytes);
  // At the end of the body: parses a last line that had no '\n'.
  base::Status Finish();

 private:
  base::Status ParseLine(std::string_view line);

  Handler handler_;
  std::string partial_;
  std::map<std::string, std::string> last_status_;  // by id
  base::Status failure_;
};

}  // namespace docker
