// SPDX-License-Identifier: Apache-2.0
#include "runtime/auth_binding.hpp"

#include <atsync/sdk/description.hpp>

namespace atsync::host::runtime {
namespace {

const boost::json::value* at(const boost::json::value& root, std::string_view pointer) {
  boost::system::error_code ec;  // a malformed pointer finds nothing, like a missing key
  return root.find_pointer(pointer, ec);
}

/// Erases the value at a JSON pointer. Boost.JSON (1.81) finds a value by pointer but has no erase: find the
/// parent with find_pointer and erase the last token, unescaped as RFC 6901 says (~1 is '/', ~0 is '~').
void erase(boost::json::object& root, std::string_view pointer) {
  const auto slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return;
  std::string token;
  for (std::size_t i = slash + 1; i < pointer.size(); ++i) {
    if (pointer[i] == '~' && i + 1 < pointer.size() && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
      token += pointer[++i] == '0' ? '~' : '/';
    } else {
      token += pointer[i];
    }
  }
  boost::json::value doc(std::move(root));  // find_pointer is a member of value only: moved in and out, not copied
  boost::system::error_code ec;
  if (auto* parent = doc.find_pointer(pointer.substr(0, slash), ec); parent != nullptr && parent->is_object()) {
    parent->get_object().erase(token);
  }
  root = std::move(doc.get_object());
}

std::string parentOf(std::string_view pointer) {
  const auto slash = pointer.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(pointer.substr(0, slash));
}

std::string stringAt(const boost::json::value& root, std::string_view pointer) {
  const auto* v = at(root, pointer);
  return (v != nullptr && v->is_string()) ? std::string(v->get_string()) : std::string();
}

std::string stringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->get_string()) : std::string();
}

struct BoundClientCredentials {
  ClientCredentialsSettings settings;
  std::string secret_pointer;
};

/// An oauth2_client_credentials method (SDK 1.1) against the config: every missing value is named in one message,
/// so an operator fixes the config once.
Expected<BoundClientCredentials, std::string> bindClientCredentials(const boost::json::object& method,
                                                                    const boost::json::value& config,
                                                                    const std::string& base, const std::string& where) {
  auto field = [&](std::string_view key) { return stringField(method, key); };
  auto pointer = [&](std::string_view key, std::string_view fallback) {
    std::string p = field(key);
    return p.empty() ? base + "/" + std::string(fallback) : p;
  };
  BoundClientCredentials bound;
  auto& grant = bound.settings.grant;
  const std::string id_pointer = pointer("client_id_pointer", "client_id");
  bound.secret_pointer = pointer("client_secret_pointer", "client_secret");
  const std::string url_pointer = pointer("token_url_pointer", "token_url");
  const std::string subject_pointer = field("subject_pointer");
  const std::string subject_param = field("subject_param");
  const auto* required_v = method.if_contains("subject_required");
  const bool subject_required = required_v == nullptr || !required_v->is_bool() || required_v->get_bool();

  const std::string authentication = field("client_authentication");
  if (authentication.empty() || authentication == "basic") {
    grant.client.client_authentication = http::ClientAuthentication::kBasic;
  } else if (authentication == "request_body") {
    grant.client.client_authentication = http::ClientAuthentication::kRequestBody;
  } else {
    return unexpected(where + ": describe.auth method '" + field("mode") + "' has client_authentication '" +
                      authentication + "' (expected basic or request_body)");
  }
  if (!subject_pointer.empty() && subject_param.empty()) {
    return unexpected(where + ": describe.auth method '" + field("mode") +
                      "' names subject_pointer but no subject_param (the token request field for the acting user)");
  }

  std::vector<std::string> missing;
  grant.client.client_id = stringAt(config, id_pointer);
  if (grant.client.client_id.empty()) missing.push_back("a client id at config " + id_pointer);
  grant.client.client_secret = stringAt(config, bound.secret_pointer);
  if (grant.client.client_secret.empty()) missing.push_back("a client secret at config " + bound.secret_pointer);
  grant.client.token_url = stringAt(config, url_pointer);
  if (grant.client.token_url.empty()) grant.client.token_url = field("token_url");
  if (grant.client.token_url.empty()) missing.push_back("a token URL at config " + url_pointer);
  std::string subject;
  if (!subject_pointer.empty()) {
    // A user id written without quotes in YAML arrives as a number.
    if (const auto* v = at(config, subject_pointer); v != nullptr && v->is_string()) {
      subject = std::string(v->get_string());
    } else if (v != nullptr && (v->is_int64() || v->is_uint64())) {
      subject = boost::json::serialize(*v);
    }
    if (subject.empty() && subject_required) missing.push_back("the acting user at config " + subject_pointer);
  }
  if (!missing.empty()) {
    std::string message = where + ": the client credentials grant needs ";
    for (std::size_t i = 0; i < missing.size(); ++i) {
      message += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
    }
    return unexpected(message);
  }
  if (grant.client.token_url.rfind("https://", 0) != 0 && grant.client.token_url.rfind("http://", 0) != 0) {
    return unexpected(where + ": the token URL '" + grant.client.token_url + "' at config " + url_pointer +
                      " is not an http(s) URL");
  }
  if (!subject.empty()) grant.token_params.emplace_back(subject_param, subject);

  bound.settings.config_hint = "config " + id_pointer + ", " + bound.secret_pointer;
  if (!subject_pointer.empty()) {
    bound.settings.config_hint += " and " + subject_pointer + (subject.empty() ? " (not set)" : " ('" + subject + "')");
  }
  return bound;
}

}  // namespace

