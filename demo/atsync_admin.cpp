// SPDX-License-Identifier: Apache-2.0
#include "atsync_admin.hpp"

#include "json_read.hpp"

#include <optional>
#include <regex>

namespace atsync::demo {
namespace {

namespace json = boost::json;

std::string htmlUnescape(std::string s) {
  const std::pair<const char*, const char*> entities[] = {
      {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : entities) {
    for (auto at = s.find(entity); at != std::string::npos; at = s.find(entity, at + 1)) {
      s.replace(at, std::char_traits<char>::length(entity), plain);
    }
  }
  return s;
}

/// The consent page's Accept: a form's hidden fields plus the approving button (Lever), or the approving link
/// (Greenhouse). What a browser would send when the administrator clicks it; nullopt when the page has neither.
std::optional<HttpRequest> acceptOn(const std::string& page_url, const std::string& html) {
  static const std::regex kForm(R"re(<form[^>]*method="(\w+)"[^>]*action="([^"]*)")re", std::regex::icase);
  static const std::regex kHidden(R"re(<input type="hidden" name="([^"]*)" value="([^"]*)")re");
  static const std::regex kButton(R"re(<button name="([^"]*)" value="([^"]*)" id="approve")re");
  static const std::regex kLink(R"re(<a id="approve" href="([^"]*)")re");
  std::smatch m;
  if (std::regex_search(html, m, kForm)) {
    HttpRequest r;
    r.method = m[1].str() == "get" || m[1].str() == "GET" ? "GET" : "POST";
    r.url = resolveUrl(page_url, htmlUnescape(m[2].str()));
    std::string form;
    auto add = [&](const std::string& k, const std::string& v) {
      form += (form.empty() ? "" : "&") + urlEncode(htmlUnescape(k)) + "=" + urlEncode(htmlUnescape(v));
    };
    for (auto it = std::sregex_iterator(html.begin(), html.end(), kHidden); it != std::sregex_iterator(); ++it) {
      add((*it)[1].str(), (*it)[2].str());
    }
    if (std::regex_search(html, m, kButton)) add(m[1].str(), m[2].str());
    r.body = form;
    r.content_type = "application/x-www-form-urlencoded";
    return r;
  }
  if (std::regex_search(html, m, kLink)) return HttpRequest{"GET", resolveUrl(page_url, htmlUnescape(m[1].str()))};
  return std::nullopt;
}

}  // namespace

json::value AtsyncAdmin::connection() const {
  return httpGet(api("/connections/" + connection_), bearer()).json();
}

HttpReply AtsyncAdmin::postings() const { return httpGet(api("/connections/" + connection_ + "/postings"), bearer()); }

json::value AtsyncAdmin::stageMappings() const {
  return httpGet(api("/connections/" + connection_ + "/stage-mappings"), bearer()).json();
}

HttpReply AtsyncAdmin::putStageMappings(const json::object& tables) const {
  return httpJson("PUT", api("/connections/" + connection_ + "/stage-mappings"), tables, bearer());
}

std::vector<ActivityEntry> AtsyncAdmin::activity(const std::string& kind) const {
  std::vector<ActivityEntry> out;
  const auto doc =
      httpGet(api("/activity?limit=50&connection=" + urlEncode(connection_) + "&kind=" + urlEncode(kind)), bearer())
          .json();
  for (const auto& e : list(doc, "entries")) out.push_back({text(e, "kind"), text(e, "subject"), text(e, "message")});
  return out;
}

std::string AtsyncAdmin::authorizeInBrowser(std::vector<std::string>& steps) const {
  const auto minted = httpCall({"POST", api("/connections/" + connection_ + "/authorize"), "{}", "", bearer()});
  const std::string start = text(minted.json(), "start_url");
  if (minted.status != 200 || start.empty()) return "atsync gave no start URL: " + minted.describe();
  steps.push_back("the console asked atsync for a start URL: " + start.substr(0, start.find('?')) + "?ticket=…");

  const auto started = httpGet(base_url_ + start);
  const std::string cookie = started.header("set-cookie").substr(0, started.header("set-cookie").find(';'));
  const std::string consent_url = started.header("location");
  if (started.status != 302 || consent_url.empty()) return "the start URL did not redirect: " + started.describe();
  steps.push_back("atsync redirected the browser to " + consent_url.substr(0, consent_url.find('?')) +
                  " (state and cookie " + cookie.substr(0, cookie.find('=')) + " set)");

  const auto page = httpGet(consent_url);
  HttpReply decided = page;
  if (page.status == 200) {
    auto accept = acceptOn(consent_url, page.body);
    if (!accept) return "the consent page has no Accept: " + page.describe();
    steps.push_back("the consent page was shown; the administrator accepted");
    decided = httpCall(*accept);
  }
  const std::string callback = decided.header("location");
  if (decided.status != 302 || callback.empty()) return "accepting did not redirect back: " + decided.describe();
  if (!queryParam(callback, "error").empty()) {
    return "the vendor refused: " + queryParam(callback, "error") + ": " + queryParam(callback, "error_description");
  }
  const auto done = httpGet(resolveUrl(consent_url, callback), {{"Cookie", cookie}});
  if (done.status != 200) return "atsync's callback answered " + done.describe();
  steps.push_back("back at atsync's " + callback.substr(0, callback.find('?')) + ": " +
                  std::to_string(done.status) + ", the code was exchanged and the tokens stored encrypted");
  return "";
}

}  // namespace atsync::demo
