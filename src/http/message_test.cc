#include "http/message.h"

#include <gtest/gtest.h>

namespace portico::http {
namespace {

TEST(OriginOfTest, KeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(OriginOf("https://site.example:8443/cb?x=1#f"), "https://site.example:8443");
  EXPECT_EQ(OriginOf("http://localhost:8080"), "http://localhost:8080");
  EXPECT_EQ(OriginOf("https://site.example?q"), "https://site.example");
}

TEST(OriginOfTest, IsEmptyForAnythingNotAbsolute) {
  EXPECT_EQ(OriginOf("/path"), "");
  EXPECT_EQ(OriginOf("site.example/cb"), "");
  EXPECT_EQ(OriginOf(""), "");
}

}  // namespace
}  // namespace portico::http
