// Docker's error responses as Status values.
//
// The message keeps Docker's own words, prefixed with our step, e.g.
// "create container mesos-1: 404 No such image: x:latest", because it ends
// up verbatim in a TaskStatus. The code is what callers branch on.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace docker {

// The text of an error body: the "message" of {"message": "..."}, else the
// trimmed body itself ("too old" version errors are text/plain).
std::string DockerMessage(std::string_view body);

// "<step>: <status> <message>". 400 Invalid, 404 NotFound, 409 Conflict,
// 502/503/504 Unavailable, anything else Failed (Docker answers 500 for
// most refusals, e.g. a malformed create body, that a retry will not cure).
base::Status ErrorFromResponse(std::string_view step, unsigned http_status, std::string_view body);

// The code of a failed pull, from the HTTP status (0 for an error inside the
// 200 progress stream) and Docker's message. The daemon reports registry
// trouble as 500 or in-stream, whatever the cause, so the message decides:
// missing images and credential problems are permanent (NotFound, Failed),
// other 5xx and stream errors are Unavailable (a retry may help).
base::StatusCode PullFailureCode(unsigned http_status, std::string_view message);

// Whether Docker's message says the registry refused the credentials sent,
// or wanted some and got none ("unauthorized: authentication required",
// "no basic auth credentials"). Never retried: the same credentials fail again.
bool IsAuthenticationFailure(std::string_view message);

// A failed pull from `registry` (the image's domain) as a Status with
// PullFailureCode's code. The message is Docker's, after the HTTP status
// when there was one ("500 ..."); for an authentication failure it is
// "authentication failed for registry <registry>: <Docker's message>".
base::Status PullFailure(std::string_view registry, unsigned http_status, std::string_view message);

}  // namespace docker
