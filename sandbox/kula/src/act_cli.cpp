// SPDX-License-Identifier: Apache-2.0
#include "act_cli.hpp"

#include <atsync/sandbox/url_codec.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

namespace atsync::sandbox::kula {

namespace json = boost::json;

namespace {

constexpr const char* kProgram = "atsync-sandbox-kula act";

struct UsageError {
  std::string message;
};

/// `--key value` flags; `--private` alone is a switch.
class Flags {
 public:
  static Flags parse(const std::vector<std::string>& args, std::size_t from) {
    Flags f;
    for (std::size_t i = from; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a.rfind("--", 0) != 0) throw UsageError{"unexpected argument '" + a + "'"};
      const std::string key = a.substr(2);
      if (key == "private") {
        f.values_.emplace(key, "true");
        continue;
      }
      if (i + 1 >= args.size()) throw UsageError{"flag '" + a + "' needs a value"};
      f.values_.emplace(key, args[++i]);
    }
    return f;
  }

  std::optional<std::string> get(const std::string& key) {
    used_.insert({key, true});
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  std::string require(const std::string& key) {
    auto v = get(key);
    if (!v) throw UsageError{"missing --" + key};
    return *v;
  }
  std::vector<std::string> all(const std::string& key) {
    used_.insert({key, true});
    std::vector<std::string> out;
    auto [b, e] = values_.equal_range(key);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
  }
  void putString(json::object& o, const std::string& key, const char* field) {
    if (auto v = get(key)) o[field] = *v;
  }
  void putNumber(json::object& o, const std::string& key, const char* field) {
    auto v = get(key);
    if (!v) return;
    try {
      std::size_t used = 0;
      const double d = std::stod(*v, &used);
      if (used != v->size()) throw std::invalid_argument("trailing");
      o[field] = d;
    } catch (const std::exception&) {
      throw UsageError{"--" + key + " takes a number, not '" + *v + "'"};
    }
  }
  void putSwitch(json::object& o, const std::string& key, const char* field) {
    auto v = get(key);
    if (!v) return;
    if (*v == "on" || *v == "true" || *v == "1") {
      o[field] = true;
    } else if (*v == "off" || *v == "false" || *v == "0") {
      o[field] = false;
    } else {
      throw UsageError{"--" + key + " takes on or off, not '" + *v + "'"};
    }
  }
  void putPerson(json::object& o, const std::string& prefix, const char* field) {
    auto name = get(prefix + "-name");
    auto email = get(prefix + "-email");
    if (name || email) o[field] = json::object{{"name", name.value_or("")}, {"email", email.value_or("")}};
  }
  /// " (not understood: --x --y)" for flags not read so far, to explain a missing one that was misspelt.
  std::string unreadHint() const {
    std::string names;
    for (const auto& [k, v] : values_) {
      if (used_.find(k) == used_.end()) names += " --" + k;
    }
    return names.empty() ? "" : " (not understood:" + names + ")";
  }
  /// Flags given but never read are typos: refuse them rather than silently ignoring.
  void rejectUnknown() const {
    for (const auto& [k, v] : values_) {
      if (used_.find(k) == used_.end()) throw UsageError{"unknown flag --" + k};
    }
  }

 private:
  std::multimap<std::string, std::string> values_;
  std::map<std::string, bool> used_;
};

struct Call {
  std::string method;
  std::string target;
  std::string content_type{"application/json"};
  std::string body;
};

json::object candidateFields(Flags& f) {
  json::object o;
  f.putString(o, "name", "name");
  json::array emails;
  for (const auto& e : f.all("email")) emails.emplace_back(json::string(e));
  if (!emails.empty()) o["emails"] = std::move(emails);
  json::array phones;
  for (const auto& p : f.all("phone")) phones.emplace_back(json::object{{"type", "mobile"}, {"value", p}});
  if (!phones.empty()) o["phones"] = std::move(phones);
  f.putString(o, "headline", "headline");
  f.putString(o, "location", "location");
  f.putString(o, "stage", "stage");
  return o;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{"cannot read file '" + path + "'"};
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string baseName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Call buildCall(const std::string& action, Flags& f) {
  auto post = [](std::string target, const json::object& o) {
    return Call{"POST", std::move(target), "application/json", json::serialize(o)};
  };
  auto put = [](std::string target, const json::object& o) {
    return Call{"PUT", std::move(target), "application/json", json::serialize(o)};
  };
  auto candidatePath = [&](const char* sub) {
    return "/_sandbox/candidates/" + percentEncode(f.require("candidate")) + "/" + sub;
  };
  if (action == "state") return Call{"GET", "/_sandbox/state", "", ""};
  if (action == "create-candidate") return post("/_sandbox/candidates", candidateFields(f));
  if (action == "create-flow") {
    json::object o;
    f.putString(o, "id", "id");
    o["name"] = f.require("name");
    f.putString(o, "posting", "ats_posting_id");
    return post("/_sandbox/flows", o);
  }
  if (action == "add-to-flow") {
    const std::string flow = f.require("flow");
    json::object o{{"candidate_id", f.require("candidate")}};
    f.putPerson(o, "by", "added_by");
    return post("/_sandbox/flows/" + percentEncode(flow) + "/candidates", o);
  }
  if (action == "refer") {
    json::object o{{"ats_posting_id", f.require("posting")}};
    if (auto c = f.get("candidate")) {
      o["candidate_id"] = *c;
    } else {
      o["candidate"] = candidateFields(f);
    }
    f.putPerson(o, "referrer", "referrer");
    f.putString(o, "note", "note");
    return post("/_sandbox/referrals", o);
  }
  if (action == "set-stage") {
    const std::string path = candidatePath("stage");
    json::object o{{"stage", f.require("stage")}};
    f.putPerson(o, "by", "changed_by");
    return post(path, o);
  }
  if (action == "add-note") {
    const std::string path = candidatePath("notes");
    json::object o{{"body", f.require("body")}, {"private", f.get("private").has_value()}};
    f.putPerson(o, "author", "author");
    return post(path, o);
  }
  if (action == "log-message") {
    const std::string path = candidatePath("messages");
    json::object o{{"body", f.require("body")}};
    f.putString(o, "direction", "direction");
    f.putString(o, "channel", "channel");
    f.putString(o, "subject", "subject");
    f.putString(o, "flow", "flow_id");
    return post(path, o);
  }
  if (action == "upload-resume") {
    const std::string path = f.require("file");
    const std::string name = f.get("file-name").value_or(baseName(path));
    const std::string type = f.get("content-type").value_or("application/pdf");
    return Call{"POST",
                candidatePath("resumes") + "?file_name=" + percentEncode(name) + "&content_type=" + percentEncode(type),
                type, readFile(path)};
  }
  if (action == "faults") {
    json::object o;
    f.putNumber(o, "error-rate", "error_rate");
    f.putNumber(o, "latency-ms", "latency_ms");
    f.putNumber(o, "reset-rate", "reset_rate");
    f.putNumber(o, "commit-then-drop-rate", "commit_then_drop_rate");
    f.putNumber(o, "seed", "seed");
    return put("/_sandbox/faults", o);
  }
  if (action == "delivery") {
    json::object o;
    f.putSwitch(o, "duplicate", "duplicate");
    f.putSwitch(o, "reorder", "reorder");
    f.putSwitch(o, "drop", "drop");
    f.putNumber(o, "delay-ms", "delay_ms");
    f.putNumber(o, "retry-base-delay-ms", "retry_base_delay_ms");
    f.putNumber(o, "timestamp-skew-s", "timestamp_skew_s");
    f.putString(o, "signature", "signature");
    return put("/_sandbox/delivery", o);
  }
  if (action == "webhook") {
    json::object o;
    f.putString(o, "url", "url");
    f.putString(o, "secret", "secret");
    return put("/_sandbox/webhook", o);
  }
  if (action == "rate-limit") {
    json::object o;
    f.putNumber(o, "rps", "requests_per_second");
    f.putNumber(o, "burst", "burst");
    return put("/_sandbox/rate-limit", o);
  }
  if (action == "reset") {
    json::object o;
    f.putString(o, "seed", "seed");
    return post("/_sandbox/reset", o);
  }
  if (action == "wait-deliveries") {
    const std::string timeout = f.get("timeout-ms").value_or("10000");
    return Call{"POST", "/_sandbox/wait-deliveries?timeout_ms=" + percentEncode(timeout), "", ""};
  }
  throw UsageError{"unknown action '" + action + "'"};
}

/// One-line reason from a Kula error envelope, or the raw body when it is not one.
std::string reason(const std::string& body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* err = v.as_object().if_contains("error"); err != nullptr && err->is_object()) {
      const auto& e = err->as_object();
      std::string code = e.contains("code") && e.at("code").is_string() ? std::string(e.at("code").as_string()) : "";
      std::string msg =
          e.contains("message") && e.at("message").is_string() ? std::string(e.at("message").as_string()) : "";
      return code + ": " + msg;
    }
  }
  return body.substr(0, 200);
}

}  // namespace

