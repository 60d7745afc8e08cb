#include "http/client_address.h"

#include <Poco/String.h>
#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>

namespace eventstreams::http {
namespace {

struct Address {
  int family = 0;  // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes{};
  int bits() const { return family == AF_INET ? 32 : 128; }
};

std::optional<Address> parse_address(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  Address a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    a.family = AF_INET;
  } else if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    a.family = AF_INET6;
    // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.bytes.data(), kMapped, 12) == 0) {
      std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
      std::memset(a.bytes.data() + 4, 0, 12);
      a.family = AF_INET;
    }
  } else {
    return std::nullopt;
  }
  return a;
}

struct Block {
  Address base;
  int prefix = 0;
};

std::optional<Block> parse_block(std::string_view entry) {
  const std::size_t slash = entry.find('/');
  const auto base = parse_address(entry.substr(0, slash));
  if (!base) return std::nullopt;
  Block b{*base, base->bits()};
  if (slash != std::string_view::npos) {
    const std::string_view digits = entry.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), b.prefix);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
        b.prefix < 0 || b.prefix > base->bits()) {
      return std::nullopt;
    }
  }
  return b;
}

bool contains(const Block& block, const Address& a) {
  if (block.base.family != a.family) return false;
  const int whole = block.prefix / 8;
  if (std::memcmp(block.base.bytes.data(), a.bytes.data(), static_cast<std::size_t>(whole)) != 0) {
    return false;
  }
  const int rest = block.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (block.base.bytes[whole] & mask) == (a.bytes[whole] & mask);
}

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

bool is_address_or_block(std::string_view entry) {
  return parse_block(entry).has_value();
}

bool is_trusted(std::string_view address, const std::vector<std::string>& trusted) {
  const auto a = parse_address(address);
  if (!a) return false;
  for (const auto& entry : trusted) {
    if (const auto block = parse_block(entry); block && contains(*block, *a)) return true;
  }
  return false;
}

std::string client_address(std::string_view peer, const std::vector<std::string>& trusted,
                           std::optional<std::string_view> client_ip,
                           std::string_view forwarded_for) {
  if (trusted.empty() || !is_trusted(peer, trusted)) return std::string(peer);
  if (client_ip) {
    const std::string_view ip = trim(*client_ip);
    if (parse_address(ip)) return std::string(ip);
  }
  // Right to left: each hop we trust tells us who connected to it.
  std::string_view result = peer;
  std::size_t end = forwarded_for.size();
  while (!trim(forwarded_for.substr(0, end)).empty()) {
    const std::size_t comma = forwarded_for.rfind(',', end == 0 ? 0 : end - 1);
    const std::size_t begin = comma == std::string_view::npos ? 0 : comma + 1;
    const std::string_view hop = trim(forwarded_for.substr(begin, end - begin));
    end = comma == std::string_view::npos ? 0 : comma;
    if (hop.empty()) continue;  // "a,,b": an empty element says nothing
    if (!parse_address(hop)) break;
    result = hop;
    if (!is_trusted(hop, trusted)) break;
  }
  return std::string(result);
}

std::string client_address(const config::AppConfig& config,
                           const Poco::Net::HTTPServerRequest& request) {
  const std::string peer = request.clientAddress().host().toString();
  std::optional<std::string_view> client_ip;
  std::string forwarded_for;
  for (const auto& [name, value] : request) {
    if (Poco::icompare(name, "X-Client-IP") == 0) {
      if (!client_ip) client_ip = value;
    } else if (Poco::icompare(name, "X-Forwarded-For") == 0) {
      if (!forwarded_for.empty()) forwarded_for.push_back(',');
      forwarded_for += value;
    }
  }
  return client_address(peer, config.trusted_proxies, client_ip, forwarded_for);
}

}  // namespace eventstreams::http
