// Breaks: an output field of type std::set<std::string> has no JSON mapping.
#include <warden/warden.hpp>
#include <set>

namespace app {

struct in { std::string ticketId; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId))
struct out { std::set<std::string> labels; };
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
