// Tests for core/settings.h: TOML file, environment overrides and typed getters.
#include "core/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace portico {
namespace {

using ::testing::HasSubstr;

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "portico-settings-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const auto& name : env_) ::unsetenv(name.c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    out << text;
    return path;
  }

  void SetEnv(const std::string& name, const std::string& value) {
    env_.push_back(name);
    ASSERT_EQ(::setenv(name.c_str(), value.c_str(), 1), 0);
  }

  std::filesystem::path dir_;
  std::vector<std::string> env_;
};

TEST_F(SettingsTest, EnvNameIsPrefixedUpperCaseWithUnderscores) {
  EXPECT_EQ(Settings::EnvName("http.listen"), "PORTICO_HTTP_LISTEN");
  EXPECT_EQ(Settings::EnvName("session.idle_timeout_minutes"),
            "PORTICO_SESSION_IDLE_TIMEOUT_MINUTES");
}

TEST_F(SettingsTest, LoadFlattensTomlTablesIntoDottedKeys) {
  std::string path = WriteFile("portico.toml",
                               "top = \"level\"\n"
                               "[unittest]\n"
                               "name = \"from-file\"\n"
                               "port = 8080\n"
                               "secure = true\n"
                               "[unittest.nested]\n"
                               "deep = \"value\"\n");
  auto settings = Settings::Load(path, {});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->GetString("top", ""), "level");
  EXPECT_EQ(settings->GetString("unittest.name", ""), "from-file");
  EXPECT_EQ(settings->GetString("unittest.nested.deep", ""), "value");
  auto port = settings->GetInt("unittest.port", 0, 1, 65535);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  EXPECT_EQ(*port, 8080);
  auto secure = settings->GetBool("unittest.secure", false);
  ASSERT_TRUE(secure.ok()) << secure.status().ToString();
  EXPECT_TRUE(*secure);
}

TEST_F(SettingsTest, EnvironmentOverridesFile) {
  std::string path = WriteFile("portico.toml", "[unittest]\nname = \"from-file\"\nport = 8080\n");
  SetEnv("PORTICO_UNITTEST_NAME", "from-env");
  SetEnv("PORTICO_UNITTEST_PORT", "9090");
  auto settings = Settings::Load(path, {"unittest.name", "unittest.port"});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->GetString("unittest.name", ""), "from-env");
  auto port = settings->GetInt("unittest.port", 0, 1, 65535);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  EXPECT_EQ(*port, 9090);
}

TEST_F(SettingsTest, EnvironmentWorksWithoutFile) {
  SetEnv("PORTICO_UNITTEST_NAME", "only-env");
  auto settings = Settings::Load("", {"unittest.name"});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->GetString("unittest.name", "fallback"), "only-env");
}

TEST_F(SettingsTest, EnvironmentIsReadOnlyForKnownKeys) {
  SetEnv("PORTICO_UNITTEST_NAME", "from-env");
  auto settings = Settings::Load("", {"unittest.other"});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->GetString("unittest.name", "fallback"), "fallback");
}

TEST_F(SettingsTest, FileValueKeptWhenEnvironmentUnset) {
  std::string path = WriteFile("portico.toml", "[unittest]\nname = \"from-file\"\n");
  ::unsetenv("PORTICO_UNITTEST_NAME");
  auto settings = Settings::Load(path, {"unittest.name"});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->GetString("unittest.name", ""), "from-file");
}

TEST_F(SettingsTest, GetStringReturnsFallbackWhenMissing) {
  Settings settings;
  EXPECT_EQ(settings.GetString("unittest.missing", "fallback"), "fallback");
}

TEST_F(SettingsTest, LoadReportsNotFoundForMissingFile) {
  auto settings = Settings::Load((dir_ / "missing.toml").string(), {});
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.status().code(), StatusCode::kNotFound);
}

