// Fixed twin of secret_in_output_fail.cpp: the output returns a masked string instead.
#include <warden/warden.hpp>

namespace app {

struct in { std::string ticketId; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId))
struct out { std::string status; std::string apiTokenMasked; };
BOOST_DESCRIBE_STRUCT(out, (), (status, apiTokenMasked))

struct get_ticket {
    static constexpr std::string_view name = "get_ticket";
    static constexpr std::string_view description = "Read one support ticket by its id.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

} // namespace app

boost::json::object definition() { return warden::tool_definition<app::get_ticket>(); }
