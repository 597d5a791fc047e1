# cmake -DFILE=<path> -P write_sha256.cmake: writes <path>.sha256 in
# sha256sum's format, so `sha256sum -c sidecar-executor.sha256` checks the
# installed binary and executor.sh can check each copy against it.
file(SHA256 "${FILE}" digest)
get_filename_component(name "${FILE}" NAME)
file(WRITE "${FILE}.sha256" "${digest}  ${name}\n")