TEST_F(SettingsTest, LoadReportsSyntaxErrorWithPathAndLine) {
  std::string path = WriteFile("broken.toml", "[unittest]\nname = = \"x\"\n");
  auto settings = Settings::Load(path, {});
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(settings.status().message(), HasSubstr(path));
  EXPECT_THAT(settings.status().message(), HasSubstr(path + ":2:"));
}

TEST_F(SettingsTest, GetIntReturnsFallbackWhenMissing) {
  Settings settings;
  auto v = settings.GetInt("unittest.port", 42, 1, 100);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 42);
}

TEST_F(SettingsTest, GetIntAcceptsBounds) {
  Settings settings;
  settings.Set("unittest.low", "1");
  settings.Set("unittest.high", "65535");
  settings.Set("unittest.negative", "-5");
  auto low = settings.GetInt("unittest.low", 0, 1, 65535);
  auto high = settings.GetInt("unittest.high", 0, 1, 65535);
  auto negative = settings.GetInt("unittest.negative", 0, -10, 10);
  ASSERT_TRUE(low.ok() && high.ok() && negative.ok());
  EXPECT_EQ(*low, 1);
  EXPECT_EQ(*high, 65535);
  EXPECT_EQ(*negative, -5);
}

TEST_F(SettingsTest, GetIntOutOfRangeNamesTheKey) {
  Settings settings;
  settings.Set("unittest.port", "65536");
  settings.Set("unittest.zero", "0");
  auto high = settings.GetInt("unittest.port", 0, 1, 65535);
  ASSERT_FALSE(high.ok());
  EXPECT_EQ(high.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(high.status().message(), HasSubstr("unittest.port"));
  auto low = settings.GetInt("unittest.zero", 5, 1, 65535);
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(low.status().message(), HasSubstr("unittest.zero"));
}

TEST_F(SettingsTest, GetIntRejectsNonIntegersNamingTheKey) {
  Settings settings;
  for (const char* bad : {"abc", "12abc", "", "1.5", "99999999999999999999999"}) {
    settings.Set("unittest.port", bad);
    auto v = settings.GetInt("unittest.port", 0, 0, INT64_MAX);
    ASSERT_FALSE(v.ok()) << "value '" << bad << "'";
    EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument) << "value '" << bad << "'";
    EXPECT_THAT(v.status().message(), HasSubstr("unittest.port")) << "value '" << bad << "'";
  }
}

TEST_F(SettingsTest, GetBoolAcceptsDocumentedSpellings) {
  Settings settings;
  for (const char* yes : {"true", "1", "yes", "on"}) {
    settings.Set("unittest.flag", yes);
    auto v = settings.GetBool("unittest.flag", false);
    ASSERT_TRUE(v.ok()) << yes;
    EXPECT_TRUE(*v) << yes;
  }
  for (const char* no : {"false", "0", "no", "off"}) {
    settings.Set("unittest.flag", no);
    auto v = settings.GetBool("unittest.flag", true);
    ASSERT_TRUE(v.ok()) << no;
    EXPECT_FALSE(*v) << no;
  }
}

TEST_F(SettingsTest, GetBoolReturnsFallbackWhenMissing) {
  Settings settings;
  auto t = settings.GetBool("unittest.flag", true);
  auto f = settings.GetBool("unittest.flag", false);
  ASSERT_TRUE(t.ok() && f.ok());
  EXPECT_TRUE(*t);
  EXPECT_FALSE(*f);
}

TEST_F(SettingsTest, GetBoolRejectsOtherTextNamingTheKey) {
  Settings settings;
  settings.Set("unittest.flag", "maybe");
  auto v = settings.GetBool("unittest.flag", false);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("unittest.flag"));
}

TEST_F(SettingsTest, GetBoolReadsEnvironmentOverride) {
  std::string path = WriteFile("portico.toml", "[unittest]\nflag = true\n");
  SetEnv("PORTICO_UNITTEST_FLAG", "off");
  auto settings = Settings::Load(path, {"unittest.flag"});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  auto v = settings->GetBool("unittest.flag", true);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(*v);
}

}  // namespace
}  // namespace portico
