#ifndef WARDEN_EXAMPLES_SUPPORT_DESK_DATABASE_HPP
#define WARDEN_EXAMPLES_SUPPORT_DESK_DATABASE_HPP

// The support desk's system of record: an SQLite file, created and seeded on first start. A thin
// RAII layer over the C API; one connection, serialized by a mutex (SQLite's own locking covers
// other processes).

#include <sqlite3.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace desk {

using sql_value = std::variant<std::nullptr_t, std::int64_t, std::string>;
using sql_row = std::vector<sql_value>;

class database {
public:
    explicit database(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK)
            throw std::runtime_error("cannot open the database " + path + ": " + sqlite3_errmsg(db_));
        sqlite3_busy_timeout(db_, 5000);
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA foreign_keys=ON");
        create_and_seed();
    }
    ~database() { sqlite3_close(db_); }
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    // Runs one statement with bound parameters and returns its rows.
    std::vector<sql_row> query(const std::string& sql, const std::vector<sql_value>& params = {}) {
        std::lock_guard lock(mutex_);
        return run(sql, params);
    }

    // Runs `fn` inside one transaction (BEGIN IMMEDIATE: writers queue up instead of failing).
    template<class Fn>
    auto transaction(Fn fn) {
        std::lock_guard lock(mutex_);
        run("BEGIN IMMEDIATE", {});
        try {
            auto result = fn([this](const std::string& sql, const std::vector<sql_value>& params = {}) { return run(sql, params); });
            run("COMMIT", {});
            return result;
        } catch (...) {
            run("ROLLBACK", {});
            throw;
        }
    }

    std::int64_t last_insert_id() {
        std::lock_guard lock(mutex_);
        return sqlite3_last_insert_rowid(db_);
    }

private:
    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            std::string why = error ? error : "unknown error";
            sqlite3_free(error);
            throw std::runtime_error("sqlite: " + why);
        }
    }

    std::vector<sql_row> run(const std::string& sql, const std::vector<sql_value>& params) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
        struct finalizer {
            sqlite3_stmt* s;
            ~finalizer() { sqlite3_finalize(s); }
        } guard{stmt};
        for (std::size_t i = 0; i < params.size(); ++i) {
            int at = static_cast<int>(i + 1);
            if (auto* n = std::get_if<std::int64_t>(&params[i])) sqlite3_bind_int64(stmt, at, *n);
            else if (auto* t = std::get_if<std::string>(&params[i])) sqlite3_bind_text(stmt, at, t->c_str(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
            else sqlite3_bind_null(stmt, at);
        }
        std::vector<sql_row> rows;
        while (true) {
            int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
            sql_row row;
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                switch (sqlite3_column_type(stmt, c)) {
                case SQLITE_INTEGER: row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c))); break;
                case SQLITE_NULL: row.emplace_back(nullptr); break;
                default: row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c))));
                }
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    void create_and_seed() {
        exec(R"(
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, customer TEXT NOT NULL,
  total_cents INTEGER NOT NULL, refunded_cents INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, order_id TEXT REFERENCES orders(id), subject TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY, ticket_id TEXT NOT NULL REFERENCES tickets(id), tenant TEXT NOT NULL,
  author TEXT NOT NULL, body TEXT NOT NULL, customer_phone TEXT,
  idempotency_key TEXT NOT NULL UNIQUE, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS refunds (
  id INTEGER PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id), tenant TEXT NOT NULL,
  agent TEXT NOT NULL, cents INTEGER NOT NULL, reason TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, sender TEXT NOT NULL, recipient TEXT NOT NULL,
  subject TEXT NOT NULL, body TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
)");
        if (!run("SELECT 1 FROM orders LIMIT 1", {}).empty()) return;
        exec(R"(
INSERT INTO orders (id, tenant, customer, total_cents, status) VALUES
  ('O-1001', 'acme', 'Ada Lovelace', 12500, 'delivered'),
  ('O-1002', 'acme', 'Alan Turing', 4999, 'shipped'),
  ('O-1003', 'acme', 'Grace Hopper', 30000, 'delivered'),
  ('O-1004', 'acme', 'Ada Lovelace', 899, 'processing'),
  ('O-1005', 'acme', 'Edsger Dijkstra', 150000, 'delivered'),
  ('O-2001', 'globex', 'Hank Scorpio', 99900, 'delivered');
INSERT INTO tickets (id, tenant, order_id, subject) VALUES
  ('T-1', 'acme', 'O-1001', 'Parcel arrived damaged'),
  ('T-2', 'acme', 'O-1002', 'Where is my order?'),
  ('T-3', 'acme', 'O-1003', 'Wrong size'),
  ('T-9', 'globex', 'O-2001', 'Doomsday device missing a part');
)");
    }

    sqlite3* db_ = nullptr;
    std::recursive_mutex mutex_;
};

inline std::int64_t as_int(const sql_value& v) { return std::get<std::int64_t>(v); }
inline std::string as_text(const sql_value& v) {
    if (auto* t = std::get_if<std::string>(&v)) return *t;
    if (auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
    return {};
}

} // namespace desk

#endif