std::string actUsage() {
  return "usage: atsync-sandbox-kula act --url http://127.0.0.1:PORT <action> [flags]\n"
         "actions:\n"
         "  state\n"
         "  create-candidate --name N [--email E]... [--phone P]... [--headline H] [--location L] [--stage S]\n"
         "  create-flow --name N [--id ID] [--posting POSTING_ID]\n"
         "  add-to-flow --flow F --candidate C [--by-name N --by-email E]\n"
         "  refer --posting P (--candidate C | --name N --email E) --referrer-name N --referrer-email E [--note T]\n"
         "  set-stage --candidate C --stage S [--by-name N --by-email E]\n"
         "  add-note --candidate C --body B [--private] [--author-name N --author-email E]\n"
         "  log-message --candidate C --body B [--direction outbound|inbound] [--channel email|linkedin|sms]\n"
         "              [--subject S] [--flow F]\n"
         "  upload-resume --candidate C --file PATH [--file-name N] [--content-type T]\n"
         "  faults [--error-rate X] [--latency-ms N] [--reset-rate X] [--commit-then-drop-rate X] [--seed N]\n"
         "  delivery [--duplicate on|off] [--reorder on|off] [--drop on|off] [--delay-ms N]\n"
         "           [--retry-base-delay-ms N] [--signature valid|invalid|missing] [--timestamp-skew-s N]\n"
         "  webhook [--url URL] [--secret S]\n"
         "  rate-limit --rps X [--burst B]        (0 turns the limit off)\n"
         "  wait-deliveries [--timeout-ms N]\n"
         "  reset [--seed small|empty]            (data, event log and deliveries; knobs stay)\n";
}

