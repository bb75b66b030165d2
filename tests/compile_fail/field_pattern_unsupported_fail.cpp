// Breaks: the pattern uses a lookahead, which warden does not support.
#include <warden/warden.hpp>

namespace app {

struct in { std::string ticketId; warden::field<std::string, warden::max_length<20>, warden::pattern<"^(?=T-)[A-Z]+-[0-9]+$">> value; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId, value))
struct out { std::string status; };
BOOST_DESCRIBE_STRUCT(out, (), (status))

struct get_ticket {
    static constexpr std::string_view name = "get_ticket";
    static constexpr std::string_view description = "Read one support ticket by its id.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

} // namespace app

static_assert(warden::is_tool<app::get_ticket>);
