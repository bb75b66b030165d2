#ifndef WARDEN_POLICY_PRINCIPAL_HPP
#define WARDEN_POLICY_PRINCIPAL_HPP

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

// Who is calling: every call has one, from configuration (stdio) or a verified token (HTTP).
struct principal {
    std::string user;
    std::string tenant;
    std::vector<std::string> scopes;

    bool has_scope(std::string_view s) const noexcept {
        return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
    }
};

} // namespace warden

#endif
