#include "vault/secret_ref.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "vault/api_path.h"

namespace vault {

base::Result<SecretRef> ParseSecretRef(std::string_view value) {
  auto parsed = boost::urls::parse_uri(value);
  if (!parsed) {
    return base::Status::Invalid("'" + std::string(value) + "' is not a valid vault:// URL (" +
                                 parsed.error().message() + ")");
  }
  const boost::urls::url_view& url = *parsed;
  if (!url.encoded_path().empty() && !url.encoded_path().starts_with("/")) {
    // Boost accepts "vault://secret:x/y" as host "secret", port "", path
    // "x/y"; Go's url.Parse refuses the port.
    return base::Status::Invalid("'" + std::string(value) + "' is not a valid vault:// URL (invalid port after host)");
  }
  std::string raw = url.host();
  if (url.has_port()) {
    const std::string_view port = url.port();
    if (port.find_first_not_of("0123456789") != std::string_view::npos) {
      // Go's url.Parse: "invalid port after host".
      return base::Status::Invalid("'" + std::string(value) + "' is not a valid vault:// URL (invalid port \":" +
                                   std::string(port) + "\" after host)");
    }
    raw += ":" + std::string(port);
  }
  raw += url.path();
  SecretRef ref{CleanPath(raw), std::string(kDefaultField)};
  if (ref.path.empty()) return base::Status::Invalid("'" + std::string(value) + "' names no Vault path");
  // Boost.URL 1.81's params() of an empty query before a fragment ("x?#f")
  // reads on past the query, through the fragment and beyond the string
  // (found by fuzz/secret_ref_fuzzer); an empty query has no key anyway.
  if (url.encoded_query().empty()) return ref;
  // Go's url.Query() decodes '+' as a space.
  for (const auto& param : url.params(boost::urls::encoding_opts(true))) {
    if (param.key != "key") continue;
    if (param.value.empty()) return base::Status::Invalid("'" + std::string(value) + "' has an empty ?key=");
    ref.field = param.value;
    break;
  }
  return ref;
}

}  // namespace vault
