#ifndef WARDEN_EXAMPLES_SUPPORT_DESK_TOOLS_HPP
#define WARDEN_EXAMPLES_SUPPORT_DESK_TOOLS_HPP

// The support desk's tools, one of each class:
//   search_orders        read-only: permission-checked (scope, tenant), paginated, output-limited
//   create_support_note  a low-risk write: idempotent, audited
//   issue_refund         a high-risk write: approval, a policy check on the amount, a rate limit
//   send_email           an external side effect: preview, approval, dedupe key; writes an outbox
// and two helpers: get_order and list_support_notes (read-only), check_shipping (a slow upstream).

#include "database.hpp"

#include <warden/warden.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace desk {

enum class order_status { processing, shipped, delivered };
BOOST_DESCRIBE_ENUM(order_status, processing, shipped, delivered)

inline std::string dollars(std::int64_t cents) {
    char text[32];
    std::snprintf(text, sizeof text, "$%lld.%02lld", static_cast<long long>(cents / 100), static_cast<long long>(cents % 100));
    return text;
}

// The idempotency key as the database keeps it: one tenant's key never meets another's.
inline std::string stored_key(const warden::context& ctx, std::string_view tool) {
    return ctx.caller().tenant + "/" + std::string(tool) + "/" + std::string(ctx.idempotency_key());
}

struct order_summary {
    std::string orderId;
    std::string customer;
    std::int64_t totalCents;
    std::int64_t refundedCents;
    order_status status;
};
BOOST_DESCRIBE_STRUCT(order_summary, (), (orderId, customer, totalCents, refundedCents, status))

inline order_summary order_from(const sql_row& r) {
    auto status = as_text(r[4]);
    return {as_text(r[0]), as_text(r[1]), as_int(r[2]), as_int(r[3]),
            status == "processing" ? order_status::processing : status == "shipped" ? order_status::shipped : order_status::delivered};
}

// ---- search_orders

struct search_input {
    std::optional<warden::text<1, 100, warden::doc<"Part of the customer's name.">>> customer;
    std::optional<order_status> status;
    std::optional<warden::text<1, 20, warden::doc<"nextCursor of the previous page.">>> cursor;
    std::optional<warden::integer<1, 50, int, warden::doc<"Orders per page; 10 when left out.">>> limit;
};
BOOST_DESCRIBE_STRUCT(search_input, (), (customer, status, cursor, limit))

struct search_output {
    std::vector<order_summary> orders;
    std::optional<std::string> nextCursor;
};
BOOST_DESCRIBE_STRUCT(search_output, (), (orders, nextCursor))

struct search_orders {
    static constexpr std::string_view name = "search_orders";
    static constexpr std::string_view title = "Search orders";
    static constexpr std::string_view description =
        "Search the caller's orders by customer name and status, a page at a time (follow nextCursor).";
    using input = search_input;
    using output = search_output;
    using policy = warden::policy<warden::read_only, warden::required_scope<"orders:read">, warden::timeout_ms<5000>>;
    database* db;

    output call(const input& in, warden::context& ctx) const {
        int limit = in.limit ? **in.limit : 10;
        // Only the caller's tenant: an order of another tenant does not exist for this caller.
        auto rows = db->query(
            "SELECT id, customer, total_cents, refunded_cents, status FROM orders WHERE tenant = ?1 "
            "AND (?2 IS NULL OR customer LIKE '%' || ?2 || '%') AND (?3 IS NULL OR status = ?3) AND id > ?4 "
            "ORDER BY id LIMIT ?5",
            {ctx.caller().tenant, in.customer ? sql_value(std::string(**in.customer)) : sql_value(nullptr),
             in.status ? sql_value(std::string(boost::describe::enum_to_string(*in.status, ""))) : sql_value(nullptr),
             in.cursor ? std::string(**in.cursor) : std::string(), std::int64_t{limit + 1}});
        output out;
        for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) out.orders.push_back(order_from(rows[i]));
        if (rows.size() > static_cast<std::size_t>(limit)) out.nextCursor = out.orders.back().orderId;
        return out;
    }
};

