#include <warden/detail/formats.hpp>

#include <catch2/catch.hpp>

using namespace warden::detail;

TEST_CASE("date: RFC 3339 full-date with real days", "[formats]") {
    CHECK(is_date("2024-02-29"));
    CHECK(is_date("2000-02-29"));
    CHECK(!is_date("1900-02-29"));
    CHECK(!is_date("2023-02-29"));
    CHECK(!is_date("2023-04-31"));
    CHECK(!is_date("2023-13-01"));
    CHECK(!is_date("2023-00-10"));
    CHECK(!is_date("2023-1-01"));
    CHECK(!is_date("2023-01-01 "));
}

TEST_CASE("time and date-time: offsets required, leap seconds at 23:59 UTC only", "[formats]") {
    CHECK(is_time("09:30:00Z"));
    CHECK(is_time("09:30:00.123+02:00"));
    CHECK(is_time("23:59:60Z"));
    CHECK(is_time("01:59:60+02:00"));
    CHECK(!is_time("12:59:60Z"));
    CHECK(!is_time("09:30:00"));
    CHECK(!is_time("24:00:00Z"));
    CHECK(!is_time("09:60:00Z"));
    CHECK(!is_time("09:30:00.Z"));
    CHECK(!is_time("09:30:00+2:00"));
    CHECK(is_date_time("2024-02-29T09:30:00Z"));
    CHECK(is_date_time("2024-02-29t09:30:00z"));
    CHECK(is_date_time("2024-02-29 09:30:00-05:00"));
    CHECK(!is_date_time("2024-02-30T09:30:00Z"));
    CHECK(!is_date_time("2024-02-29"));
    CHECK(!is_date_time("2024-02-29T09:30Z"));
}

TEST_CASE("email, uuid, ipv4", "[formats]") {
    CHECK(is_email("ann@example.com"));
    CHECK(is_email("first.last+tag@mail.example.co.uk"));
    CHECK(!is_email("ann@localhost"));
    CHECK(!is_email("ann@@example.com"));
    CHECK(!is_email(".ann@example.com"));
    CHECK(!is_email("ann.@example.com"));
    CHECK(!is_email("ann@-example.com"));
    CHECK(!is_email("ann@example..com"));
    CHECK(!is_email("ann example@example.com"));
    CHECK(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
    CHECK(is_uuid("123E4567-E89B-12D3-A456-426614174000"));
    CHECK(is_uuid("urn:uuid:123e4567-e89b-12d3-a456-426614174000"));
    CHECK(!is_uuid("123e4567e89b12d3a456426614174000"));
    CHECK(!is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
    CHECK(is_ipv4("192.0.2.1"));
    CHECK(is_ipv4("0.0.0.0"));
    CHECK(is_ipv4("255.255.255.255"));
    CHECK(!is_ipv4("256.0.0.1"));
    CHECK(!is_ipv4("01.2.3.4"));
    CHECK(!is_ipv4("1.2.3"));
    CHECK(!is_ipv4("1.2.3.4.5"));
    CHECK(!is_ipv4("1.2.3.4 "));
}

static_assert(is_known_format("date-time") && !is_known_format("hostname"));

TEST_CASE("uuid: the urn prefix is compared letter by letter", "[formats]") {
    CHECK(is_uuid("URN:UUID:123e4567-e89b-12d3-a456-426614174000"));
    CHECK(!is_uuid("urn\x1auuid\x1a" "123e4567-e89b-12d3-a456-426614174000"));
    CHECK(!is_uuid("urn:uuid\x1a" "123e4567-e89b-12d3-a456-426614174000"));
}
