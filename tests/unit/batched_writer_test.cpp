// detail::batched_writer: lines from many threads arrive whole, each once; a durable write has
// reached the file when it returns.

#include <warden/detail/batched_writer.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string contents(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string all;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, f)) all.append(buffer, n);
    return all;
}

} // namespace

TEST_CASE("batched_writer: concurrent lines arrive whole and once", "[writer]") {
    for (bool durable : {false, true}) {
        INFO("durable " << durable);
        std::FILE* f = std::tmpfile();
        REQUIRE(f);
        {
            // A small bound, so that writers also wait for room.
            warden::detail::batched_writer out(f, durable, 256);
            std::vector<std::thread> threads;
            for (int t = 0; t < 8; ++t)
                threads.emplace_back([&out, t] {
                    for (int i = 0; i < 500; ++i)
                        out.write("thread " + std::to_string(t) + " line " + std::to_string(i) + " " + std::string(i % 50, 'x') + "\n");
                });
            for (auto& th : threads) th.join();
        }
        std::map<std::string, int> seen;
        std::string all = contents(f);
        std::size_t start = 0;
        while (start < all.size()) {
            auto end = all.find('\n', start);
            REQUIRE(end != std::string::npos);
            ++seen[all.substr(start, end - start)];
            start = end + 1;
        }
        CHECK(seen.size() == 8 * 500);
        for (int t = 0; t < 8; ++t)
            for (int i = 0; i < 500; ++i)
                CHECK(seen["thread " + std::to_string(t) + " line " + std::to_string(i) + " " + std::string(i % 50, 'x')] == 1);
        std::fclose(f);
    }
}

TEST_CASE("batched_writer: a durable line is in the file when write returns", "[writer]") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    warden::detail::batched_writer out(f, true);
    out.write("first\n");
    // Read through another descriptor of the same file: what fwrite buffered but did not flush is not there.
    std::FILE* again = std::fopen(("/proc/self/fd/" + std::to_string(fileno(f))).c_str(), "r");
    REQUIRE(again);
    char buffer[16] = {};
    CHECK(std::fread(buffer, 1, sizeof buffer - 1, again) == 6);
    CHECK(std::string(buffer) == "first\n");
    std::fclose(again);
    std::fclose(f);
}
