// bench_server: the server of the end-to-end benchmark, serving what ../shared/bench/ts_server.mjs
// (the official TypeScript SDK) serves, so the two can be driven by the same load driver:
// create_support_note with a strict {ticketId, note 1..2000} input and a {noteId, status} output,
// storing nothing.
//
//   bench_server [--stdio | --http ADDRESS:PORT] [--pipeline minimal|full] [--trace PATH]
//                [--max-sessions N] [--workers N]
//
// --pipeline minimal: the checks no server can skip (strict decode, the output's schema), with
//   idempotency off. full: rate limits per user, tenant and tool (high enough never to trip),
//   the in-memory idempotency store (every call a fresh key: the notes differ) and a JSON-lines
//   trace of every call written to --trace (default bench_server_trace.jsonl).
// HTTP has no authentication here: it is for loopback measurements only.

#include "../shared/support_note.hpp"

#include <warden/transport/http.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

std::atomic<std::uint64_t> notes_created{0};

struct bench_note : desk::create_support_note {
    output call(const input&, warden::context&) const {
        return {"note-" + std::to_string(notes_created.fetch_add(1, std::memory_order_relaxed) + 1), "created"};
    }
};

int usage() {
    std::fprintf(stderr, "usage: bench_server [--stdio | --http ADDRESS:PORT] [--pipeline minimal|full] [--trace PATH] "
                         "[--max-sessions N] [--workers N]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::string http_at, pipeline = "minimal", trace = "bench_server_trace.jsonl";
    std::size_t max_sessions = 1024;
    unsigned workers = 4;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--stdio") continue;
        if (i + 1 >= argc) return usage();
        std::string value = argv[++i];
        if (a == "--http") http_at = value;
        else if (a == "--pipeline") pipeline = value;
        else if (a == "--trace") trace = value;
        else if (a == "--max-sessions") max_sessions = std::stoul(value);
        else if (a == "--workers") workers = static_cast<unsigned>(std::stoul(value));
        else return usage();
    }
    if (pipeline != "minimal" && pipeline != "full") return usage();

    try {
        warden::server_options options{.name = "warden-bench-server", .version = "0.1.0"};
        if (pipeline == "minimal") {
            options.pipeline.idempotency = nullptr;
        } else {
            const warden::rate plenty{1u << 30, std::chrono::minutes(1)};
            options.pipeline.default_rate = {.per_user = plenty, .per_tenant = plenty, .per_tool = plenty};
            options.pipeline.sinks = {std::make_shared<warden::json_lines_sink>(trace)};
        }
        warden::server server(std::move(options));
        server.add(bench_note{});

        if (http_at.empty()) {
            warden::serve_stdio(server, {.workers = workers});
            return 0;
        }
        auto colon = http_at.rfind(':');
        if (colon == std::string::npos) return usage();
        warden::http_options http;
        http.address = http_at.substr(0, colon);
        http.port = static_cast<unsigned short>(std::stoi(http_at.substr(colon + 1)));
        http.max_sessions = max_sessions;
        warden::serve_http(server, http, [&](unsigned short port) {
            std::fprintf(stderr, "bench_server: listening on http://%s:%u/mcp (pipeline %s)\n", http.address.c_str(), port,
                         pipeline.c_str());
            std::fflush(stderr);
        });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_server: %s\n", e.what());
        return 1;
    }
}
