// SPDX-License-Identifier: Apache-2.0
// What Kula holds about a candidate, for back-fill when an ATS opportunity is created: notes, messages,
// resumes (all pages) and a resume's bytes.

#include "kula_connector.hpp"
#include "kula_parse.hpp"
#include "utf8.hpp"

#include <openssl/sha.h>

namespace atsync::kula {
namespace {

namespace json = boost::json;

struct ListInput {
  std::string candidate_id;
  int page_size = kMaxPageSize;
};

ListInput readListInput(std::string_view operation, const sdk::Input& input) {
  return readInput(operation, [&] {
    const sdk::ObjectReader r(input.document, "");
    return ListInput{r.requireString("candidate_id"), readPageSize(r)};
  });
}

std::string sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

// filename="..." (or a bare token) of a Content-Disposition header; the RFC 5987 filename* form is left out.
std::optional<std::string> dispositionFileName(std::string_view header) {
  const auto at = header.find("filename=");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = header.substr(at + 9);
  std::string name;
  if (!rest.empty() && rest.front() == '"') {
    rest.remove_prefix(1);
    for (std::size_t i = 0; i < rest.size() && rest[i] != '"'; ++i) {
      if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
      name.push_back(rest[i]);
    }
  } else {
    name = std::string(rest.substr(0, rest.find(';')));
  }
  // A path in the name would be the server's business, not ours: keep only the last segment.
  if (const auto slash = name.find_last_of("/\\"); slash != std::string::npos) name.erase(0, slash + 1);
  if (name.empty() || firstInvalidUtf8(name)) return std::nullopt;
  return name;
}

template <class Parse>
json::array listRecords(const KulaApi& api, const ListInput& in, std::string_view kind, Parse&& parse) {
  auto request = api.request("GET", "/v1/candidates/" + pathSegment(in.candidate_id) + "/" + std::string(kind),
                             "GET /v1/candidates/{id}/" + std::string(kind));
  const json::array records = api.listAll(request, in.page_size);
  return parseAnswer(request.endpoint, [&] {
    json::array out;
    for (std::size_t i = 0; i < records.size(); ++i) {
      out.push_back(json::value_from(parse(sdk::elementObject(records, i, "data"))));
    }
    return out;
  });
}

}  // namespace

sdk::Output KulaConnector::notesList(const sdk::Input& input) {
  const auto in = readListInput("notes.list", input);
  return json::object{{"notes", listRecords(api_, in, "notes", parseNote)}};
}

sdk::Output KulaConnector::messagesList(const sdk::Input& input) {
  const auto in = readListInput("messages.list", input);
  return json::object{{"messages", listRecords(api_, in, "messages", parseMessage)}};
}

sdk::Output KulaConnector::resumesList(const sdk::Input& input) {
  const auto in = readListInput("resumes.list", input);
  // Kept in Kula's order (newest first): "the latest resume" is the first one.
  return json::object{{"resumes", listRecords(api_, in, "resumes", parseResume)}};
}

sdk::Output KulaConnector::resumeContent(const sdk::Input& input) {
  const std::string id =
      readInput("resume.content", [&] { return sdk::ObjectReader(input.document, "").requireString("resume_id"); });
  auto request = api_.request("GET", "/v1/resumes/" + pathSegment(id) + "/content", "GET /v1/resumes/{id}/content");
  request.headers = {{"Accept", "*/*"}};
  const auto response = api_.send(request);
  sdk::FileRef file;
  file.id = id;
  const auto disposition = response.header("Content-Disposition");
  file.name = (disposition ? dispositionFileName(*disposition) : std::nullopt).value_or(id);
  file.content_type = response.header("Content-Type").value_or("application/octet-stream");
  file.size_bytes = static_cast<std::int64_t>(response.body.size());
  file.sha256 = sha256Hex(response.body);
  std::vector<std::uint8_t> bytes(response.body.begin(), response.body.end());
  return sdk::Output(json::object{{"file", json::value_from(file)}}, std::move(bytes));
}

}  // namespace atsync::kula
