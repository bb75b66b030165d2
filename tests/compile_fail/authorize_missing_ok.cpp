// Fixed twin of authorize_missing_fail.cpp: the tool defines authorize().
#include <warden/warden.hpp>

namespace app {

struct in { std::string ticketId; warden::idempotency_key key; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId, key))
struct out { std::string status; };
BOOST_DESCRIBE_STRUCT(out, (), (status))

struct close_ticket {
    static constexpr std::string_view name = "close_ticket";
    static constexpr std::string_view description = "Close a support ticket.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::mutating, warden::requires_approval>;
    static warden::decision authorize(const input&, const warden::principal& p) {
        return p.has_scope("tickets:close") ? warden::decision::allow() : warden::decision::deny("scope", "needs tickets:close");
    }
};

} // namespace app

static_assert(warden::is_tool<app::close_ticket>);
