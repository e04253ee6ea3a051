// The physical limit of a password sign-in: Argon2id verifications per second (libsodium,
// 19 MiB, t=2, p=1 — the Network's parameters), on one thread and on every core.
#include <benchmark/benchmark.h>

#include "crypto/password_hash.h"

namespace {

const portico::crypto::PasswordHasher& Hasher() {
  static const portico::crypto::PasswordHasher hasher;
  return hasher;
}

const std::string& StoredHash() {
  static const std::string hash = *Hasher().Hash("correct horse battery staple");
  return hash;
}

void BM_Argon2idVerify(benchmark::State& state) {
  const auto& hasher = Hasher();
  const std::string& stored = StoredHash();
  for (auto _ : state) {
    benchmark::DoNotOptimize(hasher.Verify(stored, "correct horse battery staple"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Argon2idVerify)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->ThreadRange(1, 2)
    ->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
