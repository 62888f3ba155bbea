// SPDX-License-Identifier: Apache-2.0
#include "config/schema_directory.hpp"

#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>

namespace atsync::host::config {

Expected<SchemaDirectory, std::string> SchemaDirectory::load(const std::filesystem::path& dir) {
  SchemaDirectory out;
  out.dir_ = dir;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    constexpr std::string_view kSuffix = ".schema.json";
    if (name.size() <= kSuffix.size() || name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    boost::system::error_code parse_error;
    auto value = boost::json::parse(text.str(), parse_error);
    if (parse_error) return unexpected(entry.path().string() + ": not JSON (" + parse_error.message() + ")");
    out.files_.emplace(name, std::move(value));
  }
  if (ec) return unexpected(dir.string() + ": cannot read the schema folder (" + ec.message() + ")");
  if (out.files_.empty()) return unexpected(dir.string() + ": no *.schema.json files (the SDK's sdk/schema folder?)");
  return out;
}

Expected<SchemaDirectory, std::string> SchemaDirectory::fromTexts(
    const std::string& label, const std::vector<std::pair<std::string, std::string_view>>& files) {
  SchemaDirectory out;
  out.dir_ = label;
  for (const auto& [name, text] : files) {
    boost::system::error_code parse_error;
    auto value = boost::json::parse(text, parse_error);
    if (parse_error) return unexpected(label + ": " + name + ": not JSON (" + parse_error.message() + ")");
    out.files_.emplace(name, std::move(value));
  }
  if (out.files_.empty()) return unexpected(label + ": no schemas");
  return out;
}

const boost::json::value* SchemaDirectory::find(std::string_view file) const {
  auto it = files_.find(file);
  return it == files_.end() ? nullptr : &it->second;
}

std::vector<SchemaError> SchemaDirectory::validate(std::string_view ref, const boost::json::value& instance,
                                                   std::string root_name) const {
  // A one-line wrapper schema lets validateJson resolve the file and the fragment like any other $ref.
  const boost::json::value wrapper = boost::json::object{{"$ref", ref}};
  ValidateOptions options;
  options.root_name = std::move(root_name);
  options.resolve_ref = [this](std::string_view file) { return find(file); };
  return validateJson(wrapper, instance, options);
}

}  // namespace atsync::host::config
