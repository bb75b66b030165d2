// Fixed: a tool whose output is void returns content blocks in a tool_result<void>.
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
    warden::tool_result<void> call(const input& in, warden::context&) const {
        return {{warden::content::text("ticket " + in.ticketId)}};
    }
};

inline void serve(warden::server& s) { s.add(show_ticket{}); }

} // namespace app
