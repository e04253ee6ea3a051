// libsodium's one-time initialisation, shared by everything in crypto/ that calls libsodium
// (sealing, password hashing, random bytes). Internal to portico_crypto.
#pragma once

namespace portico::crypto {

// Initialises libsodium once per process (it picks the fastest implementations and its random
// source); later calls return at once. Thread-safe. Aborts the process if libsodium cannot
// start: hashing, sealing and random bytes would otherwise be unsafe or fail one by one.
void EnsureSodium();

}  // namespace portico::crypto
