// A temporary directory removed (recursively) on destruction.
#pragma once

#include <string>
#include <string_view>

namespace eventstreams::testing {

class TempDir {
 public:
  // Creates $TMPDIR/<prefix>XXXXXX (TMPDIR defaults to /tmp); throws on failure.
  explicit TempDir(std::string_view prefix = "es-test-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the file's full path.
  std::string write(std::string_view name, std::string_view content) const;
  // Leaves the directory in place (e.g. to inspect it after a failure).
  void keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace eventstreams::testing
