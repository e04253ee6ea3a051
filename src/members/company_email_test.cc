// The private-mailbox list (M7): the shipped file parses, and matching is by exact domain.
#include "members/company_email.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace portico::members {
namespace {

TEST(PrivateMailboxesTest, MatchesListedDomainsExactlyAndInAnyCase) {
  PrivateMailboxes list("# comment\n\ngmail.com\n  Outlook.com \r\nyahoo.co.uk\n");
  EXPECT_EQ(list.size(), 3u);
  EXPECT_TRUE(list.IsPrivate("ada@gmail.com"));
  EXPECT_TRUE(list.IsPrivate("Ada@GMail.COM"));
  EXPECT_TRUE(list.IsPrivate("ada@outlook.com"));
  EXPECT_TRUE(list.IsPrivate("ada@gmail.com."));
  EXPECT_FALSE(list.IsPrivate("ada@engines.example"));
  EXPECT_FALSE(list.IsPrivate("ada@mail.gmail.com"));  // a subdomain is someone's company
  EXPECT_FALSE(list.IsPrivate("ada@co.uk"));
  EXPECT_FALSE(list.IsPrivate("not an address"));
  EXPECT_FALSE(list.IsPrivate("# comment@x"));
}

TEST(PrivateMailboxesTest, TheShippedListLoads) {
  std::ifstream in(std::string(PORTICO_SOURCE_DIR) + "/data/private-mailbox-domains.txt");
  std::stringstream text;
  text << in.rdbuf();
  PrivateMailboxes list(text.str());
  EXPECT_GT(list.size(), 40u);
  EXPECT_TRUE(list.IsPrivate("someone@hotmail.com"));
  EXPECT_TRUE(list.IsPrivate("someone@yahoo.com"));
  EXPECT_FALSE(list.IsPrivate("someone@example.com"));
}

}  // namespace
}  // namespace portico::members