int runActCli(const std::vector<std::string>& args) {
  std::string url;
  std::string action;
  Call call;
  try {
    std::size_t i = 0;
    while (i < args.size() && args[i].rfind("--", 0) == 0) {
      if (args[i] == "--help" || args[i] == "-h") {
        std::cout << actUsage();
        return 0;
      }
      if (args[i] != "--url" || i + 1 >= args.size()) throw UsageError{"expected --url URL before the action"};
      url = args[i + 1];
      i += 2;
    }
    if (url.empty()) throw UsageError{"missing --url (the sandbox base URL)"};
    if (i >= args.size()) throw UsageError{"missing action"};
    action = args[i];
    Flags flags = Flags::parse(args, i + 1);
    try {
      call = buildCall(action, flags);
    } catch (const UsageError& e) {
      throw UsageError{e.message + flags.unreadHint()};
    }
    flags.rejectUnknown();
  } catch (const UsageError& e) {
    std::cerr << kProgram << ": " << e.message << "\n" << actUsage();
    return 2;
  }

  try {
    const Poco::URI base(url);
    Poco::Net::HTTPClientSession session(base.getHost(), base.getPort());
    session.setTimeout(Poco::Timespan(120, 0));
    Poco::Net::HTTPRequest request(call.method, call.target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!call.content_type.empty()) request.setContentType(call.content_type);
    request.setContentLength64(static_cast<Poco::Int64>(call.body.size()));
    session.sendRequest(request) << call.body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    const int status = static_cast<int>(response.getStatus());
    if (status < 200 || status >= 300) {
      std::cerr << kProgram << ": " << action << ": HTTP " << status << " " << reason(body) << "\n";
      return 1;
    }
    std::cout << body << "\n";
    return 0;
  } catch (const Poco::Exception& e) {
    std::cerr << kProgram << ": " << action << ": cannot reach " << url << ": " << e.displayText() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << kProgram << ": " << action << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace atsync::sandbox::kula
