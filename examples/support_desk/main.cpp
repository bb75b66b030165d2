// support_desk: an MCP server for support agents over an SQLite database, with the four classes
// of tool (read-only, low-risk write, high-risk write, external side effect) and the whole policy
// pipeline: scopes, a refund policy, rate limits, approval, idempotency, deadlines, an audit log.
//
//   support_desk [--stdio | --http ADDRESS:PORT] [--db PATH] [--audit PATH]
//                [--user NAME] [--tenant NAME] [--scopes a,b,c] [--carrier-delay-ms N]
//                [--jwks PATH --issuer URL --audience URL | --insecure-no-auth]
//
// Over stdio the identity flags name the caller. Over HTTP every request needs a bearer token:
// a JWT signed by a key of the JWKS file, issued by --issuer for --audience (this server's
// resource URI); its sub, tenant and scope claims name the caller. HTTP without tokens, where
// everyone is the identity flags' caller, needs --insecure-no-auth and is logged as a warning.
// The database is created and seeded on first start.

#include "tools.hpp"

#include <warden/auth/jwt.hpp>
#include <warden/transport/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

namespace {

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        auto comma = list.find(',', start);
        auto item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

int usage() {
    std::fprintf(stderr, "usage: support_desk [--stdio | --http ADDRESS:PORT] [--db PATH] [--audit PATH] [--user NAME] "
                         "[--tenant NAME] [--scopes a,b,c] [--carrier-delay-ms N]\n"
                         "                    [--jwks PATH --issuer URL --audience URL | --insecure-no-auth]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> flags{{"--db", "support_desk.db"},
                                             {"--audit", "support_desk_audit.jsonl"},
                                             {"--user", "agent"},
                                             {"--tenant", "acme"},
                                             {"--scopes", "orders:read,notes:write,refunds,email:send"},
                                             {"--carrier-delay-ms", "50"}};
    std::string http_at;
    bool insecure_no_auth = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--stdio") continue;
        if (a == "--insecure-no-auth") {
            insecure_no_auth = true;
            continue;
        }
        if (a == "--jwks" || a == "--issuer" || a == "--audience") {
            if (i + 1 >= argc) return usage();
            flags[a] = argv[++i];
            continue;
        }
        if (i + 1 >= argc) return usage();
        if (a == "--http") http_at = argv[++i];
        else if (flags.count(a)) flags[a] = argv[++i];
        else return usage();
    }

    try {
        desk::database db(flags["--db"]);
        warden::principal caller{flags["--user"], flags["--tenant"], split(flags["--scopes"])};
        warden::server server(
            {.name = "support-desk",
             .version = "1.0.0",
             .title = "Support desk",
             .instructions = "Tools for support agents: find orders, note tickets, refund (with a human's approval) and "
                             "email customers (approved, sent once). Refunds and emails are asked of the human first.",
             .pipeline = {
                 .default_rate = {.per_user = {120, std::chrono::minutes(1)}},
                 .tools = {{"issue_refund", {.rate = warden::rate_limits{.per_user = {5, std::chrono::hours(1)}}}},
                           {"search_orders", {.max_output_bytes = 64 * 1024}}},
                 .sinks = {std::make_shared<warden::json_lines_sink>(flags["--audit"])},
             }});
        server.add(desk::search_orders{&db});
        server.add(desk::get_order{&db});
        server.add(desk::create_support_note{&db});
        server.add(desk::list_support_notes{&db});
        server.add(desk::issue_refund{&db});
        server.add(desk::send_email{&db});
        server.add(desk::check_shipping{&db, std::chrono::milliseconds(std::stoll(flags["--carrier-delay-ms"]))});

        if (http_at.empty()) {
            warden::serve_stdio(server, {.caller = caller});
            return 0;
        }
        auto colon = http_at.rfind(':');
        if (colon == std::string::npos) return usage();
        warden::http_options options;
        options.address = http_at.substr(0, colon);
        options.port = static_cast<unsigned short>(std::stoi(http_at.substr(colon + 1)));
        const bool token_flags = flags.count("--jwks") || flags.count("--issuer") || flags.count("--audience");
        if (token_flags && insecure_no_auth) {
            std::fprintf(stderr, "support_desk: --insecure-no-auth contradicts --jwks/--issuer/--audience\n");
            return 2;
        }
        if (insecure_no_auth) {
            std::fprintf(stderr, "support_desk: WARNING: --insecure-no-auth: HTTP requests are not authenticated; anyone "
                                 "who can reach %s acts as %s of %s\n",
                         http_at.c_str(), caller.user.c_str(), caller.tenant.c_str());
            options.caller = caller;
        } else {
            if (!flags.count("--jwks") || !flags.count("--issuer") || !flags.count("--audience")) {
                std::fprintf(stderr, "support_desk: HTTP needs --jwks PATH --issuer URL --audience URL (or "
                                     "--insecure-no-auth, for local experiments only)\n");
                return 2;
            }
            auto verifier = std::make_shared<warden::jwt_verifier>(
                warden::jwks::load(flags["--jwks"]), warden::jwt_options{.issuer = flags["--issuer"], .audience = flags["--audience"]});
            options.authenticate = warden::bearer_authentication(std::move(verifier));
            // Behind a proxy, requests name the resource's host: it is the one Host accepted besides loopback.
            const auto& audience = flags["--audience"];
            if (auto scheme = audience.find("://"); scheme != std::string::npos)
                options.allowed_hosts.push_back(audience.substr(scheme + 3, audience.find('/', scheme + 3) - scheme - 3));
            options.protected_resource = {{.resource = flags["--audience"],
                                           .authorization_servers = {flags["--issuer"]},
                                           .scopes_supported = {"orders:read", "notes:write", "refunds", "email:send"}}};
        }
        warden::serve_http(server, options, [&](unsigned short port) {
            std::fprintf(stderr, "support_desk: listening on http://%s:%u/mcp\n", options.address.c_str(), port);
            std::fflush(stderr);
        });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "support_desk: %s\n", e.what());
        return 1;
    }
}
