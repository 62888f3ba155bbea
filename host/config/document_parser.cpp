// SPDX-License-Identifier: Apache-2.0
#include "config/document_parser.hpp"

#include <algorithm>
#include <charconv>

#include "config/did_you_mean.hpp"
#include "config/value_syntax.hpp"

namespace atsync::host::config::detail {
namespace {

const std::vector<std::string> kTopKeys = {"version",        "store",     "server",
                                           "plugins",        "connections", "log",
                                           "encryption_key", "previous_encryption_keys", "retention",
                                           "retry"};
const std::vector<std::string> kServerKeys = {"listen", "public_url", "admin_token", "tls", "request_read_timeout_ms",
                                             "lease_ttl_ms"};
const std::vector<std::string> kTlsKeys = {"cert_file", "key_file"};
const std::vector<std::string> kPluginsKeys = {"dir"};
const std::vector<std::string> kLogKeys = {"level", "format"};
const std::vector<std::string> kRetentionKeys = {"inbox_days", "activity_days"};
const std::vector<std::string> kRetryKeys = {"base_backoff_ms", "max_backoff_ms", "max_attempts"};

constexpr std::size_t kMinEncryptionKeyLength = 32;

// Shows a scalar in a message unless it came from the environment, where it may well be a secret.
std::string shown(const ExpandedScalar& s) {
  if (s.from_env) return "a value from the environment (hidden)";
  return "'" + (s.text.size() > 60 ? s.text.substr(0, 60) + "..." : s.text) + "'";
}

// A store URL may carry a password: mask it before echoing.
std::string maskPassword(std::string url) {
  const std::size_t scheme = url.find("://");
  const std::size_t at = url.rfind('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.replace(colon + 1, at - colon - 1, "***");
}

} // namespace

bool DocumentParser::section(const YAML::Node& node, const YAML::Mark& where, const std::string& what,
                             const std::vector<std::string>& allowed, const std::vector<std::string>& required,
                             Entries& out) {
  if (!node.IsMap()) {
    reader_.error(markOr(node, where),
                  (what.empty() ? std::string("the top level") : what) + " must be a mapping of keys (" +
                      quotedList(allowed) + "), found " + describeNode(node));
    return false;
  }
  reader_.forEachEntry(node, what.empty() ? "the top level" : what,
                       [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
                         if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                           reader_.error(k.Mark(), "unknown key '" + key + "'" + suggestionSuffix(key, allowed));
                           return;
                         }
                         out.emplace(key, Entry{k, v});
                       });
  for (const auto& key : required) {
    if (!out.contains(key)) {
      reader_.error(where, "missing required key '" + key + "'" + (what.empty() ? "" : " in " + what));
    }
  }
  return true;
}

std::optional<ExpandedScalar> DocumentParser::scalar(const Entry& e, const std::string& what, const char* expected) {
  if (!e.value.IsScalar()) {
    reader_.error(markOr(e.value, e.key.Mark()), what + " must be " + expected + ", found " + describeNode(e.value));
    return std::nullopt;
  }
  return reader_.expand(e.value, what);
}

std::optional<std::string> DocumentParser::string(const Entry& e, const std::string& what, bool allow_empty) {
  auto s = scalar(e, what, "a string");
  if (!s) return std::nullopt;
  if (!allow_empty && s->text.empty()) {
    reader_.error(e.value.Mark(), what + " must not be empty" +
                                      (s->from_env ? " (the environment variable is set but empty)" : ""));
    return std::nullopt;
  }
  return s->text;
}

std::optional<std::int64_t> DocumentParser::integer(const Entry& e, const std::string& what) {
  auto s = scalar(e, what, "an integer");
  if (!s) return std::nullopt;
  std::int64_t value = 0;
  const char* begin = s->text.data();
  const char* end = begin + s->text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || s->text.empty()) {
    reader_.error(e.value.Mark(), what + " must be an integer, found " + shown(*s));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> DocumentParser::boolean(const Entry& e, const std::string& what) {
  auto s = scalar(e, what, "true or false");
  if (!s) return std::nullopt;
  if (s->text == "true" || s->text == "True" || s->text == "TRUE") return true;
  if (s->text == "false" || s->text == "False" || s->text == "FALSE") return false;
  reader_.error(e.value.Mark(), what + " must be true or false, found " + shown(*s));
  return std::nullopt;
}

std::filesystem::path DocumentParser::absolute(const std::string& path) const {
  return (base_dir_ / std::filesystem::path(path)).lexically_normal();
}

Config DocumentParser::parse(const YAML::Node& root) {
  Config config;
  config.source = reader_.file();
  Entries top;
  if (!section(root, root.Mark(), "", kTopKeys, {"version", "store", "server", "plugins"}, top)) {
    return config;
  }
  // Fixed order, not file order: connections need the plugin catalog of plugins.dir.
  if (top.contains("version")) version(top["version"], config);
  if (top.contains("store")) store(top["store"], config);
  if (top.contains("server")) server(top["server"], config);
  if (top.contains("plugins")) plugins(top["plugins"], config);
  if (top.contains("log")) log(top["log"], config);
  if (top.contains("retention")) retention(top["retention"], config);
  if (top.contains("retry")) retry(top["retry"], config);
  if (top.contains("encryption_key")) encryptionKey(top["encryption_key"], config);
  if (top.contains("previous_encryption_keys")) {
    if (top.contains("encryption_key")) {
      previousEncryptionKeys(top["previous_encryption_keys"], config);
    } else {
      reader_.error(top["previous_encryption_keys"].key.Mark(),
                    "previous_encryption_keys needs encryption_key: previous keys only open what they sealed, the "
                    "current key seals (see docs/operations.md, rotating the encryption key)");
    }
  }
  if (top.contains("connections")) {
    connections(top["connections"], config);
  } else {
    reader_.warning(root.Mark(), "no connections are configured; the host will have nothing to do");
  }
  return config;
}

void DocumentParser::version(const Entry& e, Config& config) {
  auto s = scalar(e, "version", "the integer 1");
  if (!s) return;
  if (s->text != std::to_string(kConfigVersion) || s->quoted) {
    reader_.error(e.value.Mark(), "version must be the integer " + std::to_string(kConfigVersion) + ", found " +
                                      (s->quoted ? "the string " : "") + shown(*s));
    return;
  }
  config.version = kConfigVersion;
}

void DocumentParser::store(const Entry& e, Config& config) {
  auto s = string(e, "store");
  if (!s) return;
  StoreConfig& store = config.store;
  store.url = *s;
  const std::string expected = "expected 'sqlite:PATH' or 'postgresql://USER:PASSWORD@HOST:PORT/DATABASE'";
  if (s->starts_with("sqlite:")) {
    store.kind = StoreConfig::Kind::kSqlite;
    const std::string path = s->substr(7);
    if (path.empty()) {
      reader_.error(e.value.Mark(), "store 'sqlite:' has no file path (" + expected + ")");
      return;
    }
    store.sqlite_path = path == ":memory:" ? std::filesystem::path(":memory:") : absolute(path);
  } else if (s->starts_with("postgresql://") || s->starts_with("postgres://")) {
    auto pg = parsePostgresUrl(*s);
    if (!pg) {
      reader_.error(e.value.Mark(), "store '" + maskPassword(*s) + "' is not a valid PostgreSQL URL: " + pg.error());
      return;
    }
    store.kind = StoreConfig::Kind::kPostgresql;
    store.pg_user = pg->user;
    store.pg_password = pg->password;
    store.pg_host = pg->host;
    store.pg_port = pg->port;
    store.pg_database = pg->database;
  } else {
    reader_.error(e.value.Mark(), "store must be 'sqlite:PATH' or 'postgresql://...', found '" + maskPassword(*s) + "'");
  }
}

void DocumentParser::server(const Entry& e, Config& config) {
  Entries entries;
  if (!section(e.value, e.key.Mark(), "server", kServerKeys, {"listen", "public_url", "admin_token"}, entries)) {
    return;
  }
  ServerConfig& server = config.server;
  if (entries.contains("listen")) {
    const Entry& listen = entries["listen"];
    if (auto s = string(listen, "server.listen")) {
      auto hp = parseHostPort(*s);
      if (hp) {
        server.listen_host = hp->host;
        server.listen_port = hp->port;
      } else {
        reader_.error(listen.value.Mark(), "server.listen must be HOST:PORT (e.g. 127.0.0.1:8080), found '" + *s +
                                               "': " + hp.error());
      }
    }
  }
  if (entries.contains("public_url")) {
    const Entry& url_entry = entries["public_url"];
    if (auto s = string(url_entry, "server.public_url")) {
      auto url = parseHttpUrl(*s);
      if (!url) {
        reader_.error(url_entry.value.Mark(),
                      "server.public_url must be an http(s) URL such as https://atsync.example.com, found '" + *s +
                          "': " + url.error());
      } else if (url->has_query_or_fragment) {
        reader_.error(url_entry.value.Mark(),
                      "server.public_url must be a base URL without '?' or '#', found '" + *s + "'");
      } else {
        std::string base = *s;
        while (base.ends_with('/')) base.pop_back();
        server.public_url = base;
      }
    }
  }
  if (entries.contains("admin_token")) {
    if (auto s = string(entries["admin_token"], "server.admin_token")) server.admin_token = *s;
  }
  if (entries.contains("tls")) {
    const Entry& tls_entry = entries["tls"];
    Entries tls;
    if (section(tls_entry.value, tls_entry.key.Mark(), "server.tls", kTlsKeys, kTlsKeys, tls)) {
      TlsConfig out;
      if (tls.contains("cert_file")) {
        if (auto s = string(tls["cert_file"], "server.tls.cert_file")) out.cert_file = absolute(*s);
      }
      if (tls.contains("key_file")) {
        if (auto s = string(tls["key_file"], "server.tls.key_file")) out.key_file = absolute(*s);
      }
      server.tls = out;
    }
    // OAuth codes and webhook signatures would otherwise be sent to a URL nobody serves, or in the clear.
    if (!server.public_url.empty() && !server.public_url.starts_with("https://")) {
      reader_.error(tls_entry.key.Mark(), "server.public_url must be an https:// URL when server.tls is set, found '" +
                                              server.public_url + "'");
    }
  }
  if (entries.contains("request_read_timeout_ms")) {
    const Entry& timeout = entries["request_read_timeout_ms"];
    if (auto n = integer(timeout, "server.request_read_timeout_ms")) {
      if (*n < kMinRequestReadTimeoutMs || *n > kMaxRequestReadTimeoutMs) {
        reader_.error(timeout.value.Mark(), "server.request_read_timeout_ms must be from " +
                                                std::to_string(kMinRequestReadTimeoutMs) + " to " +
                                                std::to_string(kMaxRequestReadTimeoutMs) + ", found " +
                                                std::to_string(*n));
      } else {
        server.request_read_timeout_ms = *n;
      }
    }
  }
  if (entries.contains("lease_ttl_ms")) {
    const Entry& ttl = entries["lease_ttl_ms"];
    if (auto n = integer(ttl, "server.lease_ttl_ms")) {
      if (*n < kMinLeaseTtlMs || *n > kMaxLeaseTtlMs) {
        reader_.error(ttl.value.Mark(), "server.lease_ttl_ms must be from " + std::to_string(kMinLeaseTtlMs) +
                                            " to " + std::to_string(kMaxLeaseTtlMs) + ", found " + std::to_string(*n));
      } else {
        server.lease_ttl_ms = *n;
      }
    }
  }
}

void DocumentParser::plugins(const Entry& e, Config& config) {
  Entries entries;
  if (!section(e.value, e.key.Mark(), "plugins", kPluginsKeys, {"dir"}, entries) || !entries.contains("dir")) {
    return;
  }
  // One folder (`dir: build/plugins`) or several (`dir: [build/plugins, /opt/atsync/my-plugins]`): the built-in
  // plugins and an operator's own, without symlinks.
  const Entry& dir_entry = entries["dir"];
  std::vector<std::filesystem::path> dirs;
  if (dir_entry.value.IsSequence()) {
    std::size_t index = 0;
    for (const YAML::Node& item : dir_entry.value) {
      const std::string what = "plugins.dir[" + std::to_string(index++) + "]";
      auto dir = string(Entry{dir_entry.key, item}, what);
      if (!dir) return;
      dirs.push_back(absolute(*dir));
    }
    if (dirs.empty()) {
      reader_.error(markOr(dir_entry.value, dir_entry.key.Mark()),
                    "plugins.dir must name at least one folder, found an empty list");
      return;
    }
  } else {
    auto dir = string(dir_entry, "plugins.dir");
    if (!dir) return;
    dirs.push_back(absolute(*dir));
  }
  config.plugins.dirs = std::move(dirs);
  catalog_ = catalogs_ ? catalogs_(config.plugins.dirs) : nullptr;
  catalog_known_ = catalog_ != nullptr;
  if (!catalog_known_) {
    std::string shown_dirs;
    for (const auto& d : config.plugins.dirs) shown_dirs += (shown_dirs.empty() ? "'" : ", '") + d.string() + "'";
    reader_.error(dir_entry.value.Mark(),
                  "could not load plugins from plugins.dir " + shown_dirs +
                      "; plugin names and plugin configs were not checked");
  }
}

void DocumentParser::retention(const Entry& e, Config& config) {
  Entries entries;
  if (!section(e.value, e.key.Mark(), "retention", kRetentionKeys, {}, entries)) return;
  for (auto [key, out] : {std::pair{"inbox_days", &config.retention.inbox_days},
                          std::pair{"activity_days", &config.retention.activity_days}}) {
    if (!entries.contains(key)) continue;
    const Entry& entry = entries[key];
    if (auto n = integer(entry, std::string("retention.") + key)) {
      if (*n < RetentionConfig::kMinDays) {
        reader_.error(entry.value.Mark(), std::string("retention.") + key + " must be at least " +
                                              std::to_string(RetentionConfig::kMinDays) + " day, found " +
                                              std::to_string(*n));
      } else {
        *out = *n;
      }
    }
  }
}

void DocumentParser::retry(const Entry& e, Config& config) {
  Entries entries;
  if (!section(e.value, e.key.Mark(), "retry", kRetryKeys, {}, entries)) return;
  auto bounded = [&](const char* key, std::int64_t min, std::int64_t max, std::optional<std::int64_t>* out) {
    if (!entries.contains(key)) return;
    const Entry& entry = entries[key];
    const std::string what = std::string("retry.") + key;
    if (auto n = integer(entry, what)) {
      if (*n < min || *n > max) {
        reader_.error(entry.value.Mark(), what + " must be from " + std::to_string(min) + " to " +
                                              std::to_string(max) + ", found " + std::to_string(*n));
      } else {
        *out = *n;
      }
    }
  };
  bounded("base_backoff_ms", RetryConfig::kMinBackoffMs, RetryConfig::kMaxBackoffMs, &config.retry.base_backoff_ms);
  bounded("max_backoff_ms", RetryConfig::kMinBackoffMs, RetryConfig::kMaxBackoffMs, &config.retry.max_backoff_ms);
  bounded("max_attempts", 1, RetryConfig::kMaxAttempts, &config.retry.max_attempts);
  const auto& r = config.retry;
  if (r.base_backoff_ms && r.max_backoff_ms && *r.max_backoff_ms < *r.base_backoff_ms) {
    reader_.error(entries["max_backoff_ms"].value.Mark(),
                  "retry.max_backoff_ms (" + std::to_string(*r.max_backoff_ms) +
                      ") must not be smaller than retry.base_backoff_ms (" + std::to_string(*r.base_backoff_ms) + ")");
  }
}

void DocumentParser::log(const Entry& e, Config& config) {
  Entries entries;
  if (!section(e.value, e.key.Mark(), "log", kLogKeys, {}, entries)) return;
  if (entries.contains("level")) {
    const Entry& level = entries["level"];
    if (auto s = string(level, "log.level")) {
      static const std::vector<std::string> kLevels = {"debug", "info", "warn", "error"};
      const auto it = std::find(kLevels.begin(), kLevels.end(), *s);
      if (it == kLevels.end()) {
        const auto match = closestMatch(*s, kLevels);
        reader_.error(level.value.Mark(), "log.level must be one of " + quotedList(kLevels) + ", found '" + *s +
                                              "'" + (match ? " (did you mean '" + *match + "'?)" : ""));
      } else {
        config.log.level = static_cast<LogConfig::Level>(it - kLevels.begin());
      }
    }
  }
  if (entries.contains("format")) {
    const Entry& format = entries["format"];
    if (auto s = string(format, "log.format")) {
      if (*s == "text") {
        config.log.format = LogConfig::Format::kText;
      } else if (*s == "json") {
        config.log.format = LogConfig::Format::kJson;
      } else {
        reader_.error(format.value.Mark(), "log.format must be one of 'text', 'json', found '" + *s + "'");
      }
    }
  }
}

std::optional<std::string> DocumentParser::key(const Entry& e, const std::string& what) {
  auto s = string(e, what);
  if (!s) return std::nullopt;
  if (s->size() < kMinEncryptionKeyLength) {
    // A key itself is never echoed, only its length.
    reader_.error(markOr(e.value, e.key.Mark()), what + " must be at least " +
                                                     std::to_string(kMinEncryptionKeyLength) +
                                                     " characters long, found " + std::to_string(s->size()));
    return std::nullopt;
  }
  return s;
}

void DocumentParser::encryptionKey(const Entry& e, Config& config) {
  if (auto k = key(e, "encryption_key")) config.encryption_key = std::move(*k);
}

void DocumentParser::previousEncryptionKeys(const Entry& e, Config& config) {
  if (e.value.IsNull()) return;  // an empty list after a rotation is finished
  if (!e.value.IsSequence()) {
    // A scalar here is most likely a key itself: say what it is without echoing it.
    reader_.error(markOr(e.value, e.key.Mark()),
                  "previous_encryption_keys must be a list of keys ('- ${OLD_KEY}'), found " +
                      (e.value.IsScalar() ? std::string("a single value (hidden)") : describeNode(e.value)));
    return;
  }
  std::size_t index = 0;
  for (const YAML::Node& item : e.value) {
    const std::string what = "previous_encryption_keys[" + std::to_string(index++) + "]";
    auto k = key(Entry{e.key, item}, what);
    if (!k) continue;
    if (config.encryption_key && *k == *config.encryption_key) {
      reader_.warning(markOr(item, e.key.Mark()), what + " is the same as encryption_key; it can be removed");
      continue;
    }
    config.previous_encryption_keys.push_back(std::move(*k));
  }
}

} // namespace atsync::host::config::detail