Expected<AuthBinding, std::string> bindAuth(const plugin::Manifest& manifest, const boost::json::object& config) {
  AuthBinding binding;
  binding.plugin_config = config;
  const boost::json::value config_doc(config);  // the config, read by JSON pointer (find_pointer is value's)
  const auto* auth = manifest.document.if_contains("auth");
  if (auth == nullptr || !auth->is_object()) return binding;  // a plugin that needs no credentials
  const auto& auth_obj = auth->get_object();
  const std::string where = "plugin '" + manifest.name + "'";

  const auto* methods_v = auth_obj.if_contains("methods");
  if (methods_v == nullptr || !methods_v->is_array() || methods_v->get_array().empty()) {
    return unexpected(where + ": describe.auth has no methods");
  }
  const std::string mode_pointer = auth_obj.contains("mode_pointer") && auth_obj.at("mode_pointer").is_string()
                                       ? std::string(auth_obj.at("mode_pointer").get_string())
                                       : std::string();
  const boost::json::object* method = nullptr;
  if (mode_pointer.empty()) {
    method = methods_v->get_array().front().if_object();
  } else {
    const std::string mode = stringAt(config_doc, mode_pointer);
    for (const auto& m : methods_v->get_array()) {
      const auto* mo = m.if_object();
      if (mo && mo->contains("mode") && mo->at("mode").is_string() && mo->at("mode").get_string() == mode) method = mo;
    }
    if (method == nullptr) return unexpected(where + ": no auth method for mode '" + mode + "' at " + mode_pointer);
  }
  if (method == nullptr) return unexpected(where + ": describe.auth.methods holds a non-object");

  auto field = [&](std::string_view key) { return stringField(*method, key); };
  binding.mode = field("mode");
  binding.type = field("type");
  const std::string secret_pointer = field("secret_pointer");

  if (binding.type == "basic_username" || binding.type == "bearer") {
    const std::string secret = stringAt(config_doc, secret_pointer);
    if (secret.empty()) return unexpected(where + ": no credential at config " + secret_pointer);
    if (binding.type == "basic_username") {
      binding.credentials = std::make_shared<http::BasicApiKey>(secret);
    } else {
      binding.credentials = std::make_shared<http::BearerToken>(secret);
    }
    erase(binding.plugin_config, secret_pointer);
    return binding;
  }
  if (binding.type == sdk::auth_type::kOAuth2ClientCredentials) {
    auto settings = bindClientCredentials(*method, config_doc, parentOf(mode_pointer), where);
    if (!settings) return unexpected(settings.error());
    erase(binding.plugin_config, settings->secret_pointer);
    binding.client_credentials = std::move(settings->settings);
    return binding;
  }
  if (binding.type != "oauth2") return unexpected(where + ": unknown auth method type '" + binding.type + "'");

  const std::string base = parentOf(mode_pointer);
  OAuthSettings oauth;
  oauth.client.client_id = stringAt(config_doc, base + "/client_id");
  oauth.client.client_secret = stringAt(config_doc, base + "/client_secret");
  if (oauth.client.client_id.empty() || oauth.client.client_secret.empty()) {
    return unexpected(where + ": OAuth needs client_id and client_secret at config " + base);
  }
  const std::string environment = stringAt(config_doc, base + "/environment");
  if (const auto* described = manifest.document.if_contains("oauth"); described && described->is_object()) {
    const auto& d = described->get_object();
    if (const auto* envs = d.if_contains("environments"); envs && envs->is_array()) {
      for (const auto& e : envs->get_array()) {
        const auto* eo = e.if_object();
        if (eo == nullptr) continue;
        // A description is a plugin's document: a missing or mistyped field is an error value, never a throw.
        const auto name = stringField(*eo, "environment");
        if (!environment.empty() && name != environment) continue;
        oauth.client.token_url = stringField(*eo, "token_url");
        oauth.authorize_url = stringField(*eo, "authorize_url");
        oauth.audience = stringField(*eo, "audience");
        break;
      }
    }
    if (const auto* scopes = d.if_contains("scopes"); scopes && scopes->is_array()) {
      for (const auto& s : scopes->get_array()) {
        if (s.is_string()) oauth.scopes.emplace_back(s.get_string());
      }
    }
    if (const auto* extra = d.if_contains("extra_authorize_params"); extra && extra->is_object()) {
      oauth.extra_authorize_params = extra->get_object();
    }
    const std::string authentication = stringField(d, "client_authentication");
    if (authentication.empty() || authentication == "request_body") {
      oauth.client.client_authentication = http::ClientAuthentication::kRequestBody;
    } else if (authentication == "basic") {
      oauth.client.client_authentication = http::ClientAuthentication::kBasic;
    } else {
      return unexpected(where + ": describe.oauth has client_authentication '" + authentication +
                        "' (expected request_body or basic)");
    }
  }
  if (auto v = stringAt(config_doc, base + "/token_url"); !v.empty()) oauth.client.token_url = v;
  if (auto v = stringAt(config_doc, base + "/authorize_url"); !v.empty()) oauth.authorize_url = v;
  if (auto v = stringAt(config_doc, base + "/audience"); !v.empty()) oauth.audience = v;
  if (oauth.client.token_url.empty()) return unexpected(where + ": no OAuth token URL (describe.oauth or config)");
  binding.oauth = std::move(oauth);
  erase(binding.plugin_config, base + "/client_secret");
  return binding;
}

}  // namespace atsync::host::runtime
