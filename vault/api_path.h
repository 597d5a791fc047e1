// Request paths for Vault's HTTP API.
//
// Vault's Go client cleans every path (path.Join: "." and ".." resolved,
// duplicate and trailing slashes dropped) and percent-encodes what a URL
// path cannot carry; so do we, so that a vault:// reference reaches the
// same Vault path it reached upstream.
#pragma once

#include <string>
#include <string_view>

namespace vault {

// "secret//a/./b/../c/" -> "secret/a/c"; never starts or ends with '/'.
std::string CleanPath(std::string_view path);

// Percent-encodes bytes outside RFC 3986's path characters ('/' kept).
std::string EncodePath(std::string_view path);

}  // namespace vault
