// The client address behind a trusted proxy (SPEC 6, issue 12): the rightmost X-Forwarded-For
// entry that is not a trusted proxy, as nginx's real_ip_recursive; nothing the client writes
// counts unless the peer is trusted.
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace eventstreams::http {
namespace {

const std::vector<std::string> kProxies = {"10.0.0.1", "192.168.0.0/16", "fd00::/8"};

std::string from(std::string_view peer, std::string_view xff,
                 std::optional<std::string_view> client_ip = std::nullopt,
                 const std::vector<std::string>& trusted = kProxies) {
  return client_address(peer, trusted, client_ip, xff);
}

TEST(ClientAddress, WithoutTrustedProxiesTheHeadersAreIgnored) {
  EXPECT_EQ(from("10.0.0.1", "1.2.3.4", "5.6.7.8", {}), "10.0.0.1");
  EXPECT_EQ(from("203.0.113.9", "1.2.3.4", "5.6.7.8", {}), "203.0.113.9");
}

TEST(ClientAddress, AnUntrustedPeerIsTheClientWhateverItWrites) {
  EXPECT_EQ(from("203.0.113.9", "1.2.3.4", "5.6.7.8"), "203.0.113.9");
  EXPECT_EQ(from("10.0.0.2", "1.2.3.4"), "10.0.0.2");
}

TEST(ClientAddress, TheRightmostUntrustedForwardedEntryIsTheClient) {
  // The client wrote "6.6.6.6, 7.7.7.7"; our proxy appended the address it saw.
  EXPECT_EQ(from("10.0.0.1", "6.6.6.6, 7.7.7.7, 198.51.100.4"), "198.51.100.4");
  // Through two of our proxies: the inner one appended the outer one.
  EXPECT_EQ(from("10.0.0.1", "6.6.6.6, 198.51.100.4, 192.168.3.3"), "198.51.100.4");
  EXPECT_EQ(from("10.0.0.1", "198.51.100.4,192.168.3.3,10.0.0.1"), "198.51.100.4");
}

TEST(ClientAddress, AllTrustedGivesTheLeftmost) {
  EXPECT_EQ(from("10.0.0.1", "192.168.1.1, 192.168.2.2"), "192.168.1.1");
}

TEST(ClientAddress, NoForwardedForFromATrustedPeerIsThePeer) {
  EXPECT_EQ(from("10.0.0.1", ""), "10.0.0.1");
  EXPECT_EQ(from("10.0.0.1", " , "), "10.0.0.1");
}

TEST(ClientAddress, AnEntryThatIsNotAnAddressStopsTheWalk) {
  EXPECT_EQ(from("10.0.0.1", "1.1.1.1, unknown, 192.168.5.5"), "192.168.5.5");
  EXPECT_EQ(from("10.0.0.1", "1.1.1.1, not-an-ip"), "10.0.0.1");
  EXPECT_EQ(from("10.0.0.1", "1.1.1.1,,198.51.100.4"), "198.51.100.4");
}

TEST(ClientAddress, XClientIpFromATrustedPeerWins) {
  EXPECT_EQ(from("10.0.0.1", "198.51.100.4", "203.0.113.50"), "203.0.113.50");
  // ... when it is an address.
  EXPECT_EQ(from("10.0.0.1", "198.51.100.4", "me, myself"), "198.51.100.4");
}

TEST(ClientAddress, IPv6AndMappedAddresses) {
  EXPECT_EQ(from("fd12::1", "2001:db8::7, fd00::2"), "2001:db8::7");
  EXPECT_EQ(from("::ffff:10.0.0.1", "198.51.100.4"), "198.51.100.4");
  EXPECT_EQ(from("fe80::1", "198.51.100.4"), "fe80::1");
}

TEST(ClientAddress, TrustedEntriesAreAddressesOrBlocks) {
  EXPECT_TRUE(is_address_or_block("10.0.0.1"));
  EXPECT_TRUE(is_address_or_block("10.0.0.0/8"));
  EXPECT_TRUE(is_address_or_block("::1"));
  EXPECT_TRUE(is_address_or_block("fd00::/8"));
  EXPECT_TRUE(is_address_or_block("0.0.0.0/0"));
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "fd00::/129", "proxy",
                          "10.0.0.1 ", "10.0.0.0/-1"}) {
    EXPECT_FALSE(is_address_or_block(bad)) << bad;
  }
  EXPECT_TRUE(is_trusted("10.200.3.4", {"10.0.0.0/8"}));
  EXPECT_FALSE(is_trusted("11.0.0.1", {"10.0.0.0/8"}));
  EXPECT_TRUE(is_trusted("192.168.255.1", {"192.168.240.0/20"}));
  EXPECT_FALSE(is_trusted("192.168.239.1", {"192.168.240.0/20"}));
}

}  // namespace
}  // namespace eventstreams::http
