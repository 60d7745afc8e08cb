#include "config/url_fetch.h"

#include <Poco/Exception.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/URI.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <mutex>

namespace eventstreams::config {
namespace {

FetchResult failure(std::string error, bool unreachable) {
  FetchResult r;
  r.error = std::move(error);
  r.unreachable = unreachable;
  return r;
}

FetchResult read_all(std::istream& in, const std::string& location, std::size_t max_bytes) {
  std::string body;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (body.size() > max_bytes) {
      return failure(location + ": larger than " + std::to_string(max_bytes) + " bytes", false);
    }
  }
  if (in.bad()) return failure(location + ": read error", true);
  FetchResult r;
  r.ok = true;
  r.body = std::move(body);
  return r;
}

FetchResult fetch_file(const std::string& path, const FetchOptions& options) {
  std::ifstream in(path, std::ios::binary);
  // A missing file is a miss (the next schema base may have it), not an unreachable place.
  if (!in) return failure(path + ": cannot be read", false);
  return read_all(in, path, options.max_bytes);
}

// A failed verification must fail the request: POCO asks its SSLManager's handler what to do
// with a certificate it could not verify, and the default would consult an application config
// this server does not have. Installed once, before the first https fetch.
void reject_unverified_certificates() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject(
        new Poco::Net::RejectCertificateHandler(false));
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
                                                             Poco::Net::Context::VERIFY_RELAXED);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
  });
}

// Whether the server's certificate names `host` (a DNS name, or an IP address in its
// subjectAltName). Checked here with OpenSSL's own matcher: POCO 1.11 accepted a certificate for
// another name when the host is an IP address.
bool certificate_names(Poco::Net::HTTPSClientSession& session, const std::string& host) {
  const Poco::Net::X509Certificate certificate = session.serverCertificate();
  X509* x509 = const_cast<X509*>(certificate.certificate());
  return X509_check_host(x509, host.c_str(), host.size(), 0, nullptr) == 1 ||
         X509_check_ip_asc(x509, host.c_str(), 0) == 1;
}

Poco::Net::Context::Ptr client_context(const FetchOptions& options) {
  // VERIFY_RELAXED on a client verifies the server's chain; the system store is loaded
  // (loadDefaultCAs), `ca_file` adds to it. The host name is checked after the handshake.
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
  params.loadDefaultCAs = true;
  params.caLocation = options.ca_file;
  return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
}

FetchResult fetch_http(const std::string& location, const FetchOptions& options) {
  try {
    const Poco::URI uri(location);
    const bool tls = uri.getScheme() == "https";
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (tls) {
      reject_unverified_certificates();
      session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                                client_context(options));
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    }
    session->setTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(options.timeout.count()) * 1000));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5");
    for (const auto& [name, value] : options.headers) request.set(name, value);
    session->sendRequest(request);
    if (tls && !certificate_names(static_cast<Poco::Net::HTTPSClientSession&>(*session),
                                  uri.getHost())) {
      return failure(location + ": TLS: the server's certificate is not for " + uri.getHost(),
                     true);
    }
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      return failure(location + ": HTTP " + std::to_string(response.getStatus()), false);
    }
    return read_all(in, location, options.max_bytes);
  } catch (const Poco::Net::SSLException& e) {
    return failure(location + ": TLS: " + e.displayText(), true);
  } catch (const Poco::Exception& e) {
    // Refused, unreachable host, timed out, reset before an answer.
    return failure(location + ": " + e.displayText(), true);
  } catch (const std::exception& e) {
    return failure(location + ": " + e.what(), true);
  }
}

}  // namespace

FetchResult fetch_url(const std::string& location, const FetchOptions& options) {
  if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) {
    return fetch_http(location, options);
  }
  if (location.rfind("file://", 0) == 0) return fetch_file(location.substr(7), options);
  if (location.find("://") != std::string::npos) {
    return failure(location + ": not a path, file://, http:// or https:// URL", true);
  }
  return fetch_file(location, options);
}

}  // namespace eventstreams::config