// ---- get_order

struct order_ref {
    warden::text<1, 20, warden::doc<"The order identifier, like O-1001.">> orderId;
};
BOOST_DESCRIBE_STRUCT(order_ref, (), (orderId))

struct order_detail {
    order_summary order;
    std::int64_t refunds;
};
BOOST_DESCRIBE_STRUCT(order_detail, (), (order, refunds))

inline std::optional<order_summary> find_order(database& db, const std::string& tenant, const std::string& id) {
    auto rows = db.query("SELECT id, customer, total_cents, refunded_cents, status FROM orders WHERE tenant = ?1 AND id = ?2",
                         {tenant, id});
    if (rows.empty()) return std::nullopt;
    return order_from(rows[0]);
}

struct get_order {
    static constexpr std::string_view name = "get_order";
    static constexpr std::string_view description = "Read one of the caller's orders, with how many refunds it has had.";
    using input = order_ref;
    using output = order_detail;
    using policy = warden::policy<warden::read_only, warden::required_scope<"orders:read">>;
    database* db;

    output call(const input& in, warden::context& ctx) const {
        auto order = find_order(*db, ctx.caller().tenant, *in.orderId);
        if (!order) throw warden::tool_error("order_not_found", "There is no order " + *in.orderId + ".");
        auto count = db->query("SELECT COUNT(*) FROM refunds WHERE order_id = ?1", {*in.orderId});
        return {*order, as_int(count[0][0])};
    }
};

// ---- create_support_note

struct note_input {
    warden::text<1, 20, warden::doc<"The support ticket identifier, like T-1.">> ticketId;
    warden::text<1, 2000, warden::doc<"The note, for other agents; the customer never sees it.">> note;
    std::optional<warden::secret<std::string>> customerPhone; // kept in the database, never shown or traced
};
BOOST_DESCRIBE_STRUCT(note_input, (), (ticketId, note, customerPhone))

struct note_output {
    std::string noteId;
    std::string status;
};
BOOST_DESCRIBE_STRUCT(note_output, (), (noteId, status))

inline bool ticket_exists(database& db, const std::string& tenant, const std::string& id) {
    return !db.query("SELECT 1 FROM tickets WHERE tenant = ?1 AND id = ?2", {tenant, id}).empty();
}

struct create_support_note {
    static constexpr std::string_view name = "create_support_note";
    static constexpr std::string_view description = "Append an internal note to an existing support ticket.";
    using input = note_input;
    using output = note_output;
    using policy = warden::policy<warden::mutating, warden::required_scope<"notes:write">>;
    database* db;

    // The same note on the same ticket is the same operation (a client may name its own key in
    // _meta instead).
    static std::string idempotency_key(const input& in) { return *in.ticketId + "\n" + *in.note; }

    std::optional<warden::tool_error> validate(const input& in, warden::context& ctx) const {
        if (!ticket_exists(*db, ctx.caller().tenant, *in.ticketId))
            return warden::tool_error("ticket_not_found", "There is no ticket " + *in.ticketId + ".");
        return std::nullopt;
    }

    output call(const input& in, warden::context& ctx) const {
        // The key is a unique column too: even a retry the server cannot recognize (after a
        // restart) adds no second row.
        auto key = stored_key(ctx, name);
        auto id = db->transaction([&](auto run) {
            run("INSERT OR IGNORE INTO notes (ticket_id, tenant, author, body, customer_phone, idempotency_key) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                {*in.ticketId, ctx.caller().tenant, ctx.caller().user, *in.note,
                 in.customerPhone ? sql_value(in.customerPhone->reveal()) : sql_value(nullptr), key});
            return as_int(run("SELECT id FROM notes WHERE idempotency_key = ?1", {key})[0][0]);
        });
        return {"N-" + std::to_string(id), "created"};
    }
};

// ---- list_support_notes

struct ticket_ref {
    warden::text<1, 20, warden::doc<"The support ticket identifier, like T-1.">> ticketId;
};
BOOST_DESCRIBE_STRUCT(ticket_ref, (), (ticketId))

