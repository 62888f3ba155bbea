// SPDX-License-Identifier: Apache-2.0
#include "config/config_loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "config/document_parser.hpp"
#include "config/yaml_reader.hpp"

namespace atsync::host::config {
namespace {

// yaml-cpp 0.7 (Debian 12) loops forever in LoadAll on some malformed input, e.g. a line starting with ',': its
// parser reports a new document at the same token again and again without consuming it, growing memory until
// the process dies (fixed upstream after 0.8). A first pass that only watches where documents start stops at
// the first document that starts where the previous one did, with a syntax error at that place.
class DocumentStarts final : public YAML::EventHandler {
public:
  std::vector<YAML::Mark> marks;

  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::vector<YAML::Node> loadAllDocuments(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  while (parser.HandleNextDocument(starts)) {
    const std::size_t n = starts.marks.size();
    if (n >= 2 && starts.marks[n - 1].pos == starts.marks[n - 2].pos) {
      throw YAML::ParserException(starts.marks[n - 1], "unexpected token where a document should start");
    }
  }
  return YAML::LoadAll(text);
}

// yaml-cpp accepts control characters and invalid UTF-8 silently and has surprising ideas about NUL bytes;
// a config file with either is binary or corrupt, so say so with the position of the first bad byte.
std::optional<Diagnostic> checkText(std::string_view text, const std::string& file) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  if (text.starts_with("\xEF\xBB\xBF")) i = 3;  // a UTF-8 byte order mark is harmless
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", c);
        return Diagnostic{{file, line, column},
                          std::string("the file contains a control character (byte ") + hex +
                              "); is it a binary file?"};
      }
      length = 1;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      length = 2;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      length = 4;
    }
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (!valid) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", c);
      return Diagnostic{{file, line, column},
                        std::string("the file is not valid UTF-8 text (byte ") + hex + "); save it as UTF-8"};
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return std::nullopt;
}

// A hint for the most common syntax error of this format: `{ key: ${VAR} }` — braces end a flow mapping.
std::string syntaxHint(std::string_view text, int line0) {
  std::size_t start = 0;
  for (int l = 0; l < line0 && start != std::string_view::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos) return "";
  const std::string_view line = text.substr(start, text.find('\n', start) - start);
  if (line.find("${") != std::string_view::npos && line.find_first_of("{[") != std::string_view::npos) {
    return " (inside { } or [ ], quote values that contain ${...}: \"${VAR}\")";
  }
  return "";
}

LoadResult loadText(std::string_view text, const std::string& file, const CatalogProvider& catalogs,
                    const Environment& env, const LoadOptions& options) {
  LoadResult result;
  YamlReader reader(file, env);
  const auto finish = [&](std::optional<Config> config) {
    std::vector<Diagnostic> diagnostics = std::move(reader.diagnostics());
    // File order reads like the file; diagnostics without a line (whole file) come first.
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.location.line, a.location.column) < std::tie(b.location.line, b.location.column);
    });
    result.diagnostics = std::move(diagnostics);
    if (!hasErrors(result.diagnostics)) result.config = std::move(config);
    return result;
  };

  if (text.size() > kMaxConfigBytes) {
    reader.diagnostics().push_back({{file, 0, 0},
                                    "the file is " + std::to_string(text.size()) + " bytes; a config file may be at most " +
                                        std::to_string(kMaxConfigBytes) + " bytes"});
    return finish(std::nullopt);
  }
  if (auto bad = checkText(text, file)) {
    reader.diagnostics().push_back(*bad);
    return finish(std::nullopt);
  }

  std::vector<YAML::Node> documents;
  try {
    documents = loadAllDocuments(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own message for this is "bad file", which helps nobody.
    reader.error(e.mark, "YAML syntax error: nested too deeply (" + std::to_string(e.depth()) +
                             " levels); a config file needs a handful");
    return finish(std::nullopt);
  } catch (const YAML::Exception& e) {
    reader.error(e.mark, "YAML syntax error: " + e.msg + syntaxHint(text, e.mark.line));
    return finish(std::nullopt);
  } catch (const std::exception& e) {
    // yaml-cpp documents only YAML::Exception, but a parser fed hostile input may run out of memory.
    reader.diagnostics().push_back({{file, 0, 0}, std::string("could not parse the file: ") + e.what()});
    return finish(std::nullopt);
  }
  if (documents.empty() || (documents.size() == 1 && documents[0].IsNull())) {
    reader.diagnostics().push_back(
        {{file, 0, 0}, "the file is empty; expected a mapping starting with 'version: 1' (see DESIGN.md §5)"});
    return finish(std::nullopt);
  }
  if (documents.size() > 1) {
    reader.error(documents[1].Mark(), "the file holds " + std::to_string(documents.size()) +
                                          " YAML documents; a config file holds exactly one ('---' starts another)");
    return finish(std::nullopt);
  }

  std::filesystem::path base = options.base_dir;
  if (base.empty()) {
    std::error_code ec;
    base = std::filesystem::current_path(ec);
  }
  detail::DocumentParser parser(reader, catalogs, base);
  Config config = parser.parse(documents[0]);
  return finish(std::move(config));
}

CatalogProvider fixedCatalog(const PluginCatalog& catalog) {
  return [&catalog](const std::vector<std::filesystem::path>&) { return &catalog; };
}

} // namespace

std::string LoadResult::report() const {
  std::string out;
  for (const auto& d : diagnostics) {
    out += d.toString();
    out += '\n';
  }
  return out;
}

LoadResult loadConfig(const std::filesystem::path& file, const CatalogProvider& catalogs, const Environment& env,
                      const LoadOptions& options) {
  const std::string name = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    LoadResult result;
    result.diagnostics.push_back({{name, 0, 0}, "cannot read the config file: it is a directory"});
    return result;
  }
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > kMaxConfigBytes) {
    LoadResult result;
    result.diagnostics.push_back({{name, 0, 0},
                                  "the file is " + std::to_string(size) + " bytes; a config file may be at most " +
                                      std::to_string(kMaxConfigBytes) + " bytes"});
    return result;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    LoadResult result;
    const std::string reason = ec ? ec.message() : std::string("cannot open it");
    result.diagnostics.push_back({{name, 0, 0}, "cannot read the config file: " + reason});
    return result;
  }
  // Read at most one byte past the limit: a device such as /dev/zero has no size and never ends.
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    LoadResult result;
    result.diagnostics.push_back({{name, 0, 0}, "the file is larger than " + std::to_string(kMaxConfigBytes) +
                                                    " bytes, the limit for a config file"});
    return result;
  }
  return loadText(text, name, catalogs, env, options);
}

LoadResult loadConfig(const std::filesystem::path& file, const PluginCatalog& catalog, const Environment& env,
                      const LoadOptions& options) {
  return loadConfig(file, fixedCatalog(catalog), env, options);
}

LoadResult loadConfigFromString(std::string_view text, std::string_view display_name, const CatalogProvider& catalogs,
                                const Environment& env, const LoadOptions& options) {
  return loadText(text, std::string(display_name), catalogs, env, options);
}

LoadResult loadConfigFromString(std::string_view text, std::string_view display_name, const PluginCatalog& catalog,
                                const Environment& env, const LoadOptions& options) {
  return loadText(text, std::string(display_name), fixedCatalog(catalog), env, options);
}

} // namespace atsync::host::config
