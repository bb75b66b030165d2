// Breaks: std::set<int> wrapped in warden::field<...> has no JSON mapping.
#include <warden/warden.hpp>
#include <set>

namespace app {

struct in { std::string ticketId; warden::field<std::set<int>, warden::doc<"Label ids.">> labels; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId, labels))
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
