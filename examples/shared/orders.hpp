#ifndef WARDEN_EXAMPLES_ORDERS_HPP
#define WARDEN_EXAMPLES_ORDERS_HPP

// A larger, nested input: an order with line items. It exercises every kind of field warden
// supports and is the second input of the validation benchmark and the differential test.

#include <warden/warden.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shop {

enum class order_priority { low, normal, high };
BOOST_DESCRIBE_ENUM(order_priority, low, normal, high)

struct line_item {
    warden::field<std::string, warden::doc<"Stock keeping unit, like ABC-1234.">, warden::max_length<8>,
                  warden::pattern<"^[A-Z]{3}-[0-9]{4}$">>
        sku;
    warden::integer<1, 1000, std::int32_t> quantity;
    warden::field<double, warden::minimum<0>, warden::doc<"Price of one unit, in the order's currency.">> unitPrice;
    std::optional<warden::text<1, 200>> giftMessage;
};
BOOST_DESCRIBE_STRUCT(line_item, (), (sku, quantity, unitPrice, giftMessage))

struct address {
    warden::text<1, 200> line1;
    warden::text<1, 100> city;
    warden::field<std::string, warden::max_length<2>, warden::pattern<"^[A-Z]{2}$">> country;
};
BOOST_DESCRIBE_STRUCT(address, (), (line1, city, country))

struct order {
    warden::text<1, 64, warden::doc<"The order identifier.">> orderId;
    warden::field<std::string, warden::max_length<254>, warden::format<"email">> customerEmail;
    order_priority priority;
    warden::field<std::vector<line_item>, warden::min_items<1>, warden::max_items<100>> items;
    std::optional<address> shipping;
    std::optional<std::map<std::string, warden::text<0, 100>>> tags;
    std::optional<warden::field<std::string, warden::format<"date">>> deliverBy;
    std::optional<std::uint16_t> warehouse;
    std::optional<std::int32_t> loyaltyPoints;
    std::optional<warden::secret<std::string>> couponCode;
    bool giftWrap;
};
BOOST_DESCRIBE_STRUCT(order, (), (orderId, customerEmail, priority, items, shipping, tags, deliverBy, warehouse,
                                  loyaltyPoints, couponCode, giftWrap))

struct order_receipt {
    std::string orderId;
    double total;
    std::int32_t itemCount;
};
BOOST_DESCRIBE_STRUCT(order_receipt, (), (orderId, total, itemCount))

struct place_order {
    static constexpr std::string_view name = "place_order";
    static constexpr std::string_view title = "Place an order";
    static constexpr std::string_view description = "Place an order for the listed line items.";
    using input = order;
    using output = order_receipt;
    using policy = warden::policy<warden::mutating, warden::timeout_ms<5000>, warden::required_scope<"orders:write">>;

    static std::string idempotency_key(const input& in) { return *in.orderId; }
};

} // namespace shop

#endif
