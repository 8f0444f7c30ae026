// The bounded memory of values made lately (core/recent.hpp): what it keeps, what it pushes out
// first, and what it never keeps.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "gateway/core/recent.hpp"

namespace {

using Values = eaeu::Recent<std::string>;

std::shared_ptr<const std::string> Value(const char* text) {
  return std::make_shared<const std::string>(text);
}

}  // namespace

TEST_CASE("Recent values: found until forgotten, and the last reader takes it out", "[recent]") {
  Values values(eaeu::RecentLimits{8, 1000, 100});
  CHECK(values.Put("a", Value("first"), 10));
  CHECK(values.Put("b", Value("second"), 20));
  REQUIRE(values.Find("a") != nullptr);
  CHECK(*values.Find("a") == "first");
  // Found with `forget`: given once more, then gone.
  const auto last = values.Find("b", true);
  REQUIRE(last != nullptr);
  CHECK(*last == "second");
  CHECK(values.Find("b") == nullptr);
  values.Forget("a");
  CHECK(values.Find("a") == nullptr);
  values.Forget("never there");
  const auto f = values.figures();
  CHECK(f.values == 0);
  CHECK(f.weight == 0);
  CHECK(f.hits == 3);
  CHECK(f.misses == 2);
}

TEST_CASE("Recent values: the oldest go first, by count and by weight", "[recent]") {
  SECTION("by count") {
    Values values(eaeu::RecentLimits{2, 1000, 100});
    values.Put("a", Value("a"), 1);
    values.Put("b", Value("b"), 1);
    values.Put("c", Value("c"), 1);
    CHECK(values.Find("a") == nullptr);
    CHECK(values.Find("b") != nullptr);
    CHECK(values.Find("c") != nullptr);
    CHECK(values.figures().evicted == 1);
  }
  SECTION("by weight") {
    Values values(eaeu::RecentLimits{100, 100, 60});
    values.Put("a", Value("a"), 40);
    values.Put("b", Value("b"), 40);
    values.Put("c", Value("c"), 40);  // 120 > 100: a goes
    CHECK(values.Find("a") == nullptr);
    CHECK(values.Find("b") != nullptr);
    CHECK(values.figures().weight == 80);
  }
  SECTION("a value put again under its key is new again and weighs what it weighs now") {
    Values values(eaeu::RecentLimits{2, 1000, 100});
    values.Put("a", Value("a"), 50);
    values.Put("b", Value("b"), 1);
    values.Put("a", Value("a again"), 5);
    values.Put("c", Value("c"), 1);  // b is the oldest now
    CHECK(values.Find("b") == nullptr);
    REQUIRE(values.Find("a") != nullptr);
    CHECK(*values.Find("a") == "a again");
    CHECK(values.figures().weight == 6);
  }
}

TEST_CASE("Recent values: one too heavy is not kept and pushes nothing out", "[recent]") {
  Values values(eaeu::RecentLimits{8, 1000, 100});
  values.Put("small", Value("small"), 10);
  CHECK_FALSE(values.Put("large", Value("large"), 101));
  CHECK(values.Find("large") == nullptr);
  CHECK(values.Find("small") != nullptr);
  // Put again too heavy, a value kept under the key goes: it is not the current one.
  CHECK_FALSE(values.Put("small", Value("small, grown"), 500));
  CHECK(values.Find("small") == nullptr);
  CHECK_FALSE(values.Put("none", nullptr, 1));
  CHECK(values.figures().values == 0);
}

TEST_CASE("Recent values: none is kept while no reader wants them", "[recent]") {
  Values values(eaeu::RecentLimits{8, 1000, 100}, /*wanted=*/false);
  CHECK_FALSE(values.Put("a", Value("a"), 1));
  CHECK(values.Find("a") == nullptr);
  values.Want(true);
  CHECK(values.Put("a", Value("a"), 1));
  CHECK(values.Find("a") != nullptr);
  // The reader gone, what was kept is let go.
  values.Want(false);
  CHECK(values.Find("a") == nullptr);
  CHECK(values.figures().weight == 0);
}
