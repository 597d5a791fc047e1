// relay/udp_sender against real UDP sockets on 127.0.0.1.
#include "relay/udp_sender.h"

#include <boost/asio/error.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/coroutine_test.h"
#include "tests/support/udp_receiver.h"

namespace relay {
namespace {

namespace asio = boost::asio;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using namespace std::chrono_literals;

TEST(UdpSender, DeliversEachDatagramWhole) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    test::UdpReceiver receiver(executor);
    const SyslogAddress address{"127.0.0.1", std::to_string(receiver.port())};
    base::Result<UdpSender> sender = co_await UdpSender::Open(address, base::After(5s));
    CO_ASSERT_OK(sender);
    EXPECT_EQ(sender->peer(), receiver.address());
    EXPECT_FALSE(sender->Send("{\"Payload\":\"one\"}\n"));
    EXPECT_FALSE(sender->Send(std::string(20000, 'x')));
    EXPECT_FALSE(sender->Send(""));
    EXPECT_THAT(receiver.Take(), ElementsAre("{\"Payload\":\"one\"}\n", std::string(20000, 'x'), ""));
  });
}

TEST(UdpSender, ResolvesHostNames) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    test::UdpReceiver receiver(executor);
    const std::string port = std::to_string(receiver.port());
    const SyslogAddress address{"localhost", port};
    base::Result<UdpSender> sender = co_await UdpSender::Open(address, base::After(5s));
    CO_ASSERT_OK(sender);
    EXPECT_THAT(sender->peer(), AnyOf("127.0.0.1:" + port, "[::1]:" + port));
  });
}

TEST(UdpSender, AnEmptyHostIsThisMachine) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    test::UdpReceiver receiver(executor);
    const SyslogAddress address{"", std::to_string(receiver.port())};
    base::Result<UdpSender> sender = co_await UdpSender::Open(address, base::After(5s));
    CO_ASSERT_OK(sender);
    EXPECT_FALSE(sender->Send("hello"));
    EXPECT_THAT(receiver.Take(), ElementsAre("hello"));
  });
}

TEST(UdpSender, ReportsARefusingPortWithoutWaiting) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    const SyslogAddress address{"127.0.0.1", std::to_string(test::ClosedUdpPort())};
    base::Result<UdpSender> sender = co_await UdpSender::Open(address, base::After(5s));
    CO_ASSERT_OK(sender);
    // The kernel takes the first datagram; the ICMP port-unreachable it
    // causes is reported by a later send.
    int refused = 0;
    for (int i = 0; i < 20; ++i) {
      const boost::system::error_code error = sender->Send("lost line");
      if (error == asio::error::connection_refused) ++refused;
    }
    EXPECT_GT(refused, 0);
  });
}

TEST(UdpSender, FailsOnANameThatDoesNotResolve) {
  test::RunCoroutine([](asio::any_io_executor) -> asio::awaitable<void> {
    // .invalid never resolves (RFC 2606); without DNS the deadline ends it.
    const SyslogAddress address{"no-such-host.invalid", "514"};
    base::Result<UdpSender> sender = co_await UdpSender::Open(address, base::After(5s));
    CO_ASSERT_TRUE(!sender.ok());
    EXPECT_THAT(sender.status().message(), ::testing::StartsWith("cannot resolve no-such-host.invalid:514: "));
  });
}

}  // namespace
}  // namespace relay
