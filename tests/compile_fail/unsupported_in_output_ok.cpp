// Fixed twin of unsupported_in_output_fail.cpp: the same data as a type warden maps.
#include <warden/warden.hpp>

namespace app {

struct in { std::string ticketId; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId))
struct out { std::vector<std::string> labels; };
BOOST_DESCRIBE_STRUCT(out, (), (labels))

struct get_ticket {
    static constexpr std::string_view name = "get_ticket";
    static constexpr std::string_view description = "Read one support ticket by its id.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

} // namespace app

boost::json::object definition() { return warden::tool_definition<app::get_ticket>(); }
