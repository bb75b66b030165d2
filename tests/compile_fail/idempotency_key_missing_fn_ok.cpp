// Fixed twin of idempotency_key_missing_fail.cpp: the tool defines idempotency_key(const input&).
#include <warden/warden.hpp>

namespace app {

struct in { std::string ticketId; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId))
struct out { std::string status; };
BOOST_DESCRIBE_STRUCT(out, (), (status))

struct close_ticket {
    static constexpr std::string_view name = "close_ticket";
    static constexpr std::string_view description = "Close a support ticket.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::mutating>;
    static std::string idempotency_key(const input& req) { return req.ticketId; }
};

} // namespace app

static_assert(warden::is_tool<app::close_ticket>);