struct listed_note {
    std::string noteId;
    std::string author;
    std::string note;
};
BOOST_DESCRIBE_STRUCT(listed_note, (), (noteId, author, note))

struct notes_output {
    std::vector<listed_note> notes;
};
BOOST_DESCRIBE_STRUCT(notes_output, (), (notes))

struct list_support_notes {
    static constexpr std::string_view name = "list_support_notes";
    static constexpr std::string_view description = "List the internal notes of a support ticket, oldest first.";
    using input = ticket_ref;
    using output = notes_output;
    using policy = warden::policy<warden::read_only, warden::required_scope<"orders:read">>;
    database* db;

    output call(const input& in, warden::context& ctx) const {
        output out;
        for (auto& r : db->query("SELECT id, author, body FROM notes WHERE tenant = ?1 AND ticket_id = ?2 ORDER BY id",
                                 {ctx.caller().tenant, *in.ticketId}))
            out.notes.push_back({"N-" + as_text(r[0]), as_text(r[1]), as_text(r[2])});
        return out;
    }
};

// ---- issue_refund

struct refund_input {
    warden::idempotency_key requestId;
    warden::text<1, 20, warden::doc<"The order to refund, like O-1001.">> orderId;
    warden::integer<1, 10000000, std::int64_t, warden::doc<"The amount to refund, in cents.">> amountCents;
    warden::text<1, 500, warden::doc<"Why, in a sentence the customer could read.">> reason;
};
BOOST_DESCRIBE_STRUCT(refund_input, (), (requestId, orderId, amountCents, reason))

struct refund_output {
    std::string refundId;
    std::int64_t refundedCents;
    std::int64_t remainingCents;
};
BOOST_DESCRIBE_STRUCT(refund_output, (), (refundId, refundedCents, remainingCents))

struct issue_refund {
    static constexpr std::string_view name = "issue_refund";
    static constexpr std::string_view title = "Issue a refund";
    static constexpr std::string_view description =
        "Refund part or all of an order. A human approves each refund; at most what remains unrefunded.";
    using input = refund_input;
    using output = refund_output;
    // A human answers within the call's deadline: two minutes.
    using policy = warden::policy<warden::mutating, warden::requires_approval, warden::required_scope<"refunds">,
                                  warden::timeout_ms<120000>>;
    database* db;

    warden::decision authorize(const input& in, const warden::principal& who) const {
        if (!who.has_scope("refunds")) return warden::decision::deny("refund_agents_only", "only refund agents may refund");
        auto order = find_order(*db, who.tenant, *in.orderId);
        if (!order) return warden::decision::deny("own_orders_only", "the order is not one of this tenant's");
        auto remaining = order->totalCents - order->refundedCents;
        if (*in.amountCents > remaining)
            return warden::decision::deny("refund_at_most_remaining",
                                          "the amount is more than the " + std::to_string(remaining) + " cents left to refund");
        return warden::decision::allow();
    }

    std::string preview(const input& in) const {
        std::string text = "Refund " + dollars(*in.amountCents) + " on order " + *in.orderId;
        if (auto rows = db->query("SELECT customer, total_cents, refunded_cents FROM orders WHERE id = ?1", {*in.orderId}); !rows.empty())
            text += " (" + as_text(rows[0][0]) + ", " + dollars(as_int(rows[0][1])) + " total, " + dollars(as_int(rows[0][2])) +
                    " refunded so far)";
        return text + ".\nReason: " + *in.reason;
    }

