// A server that does nothing, for a yardstick: it answers the load driver's Streamable HTTP
// traffic (initialize, notifications/initialized, tools/list, tools/call, the closing DELETE)
// with canned replies, the request's id copied in, from one epoll thread. No parsing past the
// headers' Content-Length, no validation, no session, no allocation to speak of. What the driver
// measures against it (calls/s, p99 latency) is what no server can improve on with this driver
// on this machine: benchmarks/run reports warden's figures against it.
//
//   http_floor PORT        listens on 127.0.0.1:PORT until killed
//
// Not an MCP server: it accepts anything, invalid arguments included.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

struct connection {
    std::string in, out;
};

// The text of `"name":` 's value in a compact JSON body: a string with its quotes, or a number.
// The driver writes no spaces and no escapes in these members.
std::string_view member(std::string_view body, std::string_view name) {
    std::string key;
    key.reserve(name.size() + 3);
    key += '"';
    key += name;
    key += "\":";
    const auto at = body.find(key);
    if (at == std::string_view::npos) return {};
    const auto from = at + key.size();
    if (from < body.size() && body[from] == '"') {
        const auto end = body.find('"', from + 1);
        return end == std::string_view::npos ? std::string_view{} : body.substr(from, end - from + 1);
    }
    const auto end = body.find_first_of(",}", from);
    return end == std::string_view::npos ? std::string_view{} : body.substr(from, end - from);
}

void reply(connection& c, std::string_view body, bool is_delete) {
    const std::string_view method = member(body, "method"), id = member(body, "id");
    std::string payload, extra;
    const char* status = "200 OK";
    auto result = [&](std::string_view r) {
        payload = R"({"jsonrpc":"2.0","id":)";
        payload += id;
        payload += R"(,"result":)";
        payload += r;
        payload += '}';
    };
    if (is_delete) {
        // the session's end: nothing to say
    } else if (id.empty()) {
        status = "202 Accepted"; // a notification
    } else if (method == "\"initialize\"") {
        result(R"({"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"http-floor","version":"0"}})");
        extra = "Mcp-Session-Id: 00000000000000000000000000000000\r\n";
    } else if (method == "\"tools/list\"") {
        result(R"({"tools":[{"name":"create_support_note","inputSchema":{"type":"object","properties":{"ticketId":{"type":"string"},)"
               R"("note":{"type":"string"}},"required":["ticketId","note"],"additionalProperties":false}}]})");
    } else {
        result(R"({"content":[{"type":"text","text":"{\"noteId\":\"note-1\",\"status\":\"created\"}"}],)"
               R"("structuredContent":{"noteId":"note-1","status":"created"}})");
    }
    c.out += "HTTP/1.1 ";
    c.out += status;
    c.out += "\r\n";
    if (!payload.empty()) c.out += "Content-Type: application/json\r\n";
    c.out += extra;
    c.out += "Content-Length: " + std::to_string(payload.size()) + "\r\n\r\n";
    c.out += payload;
}

// Answers every whole request in c.in; false when a request is not HTTP the floor can read.
bool serve(connection& c) {
    for (;;) {
        const auto head_end = c.in.find("\r\n\r\n");
        if (head_end == std::string::npos) return c.in.size() < 65536;
        std::size_t length = 0;
        for (std::size_t line = c.in.find("\r\n") + 2; line < head_end;) {
            const auto next = c.in.find("\r\n", line);
            if (next - line > 15 && strncasecmp(c.in.data() + line, "content-length:", 15) == 0)
                length = std::strtoul(c.in.c_str() + line + 15, nullptr, 10);
            line = next + 2;
        }
        if (length > (1u << 20)) return false;
        if (c.in.size() < head_end + 4 + length) return true; // the body is still coming
        reply(c, std::string_view(c.in).substr(head_end + 4, length), c.in.compare(0, 7, "DELETE ") == 0);
        c.in.erase(0, head_end + 4 + length);
    }
}

// Writes what it can; true when everything went.
bool flush(int fd, connection& c) {
    while (!c.out.empty()) {
        const ssize_t n = ::write(fd, c.out.data(), c.out.size());
        if (n < 0) return false;
        c.out.erase(0, static_cast<std::size_t>(n));
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: http_floor PORT\n");
        return 2;
    }
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int on = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || ::listen(listener, 128) != 0) {
        std::perror("http_floor: bind");
        return 1;
    }
    const int poller = ::epoll_create1(0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listener;
    ::epoll_ctl(poller, EPOLL_CTL_ADD, listener, &ev);
    std::unordered_map<int, connection> connections;
    epoll_event ready[64];
    char buffer[65536];
    for (;;) {
        const int n = ::epoll_wait(poller, ready, 64, -1);
        if (n < 0 && errno != EINTR) return 1;
        for (int i = 0; i < n; ++i) {
            const int fd = ready[i].data.fd;
            if (fd == listener) {
                for (int s; (s = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
                    ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                    epoll_event e{};
                    e.events = EPOLLIN;
                    e.data.fd = s;
                    ::epoll_ctl(poller, EPOLL_CTL_ADD, s, &e);
                    connections[s];
                }
                continue;
            }
            connection& c = connections[fd];
            bool open = true;
            for (;;) {
                const ssize_t got = ::read(fd, buffer, sizeof buffer);
                if (got > 0) {
                    c.in.append(buffer, static_cast<std::size_t>(got));
                    continue;
                }
                if (got == 0 || errno != EAGAIN) open = false;
                break;
            }
            if (open) open = serve(c);
            // Replies are a few hundred bytes: a socket's buffer takes them whole, or the
            // connection is not worth keeping for a yardstick.
            if (!flush(fd, c) || !open) {
                ::close(fd);
                connections.erase(fd);
            }
        }
    }
}
