// Fixed: the form holds only flat fields: strings, numbers, booleans and enums.
#include <warden/warden.hpp>

namespace app {

struct form {
    bool confirm;
    std::optional<warden::text<1, 200>> reason;
};
BOOST_DESCRIBE_STRUCT(form, (), (confirm, reason))

inline void ask(warden::context& ctx) { (void)warden::elicit<form>(ctx, "Go ahead?"); }

} // namespace app
