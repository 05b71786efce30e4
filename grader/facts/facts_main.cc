// The facts suite's main(): runs every fact, then one summary line, so the
// facts this machine decides differently are easy to find in the test log.
#include <iostream>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace {

class Summary : public ::testing::Environment {
 public:
  void TearDown() override {
    const auto* unit = ::testing::UnitTest::GetInstance();
    const auto& differences = labkit::facts::DifferencesSeen();
    std::cout << "facts: " << unit->test_to_run_count() << " checked on this machine, "
              << unit->failed_test_count() << " failed, " << unit->skipped_test_count()
              << " skipped, " << differences.size() << " differ here\n";
    for (const std::string& line : differences) std::cout << "  differs here: " << line << "\n";
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new Summary);
  return RUN_ALL_TESTS();
}
