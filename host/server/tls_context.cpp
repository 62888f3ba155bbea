// SPDX-License-Identifier: Apache-2.0
#include "server/tls_context.hpp"

#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Net/SSLManager.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

namespace atsync::host::server {
namespace {

// Forward-secret AEAD suites for TLS 1.2 (TLS 1.3 has only such suites, configured apart by OpenSSL).
constexpr char kCiphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string openSslReason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "not a PEM file of that kind";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

// Never asks for a passphrase: OpenSSL's default would prompt on the terminal, which a service has not got. An
// encrypted key is refused with a message instead.
int noPassphrase(char*, int, int, void*) { return -1; }

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

Expected<std::unique_ptr<std::FILE, FileCloser>, std::string> open(const std::string& what,
                                                                   const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "r"));
  if (!file) return unexpected(what + " '" + path.string() + "' cannot be read: " + std::strerror(errno));
  return file;
}

}  // namespace

Expected<Poco::Net::Context::Ptr, std::string> makeServerTlsContext(const config::TlsConfig& tls) {
  static std::once_flag ssl_once;
  std::call_once(ssl_once, [] { Poco::Net::initializeSSL(); });
  const std::string cert_name = "server.tls.cert_file";
  const std::string key_name = "server.tls.key_file";

  // The chain as the operator wrote it: the server certificate first, intermediates after it.
  Poco::Crypto::X509Certificate::List chain;
  {
    auto file = open(cert_name, tls.cert_file);
    if (!file) return unexpected(file.error());
    ERR_clear_error();
    while (X509* cert = PEM_read_X509(file->get(), nullptr, noPassphrase, nullptr)) {
      chain.emplace_back(cert);  // takes ownership
    }
    ERR_clear_error();  // the end of the file reads as an error
    if (chain.empty()) {
      return unexpected(cert_name + " '" + tls.cert_file.string() + "' holds no PEM certificate");
    }
  }
  std::unique_ptr<EVP_PKEY, KeyFree> raw_key;
  {
    auto file = open(key_name, tls.key_file);
    if (!file) return unexpected(file.error());
    ERR_clear_error();
    raw_key.reset(PEM_read_PrivateKey(file->get(), nullptr, noPassphrase, nullptr));
    if (!raw_key) {
      return unexpected(key_name + " '" + tls.key_file.string() +
                        "' holds no unencrypted PEM private key: " + openSslReason());
    }
  }
  if (X509_check_private_key(chain.front().certificate(), raw_key.get()) != 1) {
    ERR_clear_error();
    return unexpected(key_name + " '" + tls.key_file.string() + "' is not the key of the certificate in " + cert_name +
                      " '" + tls.cert_file.string() + "'");
  }
  try {
    const Poco::Crypto::EVPPKey key(raw_key.get());  // takes its own reference
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients do not present certificates
    params.loadDefaultCAs = false;
    params.cipherList = kCiphers;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->preferServerCiphers();
    context->useCertificate(chain.front());
    for (std::size_t i = 1; i < chain.size(); ++i) context->addChainCertificate(chain[i]);
    context->usePrivateKey(key);
    return context;
  } catch (const Poco::Exception& e) {
    return unexpected("server.tls: cannot use '" + tls.cert_file.string() + "' and '" + tls.key_file.string() +
                      "': " + e.displayText());
  }
}

}  // namespace atsync::host::server