    output call(const input& in, warden::context& ctx) const {
        auto key = stored_key(ctx, name);
        // Checked again inside the transaction: two approved refunds must not pass the total.
        return db->transaction([&](auto run) -> output {
            auto existing = run("SELECT id FROM refunds WHERE idempotency_key = ?1", {key});
            auto order = run("SELECT total_cents, refunded_cents FROM orders WHERE tenant = ?1 AND id = ?2",
                             {ctx.caller().tenant, *in.orderId});
            if (order.empty()) throw warden::tool_error("order_not_found", "There is no order " + *in.orderId + ".");
            std::int64_t total = as_int(order[0][0]), refunded = as_int(order[0][1]);
            if (!existing.empty()) return {"R-" + as_text(existing[0][0]), refunded, total - refunded};
            if (*in.amountCents > total - refunded)
                throw warden::tool_error("refund_exceeds_remaining", "Only " + std::to_string(total - refunded) + " cents remain to refund.");
            run("INSERT INTO refunds (order_id, tenant, agent, cents, reason, idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                {*in.orderId, ctx.caller().tenant, ctx.caller().user, std::int64_t{*in.amountCents}, *in.reason, key});
            auto id = as_int(run("SELECT last_insert_rowid()")[0][0]);
            run("UPDATE orders SET refunded_cents = refunded_cents + ?1 WHERE id = ?2", {std::int64_t{*in.amountCents}, *in.orderId});
            return {"R-" + std::to_string(id), refunded + *in.amountCents, total - refunded - *in.amountCents};
        });
    }
};

// ---- send_email

struct email_input {
    warden::idempotency_key dedupeKey;
    warden::field<std::string, warden::format<"email">, warden::max_length<254>, warden::doc<"The recipient's address.">> to;
    warden::text<1, 200> subject;
    warden::text<1, 5000> body;
};
BOOST_DESCRIBE_STRUCT(email_input, (), (dedupeKey, to, subject, body))

struct email_output {
    std::string messageId;
    std::string status;
};
BOOST_DESCRIBE_STRUCT(email_output, (), (messageId, status))

struct send_email {
    static constexpr std::string_view name = "send_email";
    static constexpr std::string_view description =
        "Email a customer. A human approves the exact message first; it is queued in the outbox and sent once.";
    using input = email_input;
    using output = email_output;
    using policy = warden::policy<warden::external_side_effect, warden::required_scope<"email:send">, warden::timeout_ms<120000>>;
    database* db;

    std::string preview(const input& in) const {
        return "Send this email to " + *in.to + "\nSubject: " + *in.subject + "\n\n" + *in.body;
    }

    output call(const input& in, warden::context& ctx) const {
        auto key = stored_key(ctx, name);
        auto id = db->transaction([&](auto run) {
            run("INSERT OR IGNORE INTO outbox (tenant, sender, recipient, subject, body, idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                {ctx.caller().tenant, ctx.caller().user, *in.to, *in.subject, *in.body, key});
            return as_int(run("SELECT id FROM outbox WHERE idempotency_key = ?1", {key})[0][0]);
        });
        return {"M-" + std::to_string(id), "queued"};
    }
};

// ---- check_shipping: a call to a carrier's API, simulated with a delay (--carrier-delay-ms)

struct shipping_output {
    std::string orderId;
    std::string carrierStatus;
};
BOOST_DESCRIBE_STRUCT(shipping_output, (), (orderId, carrierStatus))

struct check_shipping {
    static constexpr std::string_view name = "check_shipping";
    static constexpr std::string_view description = "Ask the carrier where an order's parcel is.";
    using input = order_ref;
    using output = shipping_output;
    using policy = warden::policy<warden::read_only, warden::open_world, warden::required_scope<"orders:read">, warden::timeout_ms<2000>>;
    database* db;
    std::chrono::milliseconds carrier_delay{50};

    output call(const input& in, warden::context& ctx) const {
        if (!find_order(*db, ctx.caller().tenant, *in.orderId))
            throw warden::tool_error("order_not_found", "There is no order " + *in.orderId + ".");
        auto status = ctx.upstream(
            "carrier",
            [&](const warden::upstream_attempt& attempt) {
                std::mutex m;
                std::condition_variable_any cv;
                std::unique_lock lock(m);
                cv.wait_for(lock, attempt.stop_token(), carrier_delay, [] { return false; }); // the network, simulated
                return std::string("in transit");
            },
            {.attempts = 2});
        return {*in.orderId, status};
    }
};

} // namespace desk

#endif
