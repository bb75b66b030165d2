// detail::batched_writer: lines from many threads arrive whole, each once; a durable write has
// reached the file when it returns, even when it was queued behind another thread's write.

#include <warden/detail/batched_writer.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
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

// A FILE whose first write blocks until released, so a second writer arrives while a write is
// under way (fopencookie: glibc).
struct slow_file {
    std::mutex m;
    std::condition_variable cv;
    std::string written;
    bool first_started = false, release = false;

    static ssize_t write(void* cookie, const char* data, std::size_t n) {
        auto& self = *static_cast<slow_file*>(cookie);
        std::unique_lock lock(self.m);
        if (!self.first_started) {
            self.first_started = true;
            self.cv.notify_all();
            self.cv.wait(lock, [&] { return self.release; });
        }
        self.written.append(data, n);
        return static_cast<ssize_t>(n);
    }
    std::FILE* open() {
        cookie_io_functions_t io{nullptr, &slow_file::write, nullptr, nullptr};
        std::FILE* f = fopencookie(this, "w", io);
        std::setvbuf(f, nullptr, _IONBF, 0);
        return f;
    }
    bool has(std::string_view line) {
        std::lock_guard lock(m);
        return written.find(line) != std::string::npos;
    }
};

TEST_CASE("batched_writer: a durable line is in the file when write returns, even behind another write", "[writer]") {
    for (bool durable : {true, false}) {
        INFO("durable " << durable);
        slow_file file;
        std::FILE* f = file.open();
        REQUIRE(f);
        {
            warden::detail::batched_writer out(f, durable);
            std::thread first([&] { out.write("first\n"); }); // becomes the writing thread, and blocks in write(2)
            {
                std::unique_lock lock(file.m);
                file.cv.wait(lock, [&] { return file.first_started; });
            }
            std::atomic<bool> second_returned{false};
            std::thread second([&] {
                out.write("second\n"); // queued behind the write under way
                second_returned = true;
            });
            // A durable write waits for its line; a plain one returns with it queued.
            auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(durable ? 100 : 5000);
            while (!second_returned && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            CHECK(second_returned == !durable);
            {
                std::lock_guard lock(file.m);
                file.release = true;
            }
            file.cv.notify_all();
            second.join();
            first.join();
            CHECK(file.has("second\n"));
        }
        std::fclose(f);
    }
}
