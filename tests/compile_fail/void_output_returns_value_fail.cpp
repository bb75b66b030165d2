// Breaks: a tool whose output is void (content blocks only) returns a value from call().
#include <warden/warden.hpp>

namespace app {

struct in { std::string ticketId; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId))

struct show_ticket {
    static constexpr std::string_view name = "show_ticket";
    static constexpr std::string_view description = "Show one support ticket as text.";
    using input = in;
    using output = void;
    using policy = warden::policy<warden::read_only>;
    std::string call(const input& in, warden::context&) const { return "ticket " + in.ticketId; }
};

inline void serve(warden::server& s) { s.add(show_ticket{}); }

} // namespace app
