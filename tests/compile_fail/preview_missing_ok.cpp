// Fixed twin of preview_missing_fail.cpp: the tool defines preview(const input&).
#include <warden/warden.hpp>

namespace app {

struct in { std::string ticketId; warden::idempotency_key key; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId, key))
struct out { std::string status; };
BOOST_DESCRIBE_STRUCT(out, (), (status))

struct email_ticket {
    static constexpr std::string_view name = "email_ticket";
    static constexpr std::string_view description = "Email a ticket to its customer.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::external_side_effect>;
    static std::string preview(const input& req) { return "Email ticket " + req.ticketId; }
};

} // namespace app

static_assert(warden::is_tool<app::email_ticket>);
